#!/usr/bin/env bash
# Run the whole test suite in a dedicated venv.
#
#   bash scripts/test.sh [PYTHON] [DJANGO_SPEC]
#
# PYTHON defaults to python3, DJANGO_SPEC to "Django>=5.2,<6". The venv is
# .venv-<python version> at the repository root. Extra pytest arguments can
# be passed through PYTEST_ADDOPTS. Browser tests need chromium and the
# redis tests need redis-server on PATH: scripts/system-deps.sh installs them
# (with apt-get, as root or through sudo) or stops with the command to run.
set -euo pipefail

PYTHON="${1:-python3}"
DJANGO_SPEC="${2:-Django>=5.2,<6}"

cd "$(dirname "$0")/.."

bash scripts/system-deps.sh

if ! "$PYTHON" --version >/dev/null 2>&1; then
    echo "scripts/test.sh: $PYTHON not found or does not run" >&2
    exit 2
fi

PYVER="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
VENV=".venv-$PYVER"

if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
fi

echo "==> installing the package with its test extras and $DJANGO_SPEC into $VENV"
"$VENV/bin/python" -m pip install --disable-pip-version-check -q -e ".[test]" "$DJANGO_SPEC"

"$VENV/bin/python" -c 'import django, sys; print("==> Python", sys.version.split()[0], "Django", django.get_version())'

set +e
"$VENV/bin/python" -m pytest -q -p no:cacheprovider
status=$?
set -e

if [ "$status" -eq 5 ]; then
    echo "scripts/test.sh: pytest collected no tests; treating that as a failure" >&2
    exit 1
fi
exit "$status"
