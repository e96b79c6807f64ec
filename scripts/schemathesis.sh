#!/usr/bin/env bash
# Property-based API test: schemathesis (PyPI) against the server's own OpenAPI
# document, signed in as a student and as a teacher. Fails on any 5xx and on any
# response (status, content type, body, headers) the document does not describe.
#   scripts/schemathesis.sh BIN PYTHON_VENV [EXAMPLES]
set -euo pipefail
bin=$(realpath "$1") venv=$(realpath "$2") examples=${3:-20}
want=4.32.5
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null | awk '{print $NF}')" != "$want" ]; then
  "$venv/bin/pip" install -q "schemathesis==$want"
fi
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# Plain HTTP on loopback: this checks the API against its document; the transport
# (HTTPS with a pinned certificate) has its own tests (crates/cli/tests/serve.rs).
EXAMHALL_ADMIN_PASSWORD=admin-password-1 "$bin" serve --data-dir "$dir/data" --addr "127.0.0.1:$port" \
  --init-admin admin --plain-http > "$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf "$base/api/openapi.json" > /dev/null && break; sleep 0.1; done
post() { curl -sf -X POST "$base$1" -H 'content-type: application/json' ${3:+-H "Authorization: Bearer $3"} -d "$2"; }
token() { post /api/users/login/ "{\"username\":\"$1\",\"password\":\"$2\"}" | python3 -c 'import sys,json; print(json.load(sys.stdin)["access"])'; }
post /api/users/register/ '{"username":"st-student","password":"student-pass-1"}' > /dev/null
teacher_id=$(post /api/users/register/ '{"username":"st-teacher","password":"teacher-pass-1","role":"teacher"}' \
  | python3 -c 'import sys,json; print(json.load(sys.stdin)["id"])')
post "/api/users/$teacher_id/approve/" '{}' "$(token admin admin-password-1)" > /dev/null
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance
for who in "st-student student-pass-1" "st-teacher teacher-pass-1"; do
  set -- $who
  echo "==> schemathesis as $1 ($examples examples per operation)"
  (cd "$dir" && "$venv/bin/schemathesis" run "$base/api/openapi.json" --header "Authorization: Bearer $(token "$1" "$2")" \
    --checks "$checks" --max-examples "$examples" --workers 1 --no-color) > "$dir/$1.log" 2>&1 || {
    cat "$dir/$1.log"; echo "schemathesis failed as $1" >&2; exit 1; }
  grep -E "generated, " "$dir/$1.log" | tail -1
done
