"""Register Trove and the test users in a freshly bootstrapped Keystone.

Runs after `keystone-manage bootstrap` (which made admin/adminpw in project
admin) against the live server, through the v3 API, stdlib only:

* service "trove" of type "database" with public/internal/admin endpoints
  http://127.0.0.1:8779/v1.0/$(project_id)s in RegionOne;
* jsmith/abcdef with role member on project demo (the conformance user);
* trove/trovepw with role admin on project service (Trove's
  keystonemiddleware service user, see trove-keystone.conf).

Prints one JSON object of ids on stdout; xtask merges it into facts.json.
"""
import json
import sys
import urllib.request

KS = "http://127.0.0.1:5000"
ENDPOINT = "http://127.0.0.1:8779/v1.0/$(project_id)s"
REGION = "RegionOne"


def call(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(KS + path, method=method, data=data)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    with urllib.request.urlopen(req, timeout=30) as r:
        raw = r.read()
        return r.headers, (json.loads(raw) if raw else None)


def password_auth(user, password, project):
    return {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"id": "default"},
            "password": password}}},
        "scope": {"project": {"name": project,
                              "domain": {"id": "default"}}}}}


def main():
    headers, body = call("POST", "/v3/auth/tokens",
                         password_auth("admin", "adminpw", "admin"))
    adm = headers["X-Subject-Token"]
    admin_project_id = body["token"]["project"]["id"]
    admin_user_id = body["token"]["user"]["id"]

    _, b = call("POST", "/v3/services",
                {"service": {"type": "database", "name": "trove"}}, adm)
    sid = b["service"]["id"]
    for iface in ("public", "internal", "admin"):
        call("POST", "/v3/endpoints", {"endpoint": {
            "service_id": sid, "interface": iface, "region_id": REGION,
            "url": ENDPOINT}}, adm)

    def role(name):
        return call("GET", "/v3/roles?name=" + name,
                    token=adm)[1]["roles"][0]["id"]

    def project(name):
        return call("POST", "/v3/projects", {"project": {
            "name": name, "domain_id": "default"}}, adm)[1]["project"]["id"]

    def user(name, password, project_id=None):
        u = {"name": name, "password": password, "domain_id": "default"}
        if project_id:
            u["default_project_id"] = project_id
        return call("POST", "/v3/users", {"user": u}, adm)[1]["user"]["id"]

    demo = project("demo")
    service = project("service")
    jsmith = user("jsmith", "abcdef", demo)
    trove = user("trove", "trovepw")
    call("PUT", "/v3/projects/%s/users/%s/roles/%s"
         % (demo, jsmith, role("member")), token=adm)
    call("PUT", "/v3/projects/%s/users/%s/roles/%s"
         % (service, trove, role("admin")), token=adm)

    def u(name, password, user_id, project, project_id, role_name):
        return {"name": name, "password": password, "id": user_id,
                "domain": "default", "project": project,
                "project_id": project_id, "role": role_name}

    json.dump({
        "region": REGION,
        "database_service_id": sid,
        "database_endpoint_template": ENDPOINT,
        "admin_project_id": admin_project_id,
        "demo_project_id": demo,
        "service_project_id": service,
        "users": {
            "admin": u("admin", "adminpw", admin_user_id, "admin",
                       admin_project_id, "admin"),
            "jsmith": u("jsmith", "abcdef", jsmith, "demo", demo, "member"),
            "trove": u("trove", "trovepw", trove, "service", service,
                       "admin"),
        },
    }, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
