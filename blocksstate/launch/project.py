"""The minimal Django project ``launch`` configures in-process when there are no settings.

SQLite in the user's data directory, ``LocMemCache``, ``InMemoryChannelLayer``,
and a secret key made once and kept there; its URLconf is ``urls``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from . import urls


def user_data_dir() -> Path:
    """Return blocksstate's directory in the user's data directory (XDG on POSIX)."""
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "blocksstate"


def writable_data_dir() -> Path:
    """Return the user's data directory, or a private one in the temp dir if it cannot be made."""
    directory = user_data_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.access(directory, os.W_OK):
            return directory
    except OSError:
        pass
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    fallback = Path(tempfile.gettempdir()) / f"blocksstate-{user}"
    fallback.mkdir(exist_ok=True, mode=0o700)
    return fallback


def persistent_secret_key(directory: Path) -> str:
    """Return ``BLOCKSSTATE_SECRET_KEY``, or the key kept in ``directory``, made on first use.

    The key must survive restarts: browser state and resume tokens are signed with it.
    """
    from_env = os.environ.get("BLOCKSSTATE_SECRET_KEY")
    if from_env:
        return from_env
    key_file = directory / "secret_key"
    with contextlib.suppress(FileNotFoundError):
        key = key_file.read_text().strip()
        if key:
            return key
    from django.core.management.utils import get_random_secret_key

    # Write a private temp file, then link it into place: a concurrent first start
    # either wins the link or reads the winner's complete file.
    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=".secret_key-")
    try:
        with os.fdopen(fd, "w") as temp_file:
            temp_file.write(get_random_secret_key() + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temp_name, key_file)
    finally:
        os.unlink(temp_name)
    return key_file.read_text().strip()


def embedded_settings(server_name: str, *, show_error: bool = False) -> dict[str, Any]:
    """Return the settings of the minimal in-process project ``launch`` serves."""
    data_dir = writable_data_dir()
    if server_name in ("0.0.0.0", "::", ""):
        allowed_hosts = ["*"]  # listening on every interface: any address of this machine
    else:
        allowed_hosts = list(
            dict.fromkeys([server_name.strip("[]"), "localhost", "127.0.0.1", "[::1]"])
        )
    return {
        "DEBUG": False,
        "SECRET_KEY": persistent_secret_key(data_dir),
        "ALLOWED_HOSTS": allowed_hosts,
        "INSTALLED_APPS": [
            "daphne",
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
            "django.contrib.staticfiles",
            "channels",
            "blocksstate",
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            # blocksstate's texts in the visitor's browser language, as Gradio's follow it.
            "django.middleware.locale.LocaleMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        "LANGUAGE_CODE": "en",
        "LANGUAGES": [("en", "English"), ("fr", "Français")],
        "ROOT_URLCONF": urls.__name__,
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                    ],
                },
            }
        ],
        "DATABASES": {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(data_dir / "launch.sqlite3"),
            }
        },
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                # The default (300 entries) would evict live sessions' state past ~100 sessions.
                "OPTIONS": {"MAX_ENTRIES": 1_000_000},
            }
        },
        "CHANNEL_LAYERS": {"default": {"BACKEND": "blocksstate.layers.InMemoryChannelLayer"}},
        "STATIC_URL": "/static/",
        "USE_TZ": True,
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "BLOCKSSTATE": {"SHOW_ERRORS": True} if show_error else {},
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"console": {"class": "logging.StreamHandler"}},
            "loggers": {
                "blocksstate": {"handlers": ["console"], "level": "INFO", "propagate": False},
                # With DEBUG off Django reports server errors only by mail: show them here.
                "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
            },
        },
    }


def setup_django(host: str, show_error: bool) -> bool:
    """Configure the embedded project unless settings exist; return True if it was embedded."""
    import django
    from django.apps import apps
    from django.conf import settings

    embedded = not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE")
    if embedded:
        settings.configure(**embedded_settings(host, show_error=show_error))
    if not apps.ready:
        django.setup()
    if embedded:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
    return embedded
