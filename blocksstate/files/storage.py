"""The storage that holds blocksstate's files: a ``STORAGES`` alias, or a folder of MEDIA_ROOT."""

from __future__ import annotations

import functools
import os
import tempfile

from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver

from ..conf import setting

# Every name blocksstate stores starts with this folder, so a storage shared with the
# rest of the site (``FILE_STORAGE = "default"``) keeps blocksstate's files apart.
ROOT = "blocksstate"


@functools.cache
def file_storage() -> Storage:
    """Return the storage of ``BLOCKSSTATE["FILE_STORAGE"]``, or the default folder.

    The default is the file system at ``MEDIA_ROOT`` (files under its ``blocksstate/``
    folder), or at a folder of the system's temporary directory when MEDIA_ROOT is unset.
    """
    alias = setting("FILE_STORAGE")
    if alias is not None:
        return storages[alias]
    from django.conf import settings

    location = settings.MEDIA_ROOT or os.path.join(tempfile.gettempdir(), "blocksstate-media")
    return FileSystemStorage(location=location, base_url=None)


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs: object) -> None:
    if setting in ("BLOCKSSTATE", "MEDIA_ROOT", "STORAGES"):
        file_storage.cache_clear()
