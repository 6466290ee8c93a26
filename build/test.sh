#!/usr/bin/env bash
# The README's test command: installs what the tests need, builds with warnings as errors,
# runs every test project, and prints one result line computed from the TRX files.
# Under CI=true a skipped test is a failure: PostgreSQL, Redis and browser tests must run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"

apt_updated=0
need_apt() { # need_apt <command or path to check> <debian package>
  if ! command -v "$1" >/dev/null 2>&1 && [ ! -e "$1" ]; then
    if [ "$(id -u)" != 0 ]; then echo "test.sh: $2 is missing and I am not root to install it" >&2; exit 1; fi
    if [ $apt_updated = 0 ]; then apt-get update -qq; apt_updated=1; fi
    echo "test.sh: installing $2"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  fi
}

# PostgreSQL: the tests start a throwaway cluster with initdb + pg_ctl (tests/Security.Testing).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then need_apt /nonexistent/initdb postgresql; fi
# Redis and Chromium only once a test project uses them.
if grep -rqs --include='*.csproj' 'StackExchangeRedis' tests; then need_apt redis-server redis-server; fi
if grep -rqs --include='*.csproj' 'Microsoft.Playwright' tests; then need_apt chromium chromium; fi
# MariaDB: the persistence tests start a throwaway server with mariadb-install-db + mariadbd (tests/Security.Testing).
if grep -rqs --include='*.csproj' 'MySql.EntityFrameworkCore' tests; then need_apt /usr/sbin/mariadbd mariadb-server; fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet restore Security.sln
dotnet build Security.sln -c Release --no-restore -warnaserror

status=0
dotnet test Security.sln -c Release --no-build \
  --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 15m -- NUnit.NumberOfTestWorkers=2 || status=$?

# One line from the real results: sum the counters of every TRX file.
passed=0; failed=0; skipped=0
shopt -s nullglob
for trx in "$results"/*.trx "$results"/*/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted) + $(get inconclusive)))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"

if [ "$status" != 0 ] || [ "$failed" != 0 ]; then exit 1; fi
if [ "$passed" = 0 ]; then echo "test.sh: no test ran" >&2; exit 1; fi
if [ "${CI:-}" = "true" ] && [ "$skipped" != 0 ]; then
  echo "test.sh: $skipped test(s) skipped under CI=true; every test must run in CI" >&2
  exit 1
fi
