#!/usr/bin/env bash
# Runs the BenchmarkDotNet suites (Release). Pass BenchmarkDotNet arguments through, e.g.
#   build/bench.sh --filter '*Headers*'
# Without arguments every suite runs. Results land in BenchmarkDotNet.Artifacts/results.
#   build/bench.sh e2e
# runs the end-to-end load harness instead (benchmarks/e2e.sh: Kestrel + wrk, plain against hardened).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = e2e ]; then
  shift
  exec benchmarks/e2e.sh "$@"
fi
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--filter '*')
dotnet run -c Release --project benchmarks/Security.Benchmarks -- "${args[@]}"
