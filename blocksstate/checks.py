"""System checks (``blocksstate.E001``...), each with a hint that says how to fix it."""

from __future__ import annotations

import re
from typing import Any

from django.core.checks import Error, Tags, Warning, register

from .conf import DEFAULTS

# LocMemCache entries below which live sessions risk eviction (a few keys per session).
MIN_LOCMEM_ENTRIES = 10_000

# Settings of the activity recorder that must be positive (checked, since a bad one only shows later).
POSITIVE_NUMBERS: dict[str, type | tuple[type, ...]] = {
    "ACTIVITY_FLUSH_SECONDS": (int, float),
    "ACTIVITY_BUFFER_SIZE": int,
    "RETENTION_DAYS": (int, float),
    "UPLOAD_CHUNK_BYTES": int,
}


@register(Tags.compatibility)
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    from django.conf import settings

    messages: list[Any] = []
    user = getattr(settings, "BLOCKSSTATE", {})
    if not isinstance(user, dict):
        return [
            Error(
                "BLOCKSSTATE must be a dict.",
                hint="Set BLOCKSSTATE = {...} in settings.",
                id="blocksstate.E001",
            )
        ]
    unknown = sorted(set(user) - set(DEFAULTS))
    if unknown:
        messages.append(
            Error(
                f"Unknown BLOCKSSTATE setting(s): {', '.join(unknown)}.",
                hint=f"Known settings: {', '.join(sorted(DEFAULTS))}.",
                id="blocksstate.E002",
            )
        )
    for name, kind in POSITIVE_NUMBERS.items():
        value = user.get(name, DEFAULTS[name])
        if isinstance(value, bool) or not isinstance(value, kind) or value <= 0:
            messages.append(
                Error(
                    f"BLOCKSSTATE[{name!r}] must be a positive {'integer' if kind is int else 'number'}, not {value!r}.",
                    hint=f"Remove it to use the default ({DEFAULTS[name]!r}).",
                    id="blocksstate.E004",
                )
            )
    lease = user.get("SESSION_LEASE", DEFAULTS["SESSION_LEASE"])
    timeout = user.get("LOCK_TIMEOUT", DEFAULTS["LOCK_TIMEOUT"])
    if (
        isinstance(lease, bool)
        or not isinstance(lease, (int, float))
        or lease < 0
        or (isinstance(timeout, (int, float)) and lease > timeout)
    ):
        messages.append(
            Error(
                f"BLOCKSSTATE['SESSION_LEASE'] must be a number of seconds from 0 (no lease) "
                f"up to LOCK_TIMEOUT, not {lease!r}.",
                hint=f"Remove it to use the default ({DEFAULTS['SESSION_LEASE']!r}).",
                id="blocksstate.E006",
            )
        )
    alias = user.get("CACHE_ALIAS", DEFAULTS["CACHE_ALIAS"])
    caches = getattr(settings, "CACHES", {})
    if alias not in caches:
        messages.append(
            Error(
                f"BLOCKSSTATE['CACHE_ALIAS'] is {alias!r}, which is not in CACHES.",
                hint="Name a cache alias defined in CACHES.",
                id="blocksstate.E003",
            )
        )
    elif (
        caches[alias].get("BACKEND", "").endswith("LocMemCache")
        and int((caches[alias].get("OPTIONS") or {}).get("MAX_ENTRIES", 300)) < MIN_LOCMEM_ENTRIES
    ):
        messages.append(
            Warning(
                f"The session state cache {alias!r} is a LocMemCache that keeps few entries; it evicts live sessions' state once they hold more.",
                hint=f"blocksstate stores a few keys per session: set CACHES[{alias!r}]['OPTIONS'] = {{'MAX_ENTRIES': 1_000_000}}, or use Redis.",
                id="blocksstate.W004",
            )
        )
    if alias in caches and (message := _replica_reads(alias, caches[alias])) is not None:
        messages.append(message)
    if alias in caches and not settings.DEBUG:
        backend = caches[alias].get("BACKEND", "")
        if backend.endswith(("LocMemCache", "DummyCache")):
            messages.append(
                Warning(
                    f"Session state is kept in {backend.rsplit('.', 1)[-1]}, which each worker process has to itself.",
                    hint="With more than one worker, use a shared cache such as django-redis (see docs/deployment.md).",
                    id="blocksstate.W001",
                )
            )
    storage = user.get("FILE_STORAGE", DEFAULTS["FILE_STORAGE"])
    if storage is not None and storage not in (getattr(settings, "STORAGES", None) or {}):
        messages.append(
            Error(
                f"BLOCKSSTATE['FILE_STORAGE'] is {storage!r}, which is not in STORAGES.",
                hint="Name a storage alias defined in STORAGES, or remove FILE_STORAGE to keep "
                "files under MEDIA_ROOT (see docs/files.md).",
                id="blocksstate.E005",
            )
        )
    layers = getattr(settings, "CHANNEL_LAYERS", {}) or {}
    layer = layers.get("default", {}).get("BACKEND", "")
    if not settings.DEBUG and layer.endswith("InMemoryChannelLayer"):
        messages.append(
            Warning(
                "The channel layer is InMemoryChannelLayer, which each worker process has to itself.",
                hint="With more than one worker, use channels_redis.core.RedisChannelLayer (see docs/deployment.md).",
                id="blocksstate.W002",
            )
        )
    elif not layers:
        messages.append(
            Warning(
                "CHANNEL_LAYERS is not set.",
                hint="Set a channel layer: blocksstate.layers.InMemoryChannelLayer for one process, channels_redis.core.RedisChannelLayer for several (see docs/getting-started.md, docs/deployment.md).",
                id="blocksstate.W003",
            )
        )
    return messages


def _replica_reads(alias: str, cache: dict[str, Any]) -> Warning | None:
    """Django's own ``RedisCache`` with several servers reads from a random replica.

    Its first ``LOCATION`` takes the writes and the others the reads, and nothing lets
    a read go to the first: a replica that has not yet received a session's last write
    gives an older state on resume, or does not show a session's lock as ours, which then
    stays held until ``LOCK_TIMEOUT``. django-redis lets blocksstate send its reads to the
    primary (``redis_scripts.primary_reads``), so it is not flagged.
    """
    if cache.get("BACKEND") != "django.core.cache.backends.redis.RedisCache":
        return None
    location = cache.get("LOCATION", "")
    servers = re.split("[;,]", location) if isinstance(location, str) else list(location)
    if len(servers) < 2:
        return None
    return Warning(
        f"The session state cache {alias!r} is Django's RedisCache with {len(servers)} "
        "servers: it reads from the replicas, which may not have a session's last write "
        "(an older state on resume, a lock that stays held until LOCK_TIMEOUT).",
        hint="Give it one LOCATION (the primary), or use django-redis, whose reads "
        "blocksstate sends to the primary (see docs/deployment.md).",
        id="blocksstate.W005",
    )
