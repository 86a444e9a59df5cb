#!/usr/bin/env bash
# The one command that passes FormulaTel's tests on a fresh machine: installs what the tests need (Debian's
# Chromium for the browser tests, Prometheus and promtool for the metrics tests, tshark and tcpdump for the recording
# tests, PostgreSQL for the history store tests), builds, runs every test project, and ends with the totals on a line of their own.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v tshark >/dev/null 2>&1 || need_apt+=(tshark)
command -v tcpdump >/dev/null 2>&1 || need_apt+=(tcpdump)
# PostgreSQL 15 for the history store tests (each test run starts its own server on a loopback port).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "Installing ${need_apt[*]} (Debian packages the tests use)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Debian's kubectl (kubernetes-client) renders deploy/k8s in the tests, whatever kubectl the machine has: unpacked
# beside the build, not installed, so it never clashes with another kubectl.
kubectl_dir=artifacts/tools/kubernetes-client
if [ ! -x "$kubectl_dir/usr/bin/kubectl" ]; then
  log "Unpacking Debian's kubernetes-client (kubectl kustomize for the Kubernetes tests)"
  mkdir -p artifacts/tools
  (cd artifacts/tools && { apt-get download kubernetes-client >/dev/null 2>&1 || { as_root apt-get update -qq && apt-get download kubernetes-client >/dev/null; }; } && dpkg -x kubernetes-client_*.deb kubernetes-client)
fi
export FORMULATEL_KUBECTL="$PWD/$kubectl_dir/usr/bin/kubectl"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK (see global.json) is not installed" >&2
  exit 2
fi

if [ ! -d ../shared/fixtures/f1 ] && [ -z "${FORMULATEL_FIXTURES:-}" ]; then
  echo "error: F1 fixtures not found at ../shared/fixtures/f1; set FORMULATEL_FIXTURES to their folder" >&2
  exit 2
fi

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

log "Building"
dotnet build FormulaTel.sln -nologo -v:minimal

log "Testing"
set +e
dotnet test FormulaTel.sln --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" \
  --blame-hang-timeout 10m
status=$?
set -e

# Totals from the TRX files, one per test project (dotnet test's own summary is per project).
passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { printf '%s' "$counters" | grep -o "$1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done

if [ "$files" -eq 0 ]; then
  echo "error: no test results were written" >&2
  failed=$((failed + 1))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A crashed or hung test host reports no failure of its own: count it.
  failed=1
fi

# Name the failures last, so a log cut to its tail still says which tests broke.
if [ "$failed" -gt 0 ]; then
  echo
  echo "Failed tests:"
  for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    # The test's name, then the first line of its message.
    awk '/<UnitTestResult / { name = ""; if ($0 ~ /outcome="Failed"/) { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); print "  " name } }
         name != "" && /<Message>/ { line = $0; sub(/.*<Message>/, "", line); sub(/<\/Message>.*/, "", line); print "    " substr(line, 1, 400); name = "" }' "$trx" || true
  done
fi

echo
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
