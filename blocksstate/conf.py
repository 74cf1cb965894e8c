"""Settings: one ``BLOCKSSTATE`` dict, merged over these defaults and read lazily."""

from __future__ import annotations

import functools
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

DEFAULTS: dict[str, Any] = {
    # Django cache alias that holds session state (use Redis for several workers).
    "CACHE_ALIAS": "default",
    # Dotted path of the session store class; None picks the one that fits CACHE_ALIAS
    # (blocksstate.sessions.backends: locmem, cache, redis).
    "SESSION_STORE": None,
    # With django-redis (default client), run the event path's Lua scripts through
    # redis-py's asyncio client instead of the cache's client in a thread
    # (state/redis_async.py; Sentinel and Cluster always use the thread).
    "REDIS_ASYNCIO": True,
    # With REDIS_ASYNCIO, use blocksstate's small client (state/redis_lean.py: one
    # pipelined connection per event loop) where the connection is plain TCP or a Unix
    # socket; False: redis-py's asyncio client (its pool, a timeout per call).
    "REDIS_LEAN_CLIENT": True,
    # Prefix of every cache key blocksstate writes.
    "KEY_PREFIX": "blocksstate",
    # Seconds a dropped connection may take to resume before the session ends.
    "RESUME_GRACE": 30,
    # Seconds a resume token stays valid.
    "RESUME_MAX_AGE": 24 * 3600,
    # Largest frame accepted from a browser, in bytes; larger ones are answered with a
    # too_large error up to the WebSocket server's own limit (see transport_max_bytes).
    "MAX_FRAME_BYTES": 1_000_000,
    # Most steps (chained listeners) one event may run; guards against change loops.
    "MAX_CHAIN_STEPS": 100,
    # Show handler exception messages to visitors; None means "when DEBUG is on".
    "SHOW_ERRORS": None,
    # Seconds a session's lock outlives a worker that died holding it (renewed while held).
    "LOCK_TIMEOUT": 30,
    # Seconds an event waits for a session's lock held by another worker
    # (longer than LOCK_TIMEOUT, so a lock left by a dead worker expires first).
    "LOCK_WAIT": 45,
    # Seconds a connected page's session lock is kept after its event, so its next event
    # needs no take (stores that can: Redis); 0 lets go after every event (sessions/lease.py).
    "SESSION_LEASE": 0.5,
    # Largest total size of a session's State values, pickled, in bytes.
    "MAX_STATE_BYTES": 16 * 1024 * 1024,
    # Largest BrowserState token, in bytes (localStorage holds a few MB per site).
    "MAX_BROWSER_STATE_BYTES": 100_000,
    # Seconds a BrowserState token stays valid after the server made it.
    "BROWSER_STATE_MAX_AGE": 180 * 24 * 3600,
    # Threads that run synchronous handlers.
    "HANDLER_THREADS": 32,
    # Run a synchronous handler on the event loop, without a thread hop, once its calls
    # proved short and free of sync-only APIs (docs/performance.md); False: always threaded.
    "INLINE_SHORT_HANDLERS": True,
    # Record live sessions in the database for the admin (models LiveSession, EventLog).
    "RECORD_SESSIONS": True,
    # Also keep one EventLog row per event (its trigger, duration, outcome and error).
    "EVENT_LOG": True,
    # Seconds between two writes of the recorded activity (batched, off the event path).
    "ACTIVITY_FLUSH_SECONDS": 1.0,
    # Most activity records held in memory while the database is slow or down;
    # past it the oldest event records are dropped (and counted in a warning).
    "ACTIVITY_BUFFER_SIZE": 10_000,
    # Days ended sessions and event logs are kept before the sweep and
    # ``manage.py blocksstate_cleanup`` remove them.
    "RETENTION_DAYS": 7,
    # When Django is ready, freeze the objects loaded so far out of the cyclic
    # garbage collector (gc.freeze), whose full collections otherwise pause every event.
    "FREEZE_GC": True,
    # gc.set_threshold at start: a first generation of 50,000 new containers instead of
    # Python's 700, so events in flight are not collected over and over (None: Python's).
    "GC_THRESHOLD": (50_000, 10, 10),
    # Issue 14.3: backpressure
    # Most frames from a page waiting while an earlier one is handled; one more closes the
    # connection (code 4509) and the session waits out RESUME_GRACE for the page to resume.
    "MAX_QUEUED_FRAMES": 100,
    # Most characters of frame text waiting so; past it, the same close.
    "MAX_QUEUED_CHARS": 8_000_000,
    # Most characters sent to a page and not yet acknowledged by its "received" frames;
    # past it, the page's next answers wait until it reads (its handlers pause).
    "MAX_UNACKED_CHARS": 16_000_000,
    # Seconds a page past MAX_UNACKED_CHARS may read nothing before the same close.
    "UNACKED_TIMEOUT": 30,
    # Issue 14.10: fair shares of the handler threads
    # Most synchronous runs of one listener (or concurrency_id group) at once in a worker,
    # for listeners whose concurrency_limit is "default" (Gradio: 1); keep it below
    # HANDLER_THREADS so that one slow listener leaves threads to the others.
    "DEFAULT_CONCURRENCY_LIMIT": 8,
    # Issue 14.2: liveness
    # Seconds without any frame from a page that pings (it does every 5 s) before the
    # server treats its connection as dead (half-open) and closes it with 4001.
    "PAGE_TIMEOUT": 20,
    # Issue 16: files and media (docs/files.md)
    # STORAGES alias of the storage that holds uploaded and produced files; None: the file
    # system at MEDIA_ROOT (under its blocksstate/ folder; a temporary folder without one).
    "FILE_STORAGE": None,
    # Largest uploaded file, in bytes, unless a component sets its own max_file_size.
    "MAX_FILE_SIZE": 200 * 1024 * 1024,
    # Most files one upload may carry.
    "MAX_UPLOAD_FILES": 100,
    # Largest chunk of a chunked upload (the page sends files bigger than this in chunks of
    # this size, each its own request: daphne holds one chunk per upload, never the file).
    "UPLOAD_CHUNK_BYTES": 4 * 1024 * 1024,
    # Seconds a file URL given to a page stays valid (values sent later get fresh ones).
    "FILE_URL_MAX_AGE": 24 * 3600,
    # Cookie holding the browser's random pass, which a session's file URLs are bound to.
    "FILE_PASS_COOKIE": "blocksstate_pass",
    # Folders (besides the working and temporary directories) whose files a handler may
    # return by path.
    "FILES_ALLOWED_PATHS": [],
    # Link a theme's gr.themes.GoogleFont from fonts.googleapis.com (off: the page tells
    # Google nothing about its visitors; the font's fallbacks show unless it is installed).
    "GOOGLE_FONTS": False,
}


@functools.cache
def get_config() -> dict[str, Any]:
    """Return the effective settings: defaults updated with ``settings.BLOCKSSTATE``."""
    from django.conf import settings

    user = getattr(settings, "BLOCKSSTATE", {}) or {}
    unknown = set(user) - set(DEFAULTS)
    if unknown:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"Unknown BLOCKSSTATE setting(s): {', '.join(sorted(unknown))}")
    return {**DEFAULTS, **user}


def setting(name: str) -> Any:
    """Return one effective setting."""
    return get_config()[name]


def transport_max_bytes() -> int:
    """Return the largest WebSocket message the server should read: twice ``MAX_FRAME_BYTES``.

    A frame a little over our limit is then read and answered with ``too_large`` on an
    open connection; a bigger one is cut by the server unread (docs/security.md).
    """
    return 2 * setting("MAX_FRAME_BYTES")


def show_errors() -> bool:
    from django.conf import settings

    value = setting("SHOW_ERRORS")
    return bool(settings.DEBUG) if value is None else bool(value)


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "BLOCKSSTATE":
        get_config.cache_clear()
