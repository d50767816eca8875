#!/usr/bin/env bash
# Drives the trove-emulator binary with curl: Keystone v3 token, create an instance, settle it,
# inject a fault, read the request log (no secret in it) and reset.
# Usage: examples/emulator-control.sh [path/to/trove-emulator]
set -euo pipefail
bin="${1:-${TROVE_EMULATOR_BIN:-target/debug/trove-emulator}}"
out=$(mktemp)
"$bin" --port 0 >"$out" 2>/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$out" && break; sleep 0.05; done
url=$(sed -n 's/.*listening on //p' "$out")
[ -n "$url" ] || { echo "emulator did not start" >&2; exit 1; }

fail() { echo "FAIL: $*" >&2; exit 1; }

# A Keystone v3 token for jsmith/demo; the token is in the X-Subject-Token header.
token=$(curl -sf -D - -o /dev/null -H 'Content-Type: application/json' "$url/v3/auth/tokens" -d '{
  "auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "jsmith", "domain": {"name": "Default"}, "password": "abcdef"}}},
  "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}}' |
  tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p')
[ -n "$token" ] || fail "no token"
trove="$url/v1.0/720853f53c8640d78d83056413bf5271"
api() { curl -s -H "X-Auth-Token: $token" -H 'Content-Type: application/json' "$@"; }

id=$(api "$trove/instances" -d '{"instance": {"name": "db1", "flavorRef": "1", "volume": {"size": 1}}}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["instance"]["id"])')
api "$trove/instances/$id" | grep -q '"status":"BUILD"' || fail "not in BUILD"

curl -sf -X POST "$url/_emulator/settle" | grep -q '"settled":1' || fail "settle"
api "$trove/instances/$id" | grep -q '"status":"ACTIVE"' || fail "not ACTIVE after settle"

curl -sf -X PUT "$url/_emulator/faults" --data-binary 'GET /v1.0/*/instances status=503 times=1' >/dev/null
code=$(api -o /dev/null -w '%{http_code}' "$trove/instances")
[ "$code" = 503 ] || fail "fault not injected ($code)"
curl -sf -X DELETE "$url/_emulator/faults" >/dev/null

log=$(curl -sf "$url/_emulator/requests")
case "$log" in *"$token"* | *abcdef*) fail "a secret is in the request log" ;; esac
echo "$log" | grep -q '"fault":"status=503"' || fail "the fault is not in the log"

curl -sf -X POST "$url/_emulator/clock?advance=60" >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/_emulator/clock?advance=soon")
[ "$code" = 400 ] || fail "bad input answered $code"

curl -sf -X POST "$url/_emulator/reset" >/dev/null
api "$trove/instances" | grep -q '"instances":\[\]' || fail "reset left instances"
echo "emulator-control.sh: 1 passed, 0 failed"
