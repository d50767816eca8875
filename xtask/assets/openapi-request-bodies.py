"""Bodies drawn from the OpenAPI document's request schemas, checked against Trove 26.0.0's own.

For every route of trove-26-request-schemas.json that has a schema, the operation of the same
method and path in the document is found (paths compared after the project id, with every
{...} written {}); bodies are drawn from its JSON request body schema by schemathesis' own
generator (positive mode, as `schemathesis run` draws them; hypothesis-jsonschema no longer works
with the pinned hypothesis), and each is validated with jsonschema.Draft4Validator against the schema Trove's controller
picks for it (the file's `selection`: whole body, keyed by the first key, instance resize again
by its first sub-key). A body Trove would refuse is a body our document allows and Trove does
not. Prints one line per route and a JSON summary on the last line; exits 1 on any refusal.

Usage: python openapi-request-bodies.py DOCUMENT TROVE_SCHEMAS EXAMPLES
"""

import json
import re
import sys

import jsonschema
import schemathesis
from hypothesis import HealthCheck, given, settings

# trove/instance/service.py, trove/cluster/service.py, trove/extensions/mgmt/*/service.py and
# trove/extensions/common/service.py (UserController.update_all) pick the schema by the body's
# first key (get_action_schema); the emulator's src/request_schema.rs follows the same list.
KEYED = {
    ("InstanceController", "action"),
    ("ClusterController", "action"),
    ("MgmtInstanceController", "action"),
    ("MgmtClusterController", "action"),
    ("UserController", "update_all"),
}
METHODS = ("get", "put", "post", "delete", "patch")
# The schema no body meets.
NOTHING = {"not": {}}


def normalized(path):
    return re.sub(r"\{[^}]*\}", "{}", path).rstrip("/")


def after_project(doc_path):
    """The part of a document path after `/v1.0/{project}` (or the path itself)."""
    m = re.match(r"^/v1\.0/\{[^}]*\}(/.*)?$", doc_path)
    return normalized(m.group(1) or "") if m else normalized(doc_path)


def without_empty_required(schema):
    """Draft 4 forbids `required: []`; Trove's validator never checks its schemas, so drop it."""
    if isinstance(schema, dict):
        return {
            k: without_empty_required(v)
            for k, v in schema.items()
            if not (k == "required" and v == [])
        }
    if isinstance(schema, list):
        return [without_empty_required(v) for v in schema]
    return schema


def integral_floats_as_ints(value):
    """JSON Schema 2020-12 (the document's) counts 1.0 as an integer and the generator may draw it;
    Draft 4 (Trove's) does not, and no JSON encoder writes an integer type as 1.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [integral_floats_as_ints(v) for v in value]
    if isinstance(value, dict):
        return {k: integral_floats_as_ints(v) for k, v in value.items()}
    return value


def trove_schema(route, body):
    """The schema Trove validates `body` with on `route`, or None (not validated)."""
    schema = route["schema"]
    if (route["controller"], route["action"]) not in KEYED:
        return schema
    if not isinstance(body, dict) or not body:
        return NOTHING  # get_action_schema raises: a 500, never accepted
    key = next(iter(body))
    entry = schema.get(key)
    if entry is None:
        return None
    if route["controller"] == "InstanceController" and key == "resize":
        inner = body[key]
        if not isinstance(inner, dict) or not inner:
            return NOTHING
        return entry.get(next(iter(inner)))
    return entry


def main():
    doc_path, schemas_path, examples = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(doc_path) as f:
        doc = json.load(f)
    with open(schemas_path) as f:
        trove = json.load(f)
    schema = schemathesis.openapi.from_dict(doc)
    operations = {}
    for path, item in doc.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                operations[(method.upper(), after_project(path))] = (path, item[method])

    totals = {"routes": 0, "bodies": 0, "refused": 0, "no_operation": [], "no_body": []}
    validators = {}
    failed = False
    for route in trove["routes"]:
        if "schema" not in route or route["method"] == "GET":
            continue
        # UserAccessController.get_schema (trove/extensions/common/service.py) looks the schema
        # up under a `databases` key the user schemas lack: Trove validates nothing there (the
        # emulator's src/request_schema.rs skips them alike).
        if route["controller"] == "UserAccessController" and route["action"] != "update_all":
            continue
        key = (route["method"], normalized("/" + route["path"].split("/", 2)[2]))
        found = operations.get(key)
        if found is None:
            totals["no_operation"].append(f"{route['method']} {route['path']}")
            continue
        doc_op_path, op = found
        content = op.get("requestBody", {}).get("content", {}).get("application/json")
        if not content or "schema" not in content:
            totals["no_body"].append(f"{route['method']} {doc_op_path}")
            continue
        strategy = schema[doc_op_path][route["method"]].as_strategy()
        drawn, refused = [], []

        @settings(
            max_examples=examples,
            database=None,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(strategy)
        def draw(case):
            body = integral_floats_as_ints(case.body)
            drawn.append(body)
            theirs = trove_schema(route, body)
            if theirs is None:
                return
            # Keyed by identity: every schema is NOTHING or a part of `trove`, both alive until the
            # end, so no two schemas share an id.
            validator = validators.get(id(theirs))
            if validator is None:
                validator = jsonschema.Draft4Validator(without_empty_required(theirs))
                validators[id(theirs)] = validator
            errors = list(validator.iter_errors(body))
            if errors:
                refused.append((body, errors[0].message))

        try:
            draw()
        except Exception as e:  # a schema schemathesis cannot draw from
            print(f"{route['method']} {doc_op_path}: cannot draw: {type(e).__name__}: {e}")
            failed = True
            continue
        totals["routes"] += 1
        totals["bodies"] += len(drawn)
        totals["refused"] += len(refused)
        distinct = len({json.dumps(b, sort_keys=True) for b in drawn})
        print(
            f"{route['method']} {doc_op_path}: {len(drawn)} bodies ({distinct} distinct), "
            f"{len(refused)} refused by Trove"
        )
        for body, message in refused[:3]:
            print(f"    refused: {json.dumps(body)[:300]}: {message[:200]}")
        if refused:
            failed = True
    for what in ("no_operation", "no_body"):
        for line in totals[what]:
            print(f"{what.replace('_', ' ')}: {line}")
    print(json.dumps(totals))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
