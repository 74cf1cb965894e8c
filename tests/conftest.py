"""Shared fixtures: a real redis-server, and helpers for external tools."""

import contextlib
import os
import shutil
import socket
import subprocess
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings

# register_blocks and open_page, the fixtures docs/testing.md offers app authors.
pytest_plugins = ["blocksstate.testing.fixtures"]

# tests/settings.py picks a free port for the test Redis (or takes BLOCKSSTATE_TEST_REDIS_URL).
REDIS_URL = settings.CACHES["redis"]["LOCATION"]
REDIS_PORT = urlsplit(REDIS_URL).port


def require_tool(name):
    """Return the path of executable `name`; fail on CI, skip elsewhere, if it is missing."""
    path = shutil.which(name)
    if path is None:
        message = f"{name!r} is not on PATH (install it: bash scripts/system-deps.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def _redis_command(command, timeout=0.5, port=REDIS_PORT):
    """Send one inline command to a local redis-server (the test one by default); return its reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(command.encode() + b"\r\n")
        return sock.recv(64)


def _redis_answers(port=REDIS_PORT):
    try:
        return _redis_command("PING", port=port).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(port, *options, config=None):
    """Start a redis-server on ``port`` (no persistence) and return its process once it answers.

    ``options``: more command-line options (``"--cluster-enabled", "yes"``...); ``config``:
    a configuration file, which comes first (a Sentinel rewrites its own).
    """
    executable = require_tool("redis-server")
    if _redis_answers(port):
        pytest.fail(f"something already answers on port {port}; stop it first")
    process = subprocess.Popen(
        [
            executable,
            *([str(config)] if config else []),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            *options,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while not _redis_answers(port):
        if process.poll() is not None:
            stderr = process.stderr.read().decode(errors="replace")
            process.stderr.close()
            pytest.fail(f"redis-server exited with {process.returncode}: {stderr}")
        if time.monotonic() > deadline:
            stop_redis(process)
            pytest.fail(f"redis-server did not answer PING on port {port}")
        time.sleep(0.05)
    return process


def stop_redis(process):
    """Stop a redis-server started by ``start_redis`` and wait for it to exit."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.stderr.close()


@pytest.fixture
def fresh_warnings():
    """The test sees blocksstate's first warnings (each is given once per process)."""
    from blocksstate import warnings as bs_warnings

    saved = set(bs_warnings._warned)
    bs_warnings._warned.clear()
    yield
    bs_warnings._warned.clear()
    bs_warnings._warned.update(saved)


@pytest.fixture(scope="session")
def redis_server():
    """Start a throwaway redis-server on its own port and yield its URL."""
    process = start_redis(REDIS_PORT)
    try:
        yield REDIS_URL
    finally:
        if process.poll() is None:
            with contextlib.suppress(OSError):
                _redis_command("FLUSHALL")
        stop_redis(process)


@pytest.fixture
def redis_cache(redis_server):
    """The Django cache alias "redis", emptied, backed by the test redis-server."""
    from django.core.cache import caches

    cache = caches["redis"]
    cache.clear()
    return cache


@pytest.fixture(params=["locmem", "redis"])
def global_cache(request):
    """GlobalState tests twice: the lock on a plain Django cache, the Lua script on django-redis."""
    from django.core.cache import caches
    from django.test import override_settings

    if request.param == "redis":
        request.getfixturevalue("redis_cache")
        with override_settings(BLOCKSSTATE={"CACHE_ALIAS": "redis"}):
            yield "redis"
    else:
        caches["default"].clear()
        yield "default"


STORES = {
    "locmem": ("blocksstate.sessions.backends.locmem.SessionStore", "default"),
    "cache": ("blocksstate.sessions.backends.cache.SessionStore", "default"),
    "redis": ("blocksstate.sessions.backends.redis.SessionStore", "redis"),
    # The same scripts through the cache's own client in a thread (no redis.asyncio).
    "redis-threaded": ("blocksstate.sessions.backends.redis.SessionStore", "redis"),
    # The same scripts through redis-py's asyncio client instead of the lean one.
    "redis-py-asyncio": ("blocksstate.sessions.backends.redis.SessionStore", "redis"),
    "redis-without-scripts": ("blocksstate.sessions.backends.redis.RedisIndexStore", "redis"),
}


@pytest.fixture(
    params=[
        "locmem",
        "cache",
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("redis-threaded", marks=pytest.mark.redis),
        pytest.param("redis-py-asyncio", marks=pytest.mark.redis),
        pytest.param("redis-without-scripts", marks=pytest.mark.redis),
    ]
)
def store(request, settings):
    """Each session store backend, chosen by ``SESSION_STORE`` as a site would: in-process,
    any Django cache (here a LocMemCache), django-redis with its scripts (through
    redis.asyncio, or in a thread) and without them."""
    from django.core.cache import caches

    from blocksstate.sessions.backends import get_store
    from blocksstate.sessions.backends.cache import forget_expiry_heaps

    path, alias = STORES[request.param]
    if alias == "redis":
        request.getfixturevalue("redis_cache")
    else:
        caches[alias].clear()
    forget_expiry_heaps()
    settings.BLOCKSSTATE = {"CACHE_ALIAS": alias, "SESSION_STORE": path}
    if request.param == "redis-threaded":
        settings.BLOCKSSTATE["REDIS_ASYNCIO"] = False
    if request.param == "redis-py-asyncio":
        settings.BLOCKSSTATE["REDIS_LEAN_CLIENT"] = False
    yield get_store()
    forget_expiry_heaps()
