"""Files for the media tests: a temporary MEDIA_ROOT, a session's stored file, a WAV."""

from __future__ import annotations

import io
import wave

import pytest

from blocksstate.files import access, store
from blocksstate.files.store import Owner


@pytest.fixture(autouse=True)
def media_root(media):
    """Each test stores its files in a folder of its own (``helpers_files_fixtures.media``)."""
    return media


def session_file(app: str, session_id: str, data: bytes, name: str = "a.txt") -> dict:
    """A file of the session as its page holds it (with ``url`` and ``ref``)."""
    rec = store.save_bytes(Owner(app, session_id), data, name)
    return access.page_record(rec)


def png_bytes(color=(255, 0, 0), size=(3, 2)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def wav_file(rate: int, samples, channels: int = 1) -> bytes:
    import numpy

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(numpy.asarray(samples, dtype="<i2").tobytes())
    return buffer.getvalue()
