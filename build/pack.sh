#!/usr/bin/env bash
# Packs the nine Security.* packages into artifacts/packages (Release), checks their NuGet
# dependencies against docs/architecture.md, and proves that a fresh app outside the repository restores
# Security.Headers from that folder and compiles the README's quick start.
#   build/pack.sh [--keep-app]
#   --keep-app            keep the fresh app's temp folder and print where it is
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/artifacts/packages"

keep_app=0
for arg in "$@"; do
  case "$arg" in
    --keep-app) keep_app=1 ;;
    *) echo "pack.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

abstractions=Security.Abstractions
persistence=Security.Persistence
features=(Security.Headers Security.Csp Security.Auth Security.Sessions Security.Profiling Security.CrossOrigin)
# Add-on packages: in their base package's folder, depending on that base only among Security.*
# (Security.Profiling.Sampling carries EventPipe/TraceEvent, too heavy for every profiling user).
declare -A addon_base=([Security.Profiling.Sampling]=Security.Profiling)
declare -A addon_dir=([Security.Profiling.Sampling]=Security.Profiling/Sampling)
addons=(Security.Profiling.Sampling)
packages=("$abstractions" "${features[@]}" "$persistence" "${addons[@]}")
expected=${#packages[@]}
project_of() { local dir=${addon_dir[$1]:-$1}; echo "$dir/$1.csproj"; }

fail() { echo "pack.sh: FAILED: $*" >&2; exit 1; }

# 1. Pack.
rm -rf "$out"; mkdir -p "$out"
for p in "${packages[@]}"; do
  echo "pack.sh: packing $p"
  dotnet pack "$(project_of "$p")" -c Release -o "$out" -warnaserror --nologo -v quiet
done

# 2. Exactly one package per project (symbol packages aside).
shopt -s nullglob
nupkgs=("$out"/*.nupkg)
[ "${#nupkgs[@]}" = "$expected" ] || fail "expected $expected .nupkg in artifacts/packages, found ${#nupkgs[@]}: ${nupkgs[*]##*/}"

nuspec_of() { unzip -p "$1" '*.nuspec'; }
summary=()
errors=()
for p in "${packages[@]}"; do
  matches=("$out/$p".[0-9]*.nupkg)
  [ "${#matches[@]}" = 1 ] || fail "expected one $p.<version>.nupkg, found ${#matches[@]}"
  pkg=${matches[0]}
  nuspec=$(nuspec_of "$pkg")
  version=$(grep -m 1 -o "<version>[^<]*</version>" <<<"$nuspec" | sed 's/<[^>]*>//g')
  [ -n "$version" ] || fail "$p: no <version> in its nuspec"
  deps=$(grep -o '<dependency id="[^"]*"' <<<"$nuspec" | sed 's/.*id="//; s/"$//' | sort -u || true)
  family=$(grep '^Security\.' <<<"$deps" || true)
  storage=$(grep -iE '^(Microsoft\.EntityFrameworkCore|Npgsql)' <<<"$deps" || true)

  # 3. docs/architecture.md: Abstractions depends on no Security.* package and no storage; a feature package
  #    depends on Abstractions only among Security.* and on no storage; Persistence on Abstractions only.
  case "$p" in
    "$abstractions")
      [ -z "$family" ] || errors+=("$p depends on $(echo $family)")
      [ -z "$storage" ] || errors+=("$p depends on storage packages: $(echo $storage)") ;;
    "$persistence")
      [ "$family" = "$abstractions" ] || errors+=("$p must depend on $abstractions only among Security.*, has: $(echo $family)")
      # EF Core Relational and Npgsql's provider only: SQLite (or any other provider) is the app's choice.
      sqlite=$(grep -iE 'sqlite' <<<"$deps" || true)
      [ -z "$sqlite" ] || errors+=("$p must not depend on SQLite (the app references its provider), has: $(echo $sqlite)")
      others=$(grep -ivE '^(Microsoft\.EntityFrameworkCore\.Relational|Npgsql\.EntityFrameworkCore\.PostgreSQL)$' <<<"$storage" || true)
      [ -z "$others" ] || errors+=("$p must depend on EF Core Relational and Npgsql.EntityFrameworkCore.PostgreSQL only among storage packages, has: $(echo $others)") ;;
    Security.Profiling.Sampling)
      [ "$family" = "${addon_base[$p]}" ] || errors+=("$p must depend on ${addon_base[$p]} only among Security.*, has: $(echo $family)")
      [ -z "$storage" ] || errors+=("$p depends on storage packages: $(echo $storage)") ;;
    *)
      [ "$family" = "$abstractions" ] || errors+=("$p must depend on $abstractions only among Security.*, has: $(echo $family)")
      [ -z "$storage" ] || errors+=("$p depends on storage packages: $(echo $storage)") ;;
  esac
  listing=$(unzip -l "$pkg")
  grep -q ' README.md$' <<<"$listing" || errors+=("$p has no README.md in its package")

  summary+=("$(printf '  %-22s %-8s deps: %s' "$p" "$version" "$(echo ${deps:-none})")")
  [ "$p" = Security.Headers ] && headers_version=$version
done

echo "pack.sh: packages in ${out#"$root"/}:"
printf '%s\n' "${summary[@]}"
if [ "${#errors[@]}" != 0 ]; then
  printf 'pack.sh: package rule broken: %s\n' "${errors[@]}" >&2
  fail "${#errors[@]} package rule(s) broken (see docs/architecture.md, 'Packages and who may depend on whom')"
fi

# 4. A fresh app under /tmp, so it inherits none of the repository's Directory.*.props, restores
#    Security.Headers from artifacts/packages and compiles. Security.* comes only from the local
#    folder (source mapping), into a private packages folder so a stale cached 0.1.0 is never used.
app=$(mktemp -d /tmp/security-pack-app.XXXXXX)
if [ $keep_app = 1 ]; then echo "pack.sh: fresh app kept in $app"; else trap 'rm -rf "$app"' EXIT; fi
nuget_org=$(grep -m 1 -o 'https://api.nuget.org/v3/index.json' "$root/nuget.config")
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config>
    <add key="globalPackagesFolder" value="$app/packages" />
  </config>
  <packageSources>
    <clear />
    <add key="local" value="$out" />
    <add key="nuget.org" value="${nuget_org:-https://api.nuget.org/v3/index.json}" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local">
      <package pattern="Security.*" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
</configuration>
XML
cat > "$app/FreshApp.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
</Project>
XML
cat > "$app/Program.cs" <<'CS'
var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSecurityHeaders();

var app = builder.Build();
app.UseSecurityHeaders();
app.MapGet("/", () => "hello");
app.Run();
CS

echo "pack.sh: fresh app in $app: dotnet add package Security.Headers --version $headers_version"
(cd "$app" && dotnet add package Security.Headers --version "$headers_version") > "$app.add.log" 2>&1 \
  || { cat "$app.add.log" >&2; rm -f "$app.add.log"; fail "the fresh app could not restore Security.Headers $headers_version"; }
rm -f "$app.add.log"
[ -d "$app/packages/security.abstractions/$headers_version" ] \
  || fail "the fresh app did not restore Security.Abstractions from artifacts/packages"
(cd "$app" && dotnet build -c Release --nologo -v quiet) \
  || fail "the fresh app does not compile against Security.Headers $headers_version"

echo "pack.sh: OK: $expected packages in ${out#"$root"/}, dependencies follow docs/architecture.md, a fresh app restored Security.Headers $headers_version and compiled"
