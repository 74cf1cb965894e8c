#!/usr/bin/env bash
# Set up a venv and serve the demo at http://127.0.0.1:8000/
#
#   bash scripts/demo.sh [PYTHON]
#
# daphne is first in INSTALLED_APPS, so runserver serves the ASGI app
# (HTTP and WebSockets), reading WebSocket messages up to the size the demo's
# settings say (DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE: twice MAX_FRAME_BYTES).
# Set REDIS_URL to use Redis for cache and channel layer
# (the redis extra is installed then).
set -euo pipefail

PYTHON="${1:-python3}"

cd "$(dirname "$0")/.."

PYVER="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
VENV=".venv-$PYVER"

if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
fi

TARGET="-e .[media,data,plots]"
if [ -n "${REDIS_URL:-}" ]; then
    TARGET="-e .[media,data,plots,redis]"
fi
echo "==> installing the package into $VENV"
# shellcheck disable=SC2086
"$VENV/bin/python" -m pip install --disable-pip-version-check -q $TARGET

"$VENV/bin/python" manage.py migrate --noinput
exec "$VENV/bin/python" manage.py runserver 127.0.0.1:8000
