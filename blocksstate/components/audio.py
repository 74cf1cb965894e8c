"""``Audio``: a sound to upload, record or play; ``(sample_rate, array)`` or a path.

WAV is written and read with the standard library's ``wave``, so the server needs no ffmpeg.
"""

from __future__ import annotations

import io
import sys
import wave
from dataclasses import dataclass
from typing import Any, ClassVar, Unpack

from ..app.events import Event
from ..files import store
from ..files.store import Owner, Record
from .capture import PlayedMedia, RefusedEvent
from .files import FileOptions, optional_module
from .records import handler_path, store_file
from .schema import InvalidValue


@dataclass
class WaveformOptions:
    """Gradio's waveform options (``Audio``'s ``waveform_options``): accepted, but the page
    plays audio with the browser's own player and draws no waveform."""

    waveform_color: str | None = None
    waveform_progress_color: str | None = None
    trim_region_color: str | None = None
    show_recording_waveform: bool = True
    skip_length: int | float = 5
    sample_rate: int = 44100


def read_wav(rec: Record) -> tuple[int, Any]:
    """``(sample_rate, array)`` of a WAV file: shape (samples,) or (samples, channels)."""
    import numpy

    with store.open_file(rec) as handle:
        try:
            with wave.open(handle, "rb") as wav:
                rate, width = wav.getframerate(), wav.getsampwidth()
                channels = wav.getnchannels()
                frames = wav.readframes(wav.getnframes())
        except (wave.Error, EOFError):
            raise InvalidValue(
                f"{rec['orig_name']!r} is not a WAV file: only WAV audio can be given to a "
                "handler as NumPy (use gr.Audio(type='filepath') for other formats)"
            ) from None
    if width == 3:  # 24-bit samples, widened to int32
        raw = numpy.frombuffer(frames, dtype=numpy.uint8).reshape(-1, 3)
        padded = numpy.zeros((len(raw), 4), dtype=numpy.uint8)
        padded[:, 1:] = raw
        data = padded.view("<i4").reshape(-1)
    else:
        dtypes = {1: numpy.uint8, 2: numpy.dtype("<i2"), 4: numpy.dtype("<i4")}
        if width not in dtypes:
            raise InvalidValue(f"{rec['orig_name']!r}: {width * 8}-bit WAV is not supported")
        data = numpy.frombuffer(frames, dtype=dtypes[width]).astype(dtypes[width].newbyteorder("="))
    if channels > 1:
        data = data.reshape(-1, channels)
    return rate, data


def wav_bytes(sample_rate: Any, data: Any) -> bytes:
    """A WAV file of ``data`` (int16/int32/uint8 kept exactly, floats in [-1, 1] as int16)."""
    import numpy

    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or sample_rate <= 0:
        raise InvalidValue(f"the sample rate must be a positive integer, got {sample_rate!r}")
    data = numpy.asarray(data)
    if data.ndim not in (1, 2):
        raise InvalidValue(f"audio must be 1-D or (samples, channels), got shape {data.shape}")
    if data.dtype.kind == "f":
        data = (numpy.clip(data, -1, 1) * 32767).round().astype("<i2")
    elif data.dtype == numpy.uint8:
        pass
    elif data.dtype.kind in "iu" and data.dtype.itemsize <= 2:
        data = data.astype("<i2")
    elif data.dtype.kind in "iu":
        data = data.astype("<i4")
    else:
        raise InvalidValue(f"cannot write {data.dtype} samples as audio")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1 if data.ndim == 1 else data.shape[1])
        wav.setsampwidth(data.dtype.itemsize)
        wav.setframerate(sample_rate)
        wav.writeframes(numpy.ascontiguousarray(data).tobytes())
    return buffer.getvalue()


class Audio(PlayedMedia):
    """Audio to upload, record or play; handlers get ``(sample_rate, array)`` or a path."""

    template_name = "audio"
    types = ("numpy", "filepath")
    implied_file_types: ClassVar[list[str] | None] = ["audio"]
    unsupported_options: ClassVar[dict[str, Any]] = {
        "streaming": False,
        "waveform_options": None,
        "show_share_button": None,
        "min_length": None,
        "max_length": None,
        "subtitles": None,
        "playback_position": 0,
    }
    #: Accepted; the page's recorder has no pause, so it never fires.
    pause_recording = Event()
    stream = RefusedEvent()

    def __init__(
        self,
        value: Any = None,
        *,
        sources: list[str] | None = None,
        type: str = "numpy",
        format: str = "wav",
        autoplay: bool = False,
        loop: bool = False,
        show_download_button: bool | None = None,
        editable: bool = True,
        recording: bool = False,
        streaming: bool = False,
        waveform_options: Any = None,
        show_share_button: bool | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        buttons: list[Any] | None = None,
        subtitles: Any = None,
        playback_position: float = 0,
        file_types: list[str] | None = None,
        max_file_size: int | str | None = None,
        **options: Unpack[FileOptions],
    ) -> None:
        if waveform_options is not None and not isinstance(
            waveform_options, (WaveformOptions, dict)
        ):
            raise ValueError(
                f"waveform_options must be a gr.WaveformOptions, got {waveform_options!r}"
            )
        if isinstance(waveform_options, dict):
            waveform_options = WaveformOptions(**waveform_options)
        if type == "numpy":
            optional_module("numpy", "NumPy", "gr.Audio(type='numpy')")
        self.sources = list(sources) if sources is not None else ["upload", "microphone"]
        self.format = format
        self.autoplay = autoplay
        self.loop = loop
        self.show_download_button = show_download_button
        self.editable = editable
        self.recording = recording
        self.streaming = streaming
        self.waveform_options = waveform_options
        self.show_share_button = show_share_button
        self.min_length = min_length
        self.max_length = max_length
        self.subtitles = subtitles
        self.playback_position = playback_position
        super().__init__(
            value, file_types=file_types, max_file_size=max_file_size, type=type, **options
        )
        if format not in ("wav", None):
            self.note_unsupported([f"format={format!r} (audio is written as WAV)"])
        self.note_unsupported(self.take_buttons(buttons))

    def item_to_handler(self, item: Record) -> Any:
        if self.type == "filepath" or not item.get("path"):
            return handler_path(item)
        return read_wav(item)

    def item_from_handler(self, item: Any, owner: Owner) -> Any:
        if isinstance(item, (tuple, list)) and len(item) == 2:
            data = wav_bytes(*item)
            return store.save_bytes(owner, data, "audio.wav", "audio/wav")
        numpy = sys.modules.get("numpy")
        if numpy is not None and isinstance(item, numpy.ndarray):
            raise InvalidValue("return audio as (sample_rate, array), not a bare array")
        return store_file(item, owner, "audio")
