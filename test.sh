#!/usr/bin/env bash
# Runs every PlotPipe test. On a bare Debian machine it first installs what the tests need besides the .NET SDK
# (node and npm build the page; Debian's chromium runs the browser tests; Debian's python3 runs the Python client's
# tests) with apt-get where it may, and otherwise stops at once, saying in one line what to install. Arguments go to
# `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is missing: install it (https://dot.net/download) and run again" >&2
  exit 1
fi
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$EUID" -eq 0 ] || sudo="sudo -n"
  if command -v apt-get >/dev/null 2>&1 && { [ -z "$sudo" ] || sudo -n true 2>/dev/null; }; then
    echo "test.sh: installing ${missing[*]} with apt-get"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test.sh: the tests need ${missing[*]}: install them (on Debian: sudo apt-get install ${missing[*]}) and run again" >&2
    exit 1
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# One test project at a time: some tests hold the viewer to real deadlines (it stops within 2 s of SIGTERM, a
# refused producer learns within 1 s), and the package tests' own pack and builds would otherwise share the cores.
exec dotnet test PlotPipe.slnx -m:1 "$@"
