"""Drives python-troveclient against the trove-emulator binary through its control API.

Starts the binary on a free port (TROVE_EMULATOR_BIN, else target/debug/trove-emulator),
authenticates with Keystone v3 against the emulator's own Keystone (user jsmith, project demo),
and uses /_emulator/ to settle tasks, inject a fault, read the request log and reset.
"""

import json
import os
import pathlib
import subprocess
import urllib.request

import pytest
from keystoneauth1 import exceptions as ksa_exceptions
from keystoneauth1 import identity, session
from troveclient import exceptions
from troveclient.v1 import client

ROOT = pathlib.Path(__file__).resolve().parents[2]
PASSWORD = "abcdef"


BINARY = os.environ.get("TROVE_EMULATOR_BIN", str(ROOT / "target/debug/trove-emulator"))


def start(*args):
    """Starts the binary on a free port; returns the process and its URL."""
    proc = subprocess.Popen(
        [BINARY, "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = proc.stdout.readline()
    assert "listening on" in line, line
    return proc, line.split("listening on", 1)[1].strip()


def stop(proc):
    """SIGTERM, which the binary answers by saving --state and exiting 0."""
    proc.terminate()
    assert proc.wait(timeout=10) == 0


@pytest.fixture(scope="module")
def emulator():
    proc, url = start()
    yield url
    stop(proc)


def password_session(url):
    auth = identity.v3.Password(
        auth_url=url + "/v3",
        username="jsmith",
        password=PASSWORD,
        project_name="demo",
        user_domain_name="Default",
        project_domain_name="Default",
    )
    return session.Session(auth=auth)


def control(url, method, path, body=None):
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url + "/_emulator/" + path, data=data, method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


@pytest.fixture()
def trove(emulator):
    control(emulator, "POST", "reset")
    sess = password_session(emulator)
    yield client.Client(session=sess), sess
    control(emulator, "POST", "reset")


def test_create_settle_fault_log_reset(emulator, trove):
    db, sess = trove
    created = db.instances.create("db1", "1", volume={"size": 1})
    assert db.instances.get(created.id).status == "BUILD"

    assert control(emulator, "POST", "settle")["settled"] == 1
    assert db.instances.get(created.id).status == "ACTIVE"

    control(emulator, "PUT", "faults", "GET /v1.0/*/instances status=500 times=1")
    # With a session, the 500 surfaces as keystoneauth's HttpError (troveclient's otherwise).
    with pytest.raises((exceptions.ClientException, ksa_exceptions.HttpError)) as failed:
        db.instances.list()
    status = getattr(failed.value, "http_status", None) or getattr(failed.value, "code", None)
    assert status == 500
    assert [i.name for i in db.instances.list()] == ["db1"]

    log = control(emulator, "GET", "requests")
    text = json.dumps(log)
    token = sess.get_token()
    assert PASSWORD not in text and token not in text
    seen = [(e["method"], e["path"].split("/")[-1], e["status"]) for e in log["requests"]]
    assert ("POST", "tokens", 201) in seen
    assert ("POST", "instances", 200) in seen
    faulted = [e for e in log["requests"] if e["fault"]]
    assert [(e["status"], e["fault"]) for e in faulted] == [(500, "status=500")]

    control(emulator, "POST", "reset")
    assert db.instances.list() == []


def test_seed_and_clock(emulator, trove):
    db, sess = trove
    project = sess.get_project_id()
    seeded = control(emulator, "POST", "seed", json.dumps({"tenant": project, "count": 3}))
    assert seeded["seeded"] == 3
    assert len(db.instances.list()) == 3

    created = db.instances.create("later", "1", volume={"size": 1})
    control(emulator, "POST", "clock?advance=5")
    assert db.instances.get(created.id).status == "ACTIVE"


def test_bad_input_is_a_json_400(emulator):
    req = urllib.request.Request(emulator + "/_emulator/clock?advance=soon", method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 400
    assert "not a number" in json.loads(err.value.read())["error"]["message"]


def test_state_file_survives_a_restart(tmp_path):
    state = str(tmp_path / "state.json")
    proc, url = start("--state", state)
    db = client.Client(session=password_session(url))
    created = db.instances.create("kept", "1", volume={"size": 1})
    stop(proc)

    proc, url = start("--state", state)
    try:
        db = client.Client(session=password_session(url))
        # The save finished the build.
        assert [(i.id, i.name, i.status) for i in db.instances.list()] == [
            (created.id, "kept", "ACTIVE")
        ]
    finally:
        stop(proc)
