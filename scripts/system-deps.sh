#!/usr/bin/env bash
# Make sure the system tools the test suite needs are on PATH: redis-server
# (the Redis and multi-worker tests) and chromium (the browser tests).
#
#   bash scripts/system-deps.sh
#
# scripts/test.sh and .ci/run call it first. A missing tool is installed with
# apt-get when that needs no prompt: as root, or through a sudo that asks no
# password. Otherwise the script stops at once and prints the command to run.
#
#   BLOCKSSTATE_SKIP_SYSTEM_DEPS=1  go on without them: the tests that need a
#                                   missing tool are skipped (they fail when CI=true)
#   BLOCKSSTATE_APT_GET, BLOCKSSTATE_SUDO
#                                   the apt-get and sudo to use (default: from PATH)
set -euo pipefail

APT_GET="${BLOCKSSTATE_APT_GET:-apt-get}"
SUDO="${BLOCKSSTATE_SUDO:-sudo}"
ME="scripts/system-deps.sh"

missing=()
for tool in redis-server chromium; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        missing+=("$tool")  # Debian's package has the tool's name
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "==> redis-server and chromium are installed"
    exit 0
fi

names="${missing[*]}"                    # redis-server chromium
listed="${names/ / and }"                # redis-server and chromium
run_this="sudo apt-get update && sudo apt-get install -y $names"

if [ -n "${BLOCKSSTATE_SKIP_SYSTEM_DEPS:-}" ]; then
    echo "==> $listed not found: the tests that need them are skipped (BLOCKSSTATE_SKIP_SYSTEM_DEPS is set)"
    exit 0
fi

# Say why nothing was installed, the command that installs the tools, and stop.
stop() {
    {
        echo "$ME: the test suite needs $listed, not found on PATH. $1"
        echo ""
        echo "    $run_this"
        echo ""
        echo "then run the tests again (or set BLOCKSSTATE_SKIP_SYSTEM_DEPS=1 to skip the tests that need them)."
    } >&2
    exit 1
}

if ! apt_path="$(command -v "$APT_GET")"; then
    stop "This machine has no apt-get: use its package manager; on Debian or Ubuntu:"
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v "$SUDO" >/dev/null 2>&1 && "$SUDO" -n true >/dev/null 2>&1; then
        as_root=("$SUDO")
    else
        stop "Installing it needs root; run:"
    fi
fi

echo "==> installing $names with apt-get"
if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive "$apt_path" update ||
    ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive "$apt_path" install -y \
        --no-install-recommends "${missing[@]}"; then
    stop "apt-get failed (its output is above); fix that, then run:"
fi

for tool in "${missing[@]}"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$ME: apt-get installed $tool, yet it is not on PATH (PATH=$PATH)" >&2
        exit 1
    fi
done
echo "==> installed $names"
