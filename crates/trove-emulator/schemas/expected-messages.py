"""Writes what Trove 26.0.0 itself answers to each body in CASES: its router picks the route,
the controller's get_schema picks the schema, jsonschema's Draft4Validator validates and
wsgi.Controller.format_validation_msg words the 400. Run with the python of the real-server venv:
ROOT/venv/bin/python expected-messages.py > expected-messages.json"""
import json, sys, warnings
warnings.filterwarnings('ignore')
from trove.common import cfg
cfg.CONF([], project='trove')
import jsonschema
from trove.common import extensions, wsgi
from trove.common.api import API

mgr = extensions.ExtensionManager()
# The server's paste pipeline builds TroveExtensionMiddleware (extensions:factory), which
# also routes PATCH /<collection>/{id} to each extension resource's edit action.
mw = extensions.TroveExtensionMiddleware(None, mgr)
MAPPERS = [API().map, mw._router.mapper]
I = "11111111-2222-3333-4444-555555555555"
T = "/12345"
CASES = [
    ("POST", "/instances", '{"instance": {"flavorRef": "1", "volume": {"size": 1}}}'),
    ("POST", "/instances", '{"instance": {"name": "x", "flavorRef": "1", "volume": {"size": "abc"}}}'),
    ("POST", "/instances", '{"instance": {"name": "x", "flavorRef": "1", "volume": {"size": -1}}}'),
    ("POST", "/instances", '{"instance": {"name": "x", "flavorRef": "1", "volume": {"size": ""}}}'),
    ("POST", "/instances", '{"instance": {"name": "x", "flavorRef": "1", "volume": {"size": 1.5}}}'),
    ("POST", "/instances", '{"instance": {"name": "x", "flavorRef": "1", "volume": {"size": true}}}'),
    ("POST", "/instances", '{"instance": {"name": "x", "flavorRef": "1", "volume": {"size": null}}}'),
    ("POST", "/instances", '{"instance": {"name": "x", "flavorRef": "1", "volume": {}}}'),
    ("POST", "/instances", '{"instance": {"name": "", "flavorRef": "1"}}'),
    ("POST", "/instances", '{"instance": {"name": "!!!", "flavorRef": "1"}}'),
    ("POST", "/instances", '{"instance": {"name": "' + "a" * 256 + '", "flavorRef": "1"}}'),
    ("POST", "/instances", '{"instance": {"name": 7, "flavorRef": ""}}'),
    ("POST", "/instances", '{"instance": {"name": "it\'s", "flavorRef": [1]}}'),
    ("POST", "/instances", '{"instance": {"name": "x", "flavorRef": "1", "volume": {"size": 1, "type": ""}, "users": [{"name": "u"}, {"password": "p"}], "databases": [{"name": ""}]}}'),
    ("POST", "/instances", '{"instance": {"volume": {"size": 0}, "nics": [{"net-id": "nope", "bogus": 1}], "locality": "near", "replica_count": 0}}'),
    ("POST", "/instances", '{"instance": {"name": "x", "flavorRef": "1", "restorePoint": {}, "replica_of": "abc", "modules": [{"id": "m"}], "datastore": {"type": 5}}}'),
    ("POST", "/instances", '{"instance": {"name": "x", "flavorRef": "1", "users": [{"name": "u", "password": "p", "host": "a b", "databases": [{"name": "d"}, {"name": "d"}]}]}}'),
    ("POST", "/instances", '{"instance": {"name": "x", "flavorRef": "1", "access": {"is_public": "yes", "allowed_cidrs": ["x"]}}}'),
    ("POST", "/instances", '{"instance": "x"}'),
    ("POST", "/instances", '{"name": "x"}'),
    ("POST", "/instances", ''),
    ("POST", "/instances", '{"instance": {"name": "x", "flavorRef": "1"}}'),
    ("POST", "/instances/" + I + "/action", '{"resize": {"volume": {"size": 0}}}'),
    ("POST", "/instances/" + I + "/action", '{"resize": {"flavorRef": ""}}'),
    ("POST", "/instances/" + I + "/action", '{"resize": {"volume": {}}}'),
    ("POST", "/instances/" + I + "/action", '{"restart": []}'),
    ("POST", "/instances/" + I + "/action", '{"restart": {}}'),
    ("POST", "/instances/" + I + "/action", '{"resize": {}}'),
    ("POST", "/instances/" + I + "/action", '{}'),
    ("POST", "/instances/" + I + "/action", '{"reset_status": 5}'),
    ("POST", "/instances/" + I + "/action", '{"restart": {}, "resize": 5}'),
    ("PUT", "/instances/" + I, '{"instance": {"configuration": 5}}'),
    ("PUT", "/instances/" + I, '{"instance": {"configuration": null}}'),
    ("PATCH", "/instances/" + I, '{"instance": {"name": ""}}'),
    ("PATCH", "/instances/" + I, '{"instance": {"access": {"is_public": true}}}'),
    ("POST", "/instances/" + I + "/users", '{"users": [{"name": "u"}]}'),
    ("POST", "/instances/" + I + "/users", '{"users": [{"name": "", "password": "p", "host": "%"}]}'),
    ("POST", "/instances/" + I + "/users", '{"users": {}}'),
    ("PUT", "/instances/" + I + "/users", '{"users": [{"name": "u"}]}'),
    ("PUT", "/instances/" + I + "/users", '{"databases": [{"name": ""}]}'),
    ("PUT", "/instances/" + I + "/users/u", '{"user": {}}'),
    ("PUT", "/instances/" + I + "/users/u", '{"user": {"name": "v", "bogus": 1, "other": 2}}'),
    ("PUT", "/instances/" + I + "/users/u/databases", '{"databases": [{"name": "a"}, {"name": "a"}]}'),
    ("POST", "/instances/" + I + "/databases", '{"databases": [{"name": ""}]}'),
    ("POST", "/instances/" + I + "/databases", '{"databases": [{"character_set": "utf8"}], "extra": 1}'),
    ("POST", "/backups", '{"backup": {"name": "", "instance": "x", "incremental": 2}}'),
    ("POST", "/backups", '{"backup": {"name": "b", "restore_from": {"remote_location": "x"}}}'),
    ("POST", "/backups", '{"backup": {"name": "b", "incremental": true}}'),
    ("POST", "/backup_strategies", '{"backup_strategy": {"instance_id": 5}}'),
    ("POST", "/configurations", '{"configuration": {"name": "c", "values": []}}'),
    ("POST", "/configurations", '{"configuration": {"name": "c"}}'),
    ("PATCH", "/configurations/" + I, '{"configuration": {}}'),
    ("PUT", "/configurations/" + I, '{"configuration": {"values": "x"}}'),
    ("POST", "/modules", '{"module": {"name": "m", "module_type": "ping"}}'),
    ("POST", "/modules", '{"module": {"name": "m", "module_type": "ping", "contents": "", "auto_apply": 2, "apply_order": -1}}'),
    ("PUT", "/modules/" + I, '{"module": {"visible": "1"}}'),
    ("POST", "/clusters", '{"cluster": {"name": "c", "instances": []}}'),
    ("POST", "/clusters", '{"cluster": {"name": "c", "datastore": {"type": "mysql"}, "instances": [{"flavorRef": "1", "nics": [{}, {}]}]}}'),
    ("POST", "/clusters/" + I, '{"grow": [{}]}'),
    ("POST", "/clusters/" + I, '{"shrink": "x"}'),
    ("POST", "/clusters/" + I, '{"upgrade": {}}'),
    ("POST", "/mgmt/instances/" + I + "/action", '{"rebuild": {"image_id": "bad"}}'),
    ("POST", "/mgmt/instances/" + I + "/action", '{"reboot": 1}'),
    ("POST", "/mgmt/clusters/" + I + "/action", '{"reset-task": 1}'),
    ("POST", "/mgmt/instances/" + I + "/upgrade", '{"upgrade": {"location": ""}}'),
    ("POST", "/mgmt/datastore-versions", '{"version": {"name": "v"}}'),
    ("PATCH", "/mgmt/datastore-versions/" + I, '{"image": "x", "active": "yes", "bogus": 1}'),
    ("POST", "/mgmt/datastores/versions/" + I + "/parameters", '{"configuration-parameter": {"name": "p"}}'),
    ("PUT", "/mgmt/datastores/versions/" + I + "/parameters/p", '{"configuration-parameter": {"name": "p", "restart_required": 3, "data_type": "x"}}'),
    ("PUT", "/mgmt/quotas/12345", '{"quotas": {"instances": "x"}}'),
    ("POST", "/instances/" + I + "/ssl", '{"enable": {"mode": "builtin"}}'),
]


def route(method, path):
    for m in MAPPERS:
        got = m.routematch(path, environ={"REQUEST_METHOD": method})
        if got:
            match, _ = got
            ctl = match.get("controller")
            return getattr(ctl, "controller", ctl), match.get("action")
    return None, None


out = []
for method, rest, raw in CASES:
    path = T + rest
    body = json.loads(raw) if raw.strip() else {}
    c, action = route(method, path)
    row = {"method": method, "path": "/v1.0" + path, "body": raw}
    if c is None:
        row["expect"] = "no-route"
        out.append(row)
        continue
    row["controller"] = type(c).__name__ + "." + action
    try:
        schema = c.get_schema(action, body)
        if not schema:
            row["expect"] = "no-schema"
        else:
            v = jsonschema.Draft4Validator(schema)
            if v.is_valid(body):
                row["expect"] = "valid"
            else:
                errors = sorted(v.iter_errors(body), key=lambda e: e.path)
                row["expect"] = "400"
                row["message"] = wsgi.Controller.format_validation_msg(errors)
    except Exception as e:  # the server's 500
        row["expect"] = "500"
        row["raises"] = type(e).__name__
    out.append(row)
json.dump({"source": "trove 26.0.0, jsonschema " + jsonschema.__version__, "cases": out}, sys.stdout, indent=1)
