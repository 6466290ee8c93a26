#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to the
# project's PublicAPI.Unshipped.txt, and drops entries reported as removed (RS0017).
# Review the diff: it is the package's public surface.   Usage: build/update-public-api.sh Security.Csp
set -euo pipefail
cd "$(dirname "$0")/.."
for proj in "$@"; do
  proj=${proj%/}
  log=$(mktemp)
  dotnet build "$proj" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 > "$log" || true
  file="$proj/PublicAPI.Unshipped.txt"
  grep -oE "RS0016: Symbol '.*' is not part of the declared public API" "$log" \
    | sed -E "s/^RS0016: Symbol '(.*)' is not part of the declared public API$/\1/" >> "$file" || true
  grep -oE "RS0017: Symbol '.*' is part of the declared API, but is either not public or could not be found" "$log" \
    | sed -E "s/^RS0017: Symbol '(.*)' is part of the declared API.*/\1/" | while IFS= read -r gone; do
      grep -vxF -- "$gone" "$file" > "$file.tmp" || true; mv "$file.tmp" "$file"; done || true
  { head -n 1 "$file"; tail -n +2 "$file" | sort -u; } > "$file.tmp" && mv "$file.tmp" "$file"
  rm -f "$log"
  echo "$file: $(($(wc -l < "$file") - 1)) entries"
done
