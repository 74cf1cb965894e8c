"""scripts/system-deps.sh: installs redis-server and chromium when it can, else stops with the command.

Each test runs the script with a PATH that holds only stand-ins: ``id`` (the user it
reports), and, as the case needs, the tools themselves, an ``apt-get`` that writes down
how it was called (its ``install`` puts the packages' tools on PATH) and a ``sudo``.
Nothing is installed for real.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASH = shutil.which("bash")
INSTALL_BOTH = "sudo apt-get update && sudo apt-get install -y redis-server chromium"


class Machine:
    """A PATH of stand-ins, and the record of what ran on it."""

    def __init__(self, folder: Path, *, tools=(), uid=1000, apt=True, sudo=None, apt_fails=False):
        self.bin = folder / "bin"
        self.bin.mkdir()
        self.log = folder / "calls.log"
        self.log.touch()
        for name in ("bash", "env", "dirname"):  # what any machine has
            (self.bin / name).symlink_to(shutil.which(name))
        self._script("id", f"echo {uid}")
        for tool in tools:
            self._script(tool, "exit 0")
        self.apt_get = folder / "apt" / "apt-get"
        if apt:
            self.apt_get.parent.mkdir()
            chmod = shutil.which("chmod")
            install = (
                f'for arg in "$@"; do case "$arg" in -*|install) ;; *) '
                f'printf \'#!/bin/sh\\n\' > "{self.bin}/$arg"; {chmod} +x "{self.bin}/$arg";; esac; done'
            )
            body = f'echo "apt-get DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> "{self.log}"\n'
            body += "exit 100" if apt_fails else f'if [ "$1" = install ]; then {install}; fi'
            self._script(self.apt_get, body)
        self.sudo = folder / "sudo-bin" / "sudo"
        if sudo is not None:  # "asks": a password is needed; "passwordless": runs the command
            self.sudo.parent.mkdir()
            answer = "exit 1" if sudo == "asks" else "exit 0"
            self._script(
                self.sudo,
                f'if [ "$1" = -n ]; then shift; [ "$1" = true ] && {answer}; fi\n'
                f'echo "sudo $1" >> "{self.log}"\nexec "$@"',
            )

    def _script(self, name, body):
        path = name if isinstance(name, Path) else self.bin / name
        path.write_text(f"#!{BASH}\n{body}\n")
        path.chmod(0o755)

    def run(self, script="scripts/system-deps.sh", **env):
        environment = {
            "PATH": str(self.bin),
            "HOME": str(self.bin.parent),
            "BLOCKSSTATE_APT_GET": str(self.apt_get),
            "BLOCKSSTATE_SUDO": str(self.sudo),
            **env,
        }
        return subprocess.run(
            [BASH, str(ROOT / script)],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def calls(self):
        return self.log.read_text().splitlines()


@pytest.fixture
def machine(tmp_path):
    return lambda **options: Machine(tmp_path, **options)


def test_nothing_is_installed_when_both_tools_are_on_path(machine):
    box = machine(tools=("redis-server", "chromium"), uid=0)
    result = box.run()
    assert result.returncode == 0, result.stderr
    assert "redis-server and chromium are installed" in result.stdout
    assert box.calls() == []


def test_root_with_apt_installs_what_is_missing(machine):
    box = machine(tools=("redis-server",), uid=0)
    result = box.run()
    assert result.returncode == 0, result.stderr
    assert box.calls() == [
        "apt-get DEBIAN_FRONTEND=noninteractive update",
        "apt-get DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends chromium",
    ]
    assert "installed chromium" in result.stdout
    assert (box.bin / "chromium").exists()


def test_a_user_with_passwordless_sudo_installs_through_sudo(machine):
    box = machine(uid=1000, sudo="passwordless")
    result = box.run()
    assert result.returncode == 0, result.stderr
    assert box.calls() == [
        "sudo env",
        "apt-get DEBIAN_FRONTEND=noninteractive update",
        "sudo env",
        "apt-get DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends "
        "redis-server chromium",
    ]


@pytest.mark.parametrize("sudo", [None, "asks"], ids=["no-sudo", "sudo-asks-a-password"])
def test_a_user_who_cannot_become_root_gets_the_command_and_nothing_runs(machine, sudo):
    box = machine(uid=1000, sudo=sudo)
    result = box.run()
    assert result.returncode == 1
    assert "needs redis-server and chromium, not found on PATH" in result.stderr
    assert "Installing it needs root; run:" in result.stderr
    assert f"\n    {INSTALL_BOTH}\n" in result.stderr
    assert box.calls() == []


def test_without_apt_get_the_command_is_given_for_debian(machine):
    box = machine(uid=0, apt=False)
    result = box.run()
    assert result.returncode == 1
    assert "This machine has no apt-get" in result.stderr
    assert f"\n    {INSTALL_BOTH}\n" in result.stderr


def test_only_the_missing_tool_is_named(machine):
    box = machine(tools=("chromium",), uid=1000, apt=False)
    result = box.run()
    assert result.returncode == 1
    assert "needs redis-server, not found" in result.stderr
    assert "sudo apt-get install -y redis-server\n" in result.stderr


def test_a_failing_apt_get_stops_with_the_command(machine):
    box = machine(uid=0, apt_fails=True)
    result = box.run()
    assert result.returncode == 1
    assert "apt-get failed" in result.stderr
    assert INSTALL_BOTH in result.stderr
    assert box.calls() == ["apt-get DEBIAN_FRONTEND=noninteractive update"]


def test_the_skip_setting_goes_on_without_the_tools(machine):
    box = machine(uid=1000)
    result = box.run(BLOCKSSTATE_SKIP_SYSTEM_DEPS="1")
    assert result.returncode == 0, result.stderr
    assert "redis-server and chromium not found: the tests that need them are skipped" in (
        result.stdout
    )
    assert box.calls() == []


def test_the_test_command_stops_before_making_a_venv(machine):
    """``bash scripts/test.sh`` on a machine without the tools: the command first, no venv."""
    box = machine(uid=1000, apt=False)
    venvs = set(ROOT.glob(".venv-*"))
    result = box.run("scripts/test.sh")
    assert result.returncode == 1, result.stderr
    assert f"\n    {INSTALL_BOTH}\n" in result.stderr
    assert "creating" not in result.stdout
    assert set(ROOT.glob(".venv-*")) == venvs
