#!/usr/bin/env bash
# The shipped jar starts and answers, as the README's first command runs it. The tests run on Maven's
# class path; this catches what only the shaded jar can get wrong (a dependency left out of it, the nested
# load generator missing). Run by .ci/run after the tests, from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q package -DskipTests
work=$(mktemp -d)
chmod o+x "$work"   # as root, the embedded PostgreSQL runs as nobody and must reach its data directory
trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r conf "$work/"
(cd "$work" && exec java -jar "$OLDPWD/target/sekisho.jar" > gateway.log 2>&1) &
pid=$!

ready=""
for _ in $(seq 1 180); do
  # The management listener may answer before the public one is bound: wait for both.
  if curl -fsS http://127.0.0.1:8081/ready > /dev/null 2>&1 \
     && curl -fsS http://127.0.0.1:8080/sekisho/login > /dev/null 2>&1; then ready=yes; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
if [ -z "$ready" ]; then
  echo "jar-smoke: the gateway did not become ready; its log:"; tail -40 "$work/gateway.log"; exit 1
fi
check() { # expected-status url
  local got; got=$(curl -s -o /dev/null -w '%{http_code}' "$2")
  [ "$got" = "$1" ] || { echo "jar-smoke: $2 answered $got, expected $1"; tail -40 "$work/gateway.log"; exit 1; }
}
check 200 http://127.0.0.1:8080/sekisho/login
check 303 http://127.0.0.1:8080/
check 200 http://127.0.0.1:8080/sekisho/admin/api/openapi.json
usage=$(cd "$work" && java -jar "$OLDPWD/target/sekisho.jar" bench --no-such-option 2>&1 || true)
grep -q -- '--members N' <<< "$usage" \
  || { echo "jar-smoke: sekisho.jar bench, alone in a folder, did not find the load generator it carries: $usage"; exit 1; }
echo "jar-smoke: target/sekisho.jar starts, answers and carries the bench"
