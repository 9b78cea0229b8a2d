#!/usr/bin/env bash
# Runs every PlotPipe test: the .NET tests, then the Python client's pytest suite (against the viewer the first step
# built). On a bare Debian machine it first installs what the tests need besides the .NET SDK (node and npm build the
# page and bring pyright; Debian's chromium runs the browser tests; Debian's python3 with pytest, numpy, pandas, venv,
# pip and setuptools runs the Python client's tests) with apt-get where it may, and otherwise stops at once, saying in
# one line what to install. Arguments go to `dotnet test`, and then only the .NET tests run. The exit code is
# non-zero when either part fails.
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
if [ -x /usr/bin/python3 ]; then
  # Debian's own python3 and its packages: another python3 first on the PATH may lack them.
  for pair in pytest:python3-pytest numpy:python3-numpy pandas:python3-pandas ensurepip:python3-venv pip:python3-pip \
              setuptools:python3-setuptools; do
    /usr/bin/python3 -c "import ${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
else
  missing+=(python3 python3-pytest python3-numpy python3-pandas python3-venv python3-pip python3-setuptools)
fi
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
status=0
dotnet test PlotPipe.slnx -m:1 "$@" || status=$?
if [ $# -gt 0 ]; then
  echo "test.sh: arguments given, so only dotnet test ran; without them the Python client's tests run too"
  exit "$status"
fi

# The Python client: pyright (from npm, for the strict type check) and pytest, on Debian's python3.
python_status=0
(cd clients/python && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || python_status=$?
if [ "$python_status" -eq 0 ]; then
  (cd clients/python && /usr/bin/python3 -m pytest -q -p no:cacheprovider tests) || python_status=$?
else
  echo "test.sh: npm ci in clients/python failed; the Python client's tests did not run" >&2
fi
[ "$status" -ne 0 ] || status=$python_status
exit "$status"
