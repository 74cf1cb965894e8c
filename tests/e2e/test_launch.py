"""``demo.launch()`` and ``python -m blocksstate``: a guide script served with no Django project."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.support import (
    GUIDES,
    REPO,
    RUNNING_ON,
    child_environment,
    free_port,
    open_app,
    run_script_server,
)

CART = GUIDES / "cart.py"
COUNTER = GUIDES / "counter.py"


def use_the_cart(page, url: str) -> None:
    open_app(page, url, "/", "cart")  # a launched app is named after its script
    page.get_by_label("Milk", exact=True).check()
    page.get_by_label("Water", exact=True).check()
    page.get_by_role("button", name="Add Items").click()
    expect(page.get_by_label("Cart Size")).to_have_value("2")
    page.get_by_role("button", name="Add Items").click()
    expect(page.get_by_label("Cart Size")).to_have_value("4")


@pytest.fixture
def script_servers():
    started = []
    yield started
    for server in started:
        server.stop()


@pytest.mark.e2e
def test_python_m_blocksstate_serves_a_guide_script(page, tmp_path, script_servers):
    port = free_port()
    server = run_script_server(
        ["-m", "blocksstate", str(CART), "--port", str(port)], tmp_path, port
    )
    script_servers.append(server)

    use_the_cart(page, server.url)

    assert f"Running on http://127.0.0.1:{port}/" in server.log()


@pytest.mark.e2e
@pytest.mark.parametrize("variable", ["BLOCKSSTATE_SERVER_PORT", "GRADIO_SERVER_PORT"])
def test_the_guide_file_runs_as_it_is(page, tmp_path, script_servers, variable):
    port = free_port()
    server = run_script_server([str(CART)], tmp_path, port, **{variable: str(port)})
    script_servers.append(server)

    use_the_cart(page, server.url)

    assert RUNNING_ON.search(server.log()).group(1) == f"http://127.0.0.1:{port}/"
    assert "DJANGO_SETTINGS_MODULE" not in server.env
    key_file = tmp_path / "data" / "blocksstate" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


@pytest.mark.e2e
def test_the_static_files_are_served_without_debug(tmp_path, script_servers):
    port = free_port()
    server = run_script_server([str(CART)], tmp_path, port, BLOCKSSTATE_SERVER_PORT=str(port))
    script_servers.append(server)

    with urllib.request.urlopen(f"{server.url}/") as response:
        assets = re.findall(r'(?:src|href)="(/static/blocksstate/[^"]+)"', response.read().decode())

    assert assets
    for asset in assets:
        with urllib.request.urlopen(server.url + asset) as response:
            assert response.status == 200, asset


@pytest.mark.e2e
def test_inside_a_project_the_script_is_served_by_that_project(page, tmp_path, script_servers):
    """With DJANGO_SETTINGS_MODULE set, launch() serves that project, and the app at / if free."""
    database = tmp_path / "project.sqlite3"
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "BLOCKSSTATE_TEST_DB": str(database)}
    migrate = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "--verbosity", "0"],
        cwd=REPO,
        env=child_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr
    port = free_port()
    server = run_script_server(
        [str(COUNTER)], tmp_path, port, BLOCKSSTATE_SERVER_PORT=str(port), **env
    )
    script_servers.append(server)

    open_app(page, server.url, "/", "counter-2")  # "counter" is the project's own guide app
    page.get_by_role("button", name="Increment").click()
    expect(page.get_by_label("Current Count")).to_have_value("Count: 1")
    assert not (
        tmp_path / "data" / "blocksstate"
    ).exists()  # the project's settings, not embedded ones


def secret_key_of_a_fresh_process(tmp_path, **env: str) -> str:
    code = (
        "from blocksstate.launch import embedded_settings;"
        "print(embedded_settings('127.0.0.1')['SECRET_KEY'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=child_environment(XDG_DATA_HOME=str(tmp_path), **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_the_secret_key_is_made_once_and_kept(tmp_path):
    first = secret_key_of_a_fresh_process(tmp_path)
    second = secret_key_of_a_fresh_process(tmp_path)

    assert len(first) >= 50
    assert first == second
    assert (tmp_path / "blocksstate" / "secret_key").read_text().strip() == first
    assert (
        secret_key_of_a_fresh_process(tmp_path, BLOCKSSTATE_SECRET_KEY="from-the-environment")
        == "from-the-environment"
    )


@pytest.mark.e2e
def test_prevent_thread_lock_returns_and_close_stops_the_server(tmp_path):
    port = free_port()
    code = f"""
import urllib.request
from blocksstate.launch.script import load_script

demo = load_script({str(COUNTER)!r})
server = demo.launch(server_port={port}, prevent_thread_lock=True, quiet=True)
with urllib.request.urlopen(server.url) as response:
    print("served", response.status, "Increment" in response.read().decode())
demo.close()
try:
    urllib.request.urlopen(server.url, timeout=2)
except OSError:
    print("stopped")
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=child_environment(XDG_DATA_HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split("\n")[:2] == ["served 200 True", "stopped"], result.stderr


# -- the address, without a server ---------------------------------------------------------------


@pytest.fixture
def clean_environment(monkeypatch):
    for variable in (
        "BLOCKSSTATE_SERVER_NAME",
        "BLOCKSSTATE_SERVER_PORT",
        "GRADIO_SERVER_NAME",
        "GRADIO_SERVER_PORT",
    ):
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_the_default_address_is_local_and_the_port_may_move(clean_environment):
    from blocksstate.launch import resolve_address

    assert resolve_address("127.0.0.1", 7860) == ("127.0.0.1", 7860, False)
    assert resolve_address(None, None) == ("127.0.0.1", 7860, False)


def test_the_environment_sets_the_address_as_in_gradio(clean_environment):
    from blocksstate.launch import resolve_address

    clean_environment.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    clean_environment.setenv("GRADIO_SERVER_PORT", "9001")
    assert resolve_address("127.0.0.1", 7860) == ("0.0.0.0", 9001, True)

    clean_environment.setenv("BLOCKSSTATE_SERVER_PORT", "9002")
    assert resolve_address("127.0.0.1", 7860)[1] == 9002


def test_an_explicit_port_wins_over_the_environment(clean_environment):
    from blocksstate.launch import resolve_address

    clean_environment.setenv("GRADIO_SERVER_PORT", "9001")

    assert resolve_address("127.0.0.1", 8000) == ("127.0.0.1", 8000, True)


def test_a_busy_default_port_moves_to_the_next_free_one():
    import socket

    from blocksstate.launch import choose_port

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        assert choose_port("127.0.0.1", port, explicit=False) > port
        assert choose_port("127.0.0.1", port, explicit=True) == port


def test_listening_on_every_interface_allows_any_host(tmp_path, monkeypatch):
    from blocksstate.launch import embedded_settings

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))

    assert embedded_settings("0.0.0.0")["ALLOWED_HOSTS"] == ["*"]
    assert embedded_settings("127.0.0.1")["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    assert str(tmp_path) in embedded_settings("127.0.0.1")["DATABASES"]["default"]["NAME"]
