#!/usr/bin/env bash
# Runs the BenchmarkDotNet suites (Release). Pass BenchmarkDotNet arguments through, e.g.
#   build/bench.sh --filter '*Headers*'
# Without arguments every suite runs. Results land in BenchmarkDotNet.Artifacts/results.
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--filter '*')
dotnet run -c Release --project benchmarks/Security.Benchmarks -- "${args[@]}"
