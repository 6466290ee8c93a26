#!/usr/bin/env bash
# End-to-end load harness (run by `build/bench.sh e2e`): builds benchmarks/Security.EndToEnd in Release,
# starts it on Kestrel pinned to one core as each variant (plain: ASP.NET Core + Identity + cookie auth +
# session; hardened: the same plus every Security.* package the sample uses, with its settings), signs in
# to each through the login page (a real antiforgery-checked form POST, never a test-only endpoint), then
# drives them with wrk pinned to the other core, alternating the variants over several rounds, and prints
# each variant's median req/s and its ratio to plain.
#
# Settings (environment):
#   E2E_ROUNDS (5), E2E_DURATION (10s per wrk run), E2E_WARMUP (5s per endpoint and variant, before the
#   rounds), E2E_CONNECTIONS (32), E2E_APP_CPU (0), E2E_LOAD_CPU (1),
#   E2E_ENDPOINTS ("private anon static 404 asset json first-visit"),
#   E2E_VARIANTS ("plain hardened"); "hardened-without-sessions,csp" is the hardened app minus those
#   parts (headers, csp, throttling, profiling, sessions, login-required, password-expiry): where the time goes.
# Quick check: E2E_ROUNDS=1 E2E_DURATION=2s E2E_WARMUP=1s build/bench.sh e2e
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rounds=${E2E_ROUNDS:-5}
duration=${E2E_DURATION:-10s}
warmup=${E2E_WARMUP:-5s}
connections=${E2E_CONNECTIONS:-32}
app_cpu=${E2E_APP_CPU:-0}
load_cpu=${E2E_LOAD_CPU:-1}
read -r -a variants <<<"${E2E_VARIANTS:-plain hardened}"
read -r -a selected <<<"${E2E_ENDPOINTS:-private anon static 404 asset json first-visit}"
project=benchmarks/Security.EndToEnd
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

[ "${variants[0]}" = plain ] || { echo "e2e.sh: E2E_VARIANTS must start with plain (the ratios' denominator)" >&2; exit 1; }
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then echo "e2e.sh: wrk is missing (apt-get install wrk) and I am not root to install it" >&2; exit 1; fi
  echo "e2e.sh: installing wrk"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
for tool in taskset curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "e2e.sh: $tool is required" >&2; exit 1; }
done

# key|name|path|cookies (user: signed in; visitor: an anonymous browser's; none: a first visit)|expected status
all_endpoints=(
  "private|signed-in page|/private|user|200"
  "anon|anonymous page|/|visitor|200"
  "static|static file|/site.css|visitor|200"
  "404|404|/no-such-page|visitor|404"
  "asset|static-asset endpoint|/asset.css|visitor|200"
  "json|JSON API endpoint|/api/status|visitor|200"
  "first-visit|anonymous page, first visit|/|none|200")
endpoints=()
for key in "${selected[@]}"; do
  found=
  for endpoint in "${all_endpoints[@]}"; do [ "${endpoint%%|*}" = "$key" ] && endpoints+=("$endpoint") && found=1; done
  [ -n "$found" ] || { echo "e2e.sh: unknown endpoint '$key' in E2E_ENDPOINTS" >&2; exit 1; }
done

dotnet build "$project" -c Release -warnaserror -nologo -v quiet
dll="$root/$project/bin/Release/net10.0/Security.EndToEnd.dll"

work=$(mktemp -d /tmp/security-e2e.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

declare -A port cookie visitor

start_app() { # start_app <variant> <port>
  local variant=$1 url="http://127.0.0.1:$2" args=(--Variant "$1")
  port[$variant]=$2
  case $variant in
    plain|hardened) ;;
    hardened-without-*) args=(--Variant hardened --Without "${variant#hardened-without-}") ;;
    *) echo "e2e.sh: unknown variant '$variant'" >&2; exit 1 ;;
  esac
  ASPNETCORE_ENVIRONMENT=Production taskset -c "$app_cpu" dotnet "$dll" "${args[@]}" \
    --DataDirectory "$work/$variant" --urls "$url" --contentRoot "$root/$project" --webroot "$root/samples/Security.Sample/wwwroot" \
    >"$work/$variant.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    if curl -fs -o /dev/null "$url/"; then return 0; fi
    sleep 0.5
  done
  echo "e2e.sh: $variant did not start; its log:" >&2; cat "$work/$variant.log" >&2; exit 1
}

cookie_header() { # cookie_header <curl cookie jar>: the Cookie header a browser would send
  awk -F'\t' 'NF == 7 && ($1 !~ /^#/ || $1 ~ /^#HttpOnly_/) { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$1"
}

sign_in() { # sign_in <variant>: a real login through the page's form, antiforgery token included
  local variant=$1 url="http://127.0.0.1:${port[$1]}" jar="$work/$1.cookies" token location
  token=$(curl -fs -c "$jar" -b "$jar" "$url/account/login" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | sed 's/.*value="//; s/"$//')
  [ -n "$token" ] || { echo "e2e.sh: $variant: no antiforgery token on /account/login" >&2; exit 1; }
  location=$(curl -s -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" \
    --data-urlencode "username=bench" --data-urlencode "password=Bench-pass-1" --data-urlencode "__RequestVerificationToken=$token" \
    "$url/account/login")
  [ "$location" = "$url/private" ] || { echo "e2e.sh: $variant: sign-in failed (redirect '$location')" >&2; exit 1; }
  # One page view as a browser makes it: the session and antiforgery cookies it sets are sent from then on.
  curl -fs -o /dev/null -c "$jar" -b "$jar" "$url/private"
  cookie[$variant]=$(cookie_header "$jar")
  # An anonymous browser's cookies (the hardened app gives it a session on its first visit).
  curl -fs -o /dev/null -c "$work/$variant.visitor" "$url/"
  visitor[$variant]=$(cookie_header "$work/$variant.visitor")
}

cookie_args() { # cookie_args <variant> <user|visitor|none>: sets the caller's array args
  args=()
  case $2 in
    user) args=(-H "Cookie: ${cookie[$1]}") ;;
    visitor) [ -n "${visitor[$1]}" ] && args=(-H "Cookie: ${visitor[$1]}") ;;
  esac
  return 0
}

check() { # check <variant>: every endpoint answers as expected before anything is measured
  local variant=$1 url="http://127.0.0.1:${port[$1]}" key name path auth expected status args
  for endpoint in "${all_endpoints[@]}"; do
    IFS='|' read -r key name path auth expected <<<"$endpoint"
    cookie_args "$variant" "$auth"
    status=$(curl -s -o /dev/null -w '%{http_code}' "${args[@]}" "$url$path")
    [ "$status" = "$expected" ] || { echo "e2e.sh: $variant $path answered $status, expected $expected" >&2; exit 1; }
  done
  grep -q '<strong id="user-name">bench</strong>' <(curl -s -H "Cookie: ${cookie[$variant]}" "$url/private") \
    || { echo "e2e.sh: $variant /private does not show the signed-in user" >&2; exit 1; }
  # The hardened variant really is hardened: a CSP header on the page. Its policy has a nonce, which goes out
  # only on pages that render one; the harness's pages render none, so the header carries the policy without it.
  if [ "$variant" = hardened ]; then
    curl -s -D - -o /dev/null -H "Cookie: ${cookie[$variant]}" "$url/private" | grep -qi "^content-security-policy: .*script-src" \
      || { echo "e2e.sh: hardened /private has no CSP header" >&2; exit 1; }
    # Issue 28: a static asset costs no session; the JSON endpoint gets the API policy and no-store.
    ! curl -s -D - -o /dev/null "$url/asset.css" | grep -qi "^set-cookie" \
      || { echo "e2e.sh: hardened /asset.css sets a cookie" >&2; exit 1; }
    curl -s -D - -o /dev/null "$url/api/status" | grep -qi "^content-security-policy: default-src 'none'" \
      || { echo "e2e.sh: hardened /api/status lacks the API policy" >&2; exit 1; }
  fi
}

run_wrk() { # run_wrk <variant> <endpoint> <duration>: prints req/s
  local variant=$1 key name path auth expected args out bad
  IFS='|' read -r key name path auth expected <<<"$2"
  cookie_args "$variant" "$auth"
  out=$(taskset -c "$load_cpu" wrk -t1 -c"$connections" -d"$3" "${args[@]}" "http://127.0.0.1:${port[$variant]}$path")
  bad=$(echo "$out" | awk '/Non-2xx or 3xx responses:/ { print $NF }')
  if [ "$expected" = 200 ] && [ -n "$bad" ]; then echo "e2e.sh: $variant $path: $bad non-2xx responses" >&2; echo "$out" >&2; exit 1; fi
  if echo "$out" | grep -q 'Socket errors'; then echo "e2e.sh: $variant $path: $(echo "$out" | grep 'Socket errors')" >&2; fi
  echo "$out" | awk '/^Requests\/sec:/ { print $2 }'
}

echo "# e2e: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with local changes)')"
echo "# machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), .NET SDK $(dotnet --version)"
echo "# app on core $app_cpu, wrk on core $load_cpu (-t1 -c$connections -d$duration), $rounds rounds, warm-up $warmup per endpoint and variant"
echo "# variants: ${variants[*]}"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"

next_port=5301
for variant in "${variants[@]}"; do start_app "$variant" $next_port; next_port=$((next_port + 1)); sign_in "$variant"; check "$variant"; done
for variant in "${variants[@]}"; do
  for endpoint in "${endpoints[@]}"; do run_wrk "$variant" "$endpoint" "$warmup" >/dev/null; done
done

results="$work/results.tsv"
for round in $(seq 1 "$rounds"); do
  # Alternate the order of the variants, so a drift in the machine's load hits them alike.
  order=("${variants[@]}")
  if [ $((round % 2)) = 0 ]; then order=(); for ((i = ${#variants[@]} - 1; i >= 0; i--)); do order+=("${variants[$i]}"); done; fi
  for endpoint in "${endpoints[@]}"; do
    for variant in "${order[@]}"; do
      rps=$(run_wrk "$variant" "$endpoint" "$duration")
      name=${endpoint#*|}; name=${name%%|*}
      printf '%s\t%s\t%s\t%s\n' "$round" "$name" "$variant" "$rps" | tee -a "$results"
    done
  done
  echo "# after round $round: load $(cut -d' ' -f1-3 /proc/loadavg)"
done

python3 - "$results" "${variants[@]}" <<'EOF'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
variants = sys.argv[2:]
names = list(dict.fromkeys(r[1] for r in rows))
rounds = list(dict.fromkeys(r[0] for r in rows))
# Issue 28's goals (hardened / plain); the JSON row has none of its own.
targets = {"signed-in page": 0.93, "anonymous page": 0.97, "static file": 0.97, "404": 0.97, "static-asset endpoint": 0.97, "anonymous page, first visit": 0.95}
def rps(name, variant, rnd): return next(float(r[3]) for r in rows if r[0] == rnd and r[1] == name and r[2] == variant)
print()
print("Median req/s over the rounds. Ratios to plain: of the medians, and the median of each round's ratio")
print("(paired: the two variants ran back to back, so a load change between rounds cancels out).")
print()
print("| request | " + " | ".join(f"{v} req/s" for v in variants) + " | " + " | ".join(f"{v} / plain (medians; paired)" for v in variants[1:]) + " | target (hardened) |")
print("|---|" + "---:|" * (2 * len(variants) - 1) + "---|")
for name in names:
    median = {v: statistics.median(rps(name, v, rnd) for rnd in rounds) for v in variants}
    ratios = {v: median[v] / median["plain"] for v in variants[1:]}
    paired = {v: statistics.median(rps(name, v, rnd) / rps(name, "plain", rnd) for rnd in rounds) for v in variants[1:]}
    target = targets.get(name)
    verdict = "-" if target is None or "hardened" not in ratios else f">= {target:.2f} {'met' if min(ratios['hardened'], paired['hardened']) >= target else 'MISSED'}"
    print(f"| {name} | " + " | ".join(f"{median[v]:,.0f}" for v in variants) + " | " + " | ".join(f"{ratios[v]:.3f}; {paired[v]:.3f}" for v in variants[1:]) + f" | {verdict} |")
print()
print("per round (req/s, " + " / ".join(variants) + "):")
for name in names:
    print(f"  {name}: " + "  ".join("/".join(f"{rps(name, v, rnd):,.0f}" for v in variants) for rnd in rounds))
EOF
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# logs and results: $work"
