"""Media components: ``Image``, ``Audio``, ``Video``, ``Gallery`` (file components, see files.py).

Handlers get images as NumPy arrays (Gradio's default), PIL images or paths, and audio as
``(sample_rate, array)`` or a path; they may return the same, which are stored as files.
Images a handler returns as arrays or PIL images are stored as PNG (``format="png"``;
Gradio's default is WebP, lossy here, so PNG keeps them exact); audio as WAV, written and
read with the standard library's ``wave``. NumPy and Pillow are the ``media`` extra.
"""

from __future__ import annotations

import io
import sys
import wave
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Unpack

from ..app.events import Event
from ..files import access, store
from ..files.store import Owner, Record
from ..warnings import warn_unsupported
from .files import (
    FileComponent,
    FileOptions,
    check_record,
    handler_path,
    optional_module,
    record_from_page,
    store_file,
)
from .schema import InvalidValue

IMAGE_FORMATS = {"png": "PNG", "webp": "WEBP", "jpeg": "JPEG", "jpg": "JPEG", "gif": "GIF"}
IMAGE_MODES = ("1", "L", "P", "RGB", "RGBA", "CMYK", "YCbCr", "LAB", "HSV", "I", "F", None)


class RefusedEvent:
    """An event Gradio has and blocksstate does not (streaming): using it says so."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, block: Any, owner: type) -> Any:
        if block is None:
            return self
        raise NotImplementedError(
            f"gr.{owner.__name__}.{self.name}: streaming is not supported by blocksstate; "
            "use .change or .upload"
        )


@dataclass
class WebcamOptions:
    """Gradio's webcam options (``Image``/``Video``'s ``webcam_options``): whether the webcam
    preview is mirrored, and the ``getUserMedia`` constraints (accepted, not applied)."""

    mirror: bool = True
    constraints: dict[str, Any] | None = None


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


def webcam_options_of(
    component: FileComponent, options: Any, mirror: bool, constraints: Any
) -> list[str]:
    """Set ``mirror_webcam`` and ``webcam_constraints`` from Gradio 6's ``webcam_options``
    (or the older names); return what is not implemented, to warn of."""
    if options is None:
        options = WebcamOptions(mirror=mirror, constraints=constraints)
    elif isinstance(options, dict):
        options = WebcamOptions(**options)
    elif not isinstance(options, WebcamOptions):
        raise ValueError(f"webcam_options must be a gr.WebcamOptions, got {options!r}")
    component.webcam_options = options
    component.mirror_webcam = options.mirror
    component.webcam_constraints = options.constraints
    return ["webcam_options.constraints"] if options.constraints is not None else []


def require_media(kind: str, what: str) -> None:
    """Fail now, naming the extra, if the libraries handler values of ``kind`` need are absent."""
    if kind in ("numpy", "pil", "images"):
        optional_module("PIL.Image", "Pillow", what)
    if kind == "numpy":
        optional_module("numpy", "NumPy", what)


# -- images ---------------------------------------------------------------------------------------


def image_to_handler(rec: Record, kind: str, image_mode: str | None) -> Any:
    """An image file as a handler of ``type=kind`` gets it (a path, a PIL image or an array)."""
    if kind == "filepath" or not rec.get("path"):
        return handler_path(rec)
    from PIL import Image as PILImage

    with store.open_file(rec) as handle:
        try:
            image = PILImage.open(handle)
            image.load()
        except (OSError, SyntaxError) as exc:
            raise InvalidValue(f"{rec['orig_name']!r} is not an image: {exc}") from None
    if image_mode is not None and image.mode != image_mode:
        image = image.convert(image_mode)
    if kind == "pil":
        return image
    import numpy

    return numpy.asarray(image)


def as_uint8(array: Any, numpy: Any) -> Any:
    """An image array as 8-bit pixels, as Gradio reads one.

    Floats are 0-1 (clipped), booleans black and white, 16-bit unsigned integers are
    scaled down, and other integers (``np.ones(...) * 200`` is int64) are taken as 0-255.
    """
    kind = array.dtype.kind
    if kind == "f":
        return (numpy.clip(array, 0, 1) * 255).round().astype(numpy.uint8)
    if kind == "b":
        return array.astype(numpy.uint8) * 255
    if kind in "iu" and array.dtype != numpy.uint8:
        if array.dtype == numpy.uint16:
            return (array >> 8).astype(numpy.uint8)
        return numpy.clip(array, 0, 255).astype(numpy.uint8)
    return array


def store_image(value: Any, owner: Owner, fmt: str) -> Record:
    """Store an image a handler returned (array, PIL image, path, bytes, record)."""
    pil = sys.modules.get("PIL.Image")
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray):
        pil = optional_module("PIL.Image", "Pillow", "Showing a NumPy array as an image")
        value = as_uint8(value, numpy)
        try:
            value = pil.fromarray(value)
        except (TypeError, ValueError) as exc:
            raise InvalidValue(f"cannot show a {value.shape} array as an image: {exc}") from None
    if pil is not None and isinstance(value, pil.Image):
        pil_format = IMAGE_FORMATS[fmt]
        if pil_format == "JPEG" and value.mode not in ("RGB", "L"):
            value = value.convert("RGB")
        buffer = io.BytesIO()
        value.save(buffer, format=pil_format)
        return store.save_bytes(owner, buffer.getvalue(), f"image.{fmt}", f"image/{fmt}")
    return store_file(value, owner, "image")


class Image(FileComponent):
    """An image to upload, take or show; handlers get ``type`` numpy (default), pil or filepath."""

    template_name = "image"
    types = ("numpy", "pil", "filepath")
    implied_file_types: ClassVar[list[str] | None] = ["image"]
    unsupported_options: ClassVar[dict[str, Any]] = {
        "streaming": False,
        "show_share_button": None,
        "watermark": None,
    }
    button_names: ClassVar[dict[str, str | None]] = {
        "download": "show_download_button",
        "share": None,
        "fullscreen": "show_fullscreen_button",
    }
    upload = Event()
    clear = Event()
    select = Event()
    input = Event()
    stream = RefusedEvent()

    def __init__(
        self,
        value: Any = None,
        *,
        format: str = "png",
        height: int | str | None = None,
        width: int | str | None = None,
        image_mode: str | None = "RGB",
        sources: list[str] | None = None,
        type: str = "numpy",
        show_download_button: bool = True,
        show_fullscreen_button: bool = True,
        mirror_webcam: bool = True,
        placeholder: str | None = None,
        streaming: bool = False,
        webcam_constraints: dict[str, Any] | None = None,
        show_share_button: bool | None = None,
        buttons: list[Any] | None = None,
        webcam_options: WebcamOptions | None = None,
        watermark: Any = None,
        alt_text: str | None = None,
        file_types: list[str] | None = None,
        max_file_size: int | str | None = None,
        **options: Unpack[FileOptions],
    ) -> None:
        if format.lower() not in IMAGE_FORMATS:
            raise ValueError(f"Image format must be one of {sorted(IMAGE_FORMATS)}, got {format!r}")
        if image_mode not in IMAGE_MODES:
            raise ValueError(f"image_mode must be one of {IMAGE_MODES}, got {image_mode!r}")
        require_media(type, f"gr.Image(type={type!r})")
        self.format = format.lower()
        self.height = height
        self.width = width
        self.image_mode = image_mode
        self.sources = list(sources) if sources is not None else ["upload", "webcam", "clipboard"]
        self.show_download_button = show_download_button
        self.show_fullscreen_button = show_fullscreen_button
        self.mirror_webcam = mirror_webcam
        self.placeholder = placeholder
        self.streaming = streaming
        self.show_share_button = show_share_button
        self.watermark = watermark
        if alt_text is not None and not isinstance(alt_text, str):
            raise ValueError(f"alt_text must be text, got {alt_text!r}")
        self.alt_text = alt_text
        super().__init__(
            value, file_types=file_types, max_file_size=max_file_size, type=type, **options
        )
        more = self.take_buttons(buttons)
        more += webcam_options_of(self, webcam_options, mirror_webcam, webcam_constraints)
        self.warn_unsupported(self.explicit_args(), more)

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        # The image's alt text: ``alt_text``, else the label (Gradio leaves it empty).
        alt = self.alt_text if self.alt_text is not None else context.get("label") or ""
        return {**super().template_context(context), "alt": alt}

    def item_to_handler(self, item: Record) -> Any:
        return image_to_handler(item, self.type, self.image_mode)

    def item_from_handler(self, item: Any, owner: Owner) -> Any:
        return store_image(item, owner, self.format)


# -- audio ----------------------------------------------------------------------------------------


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


class Audio(FileComponent):
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
    button_names: ClassVar[dict[str, str | None]] = {
        "download": "show_download_button",
        "share": None,
    }
    upload = Event()
    clear = Event()
    play = Event()
    pause = Event()
    stop = Event()
    start_recording = Event()
    #: Accepted; the page's recorder has no pause, so it never fires.
    pause_recording = Event()
    stop_recording = Event()
    input = Event()
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
        given = self.explicit_args()
        if format not in ("wav", None):
            warn_unsupported("gr.Audio", [f"format={format!r} (audio is written as WAV)"])
        self.warn_unsupported(given, self.take_buttons(buttons))

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


# -- video ----------------------------------------------------------------------------------------


class Video(FileComponent):
    """A video to upload, record or play; handlers get and return file paths."""

    template_name = "video"
    implied_file_types: ClassVar[list[str] | None] = ["video"]
    unsupported_options: ClassVar[dict[str, Any]] = {
        "format": None,
        "streaming": False,
        "watermark": None,
        "include_audio": None,
        "show_share_button": None,
        "min_length": None,
        "max_length": None,
        "subtitles": None,
        "playback_position": 0,
    }
    button_names: ClassVar[dict[str, str | None]] = {
        "download": "show_download_button",
        "share": None,
    }
    upload = Event()
    clear = Event()
    play = Event()
    pause = Event()
    stop = Event()
    end = Event()
    start_recording = Event()
    stop_recording = Event()
    input = Event()

    def __init__(
        self,
        value: Any = None,
        *,
        format: str | None = None,
        sources: list[str] | None = None,
        height: int | str | None = None,
        width: int | str | None = None,
        autoplay: bool = False,
        loop: bool = False,
        mirror_webcam: bool = True,
        show_download_button: bool | None = None,
        include_audio: bool | None = None,
        streaming: bool = False,
        watermark: Any = None,
        webcam_constraints: dict[str, Any] | None = None,
        show_share_button: bool | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        buttons: list[Any] | None = None,
        webcam_options: WebcamOptions | None = None,
        subtitles: Any = None,
        playback_position: float = 0,
        file_types: list[str] | None = None,
        max_file_size: int | str | None = None,
        **options: Unpack[FileOptions],
    ) -> None:
        self.format = format
        self.sources = list(sources) if sources is not None else ["upload", "webcam"]
        self.height = height
        self.width = width
        self.autoplay = autoplay
        self.loop = loop
        self.mirror_webcam = mirror_webcam
        self.show_download_button = show_download_button
        self.include_audio = include_audio
        self.streaming = streaming
        self.watermark = watermark
        self.show_share_button = show_share_button
        self.min_length = min_length
        self.max_length = max_length
        self.subtitles = subtitles
        self.playback_position = playback_position
        super().__init__(value, file_types=file_types, max_file_size=max_file_size, **options)
        more = self.take_buttons(buttons)
        more += webcam_options_of(self, webcam_options, mirror_webcam, webcam_constraints)
        self.warn_unsupported(self.explicit_args(), more)


# -- gallery --------------------------------------------------------------------------------------


class Gallery(FileComponent):
    """Images with captions; handlers get ``[(image, caption), ...]``, image per ``type``."""

    template_name = "gallery"
    types = ("numpy", "pil", "filepath")
    implied_file_types: ClassVar[list[str] | None] = ["image"]
    unsupported_options: ClassVar[dict[str, Any]] = {"show_share_button": None}
    button_names: ClassVar[dict[str, str | None]] = {
        "share": None,
        "download": "show_download_button",
        "download_all": None,
        "fullscreen": "show_fullscreen_button",
    }
    select = Event()
    upload = Event()
    delete = Event()
    preview_open = Event()
    preview_close = Event()

    def __init__(
        self,
        value: Any = None,
        *,
        format: str = "png",
        columns: int | list[int] | None = 2,
        rows: int | list[int] | None = None,
        height: int | float | str | None = None,
        allow_preview: bool = True,
        preview: bool | None = None,
        selected_index: int | None = None,
        object_fit: str | None = None,
        show_download_button: bool | None = True,
        show_fullscreen_button: bool = True,
        show_share_button: bool | None = None,
        type: str = "filepath",
        buttons: list[Any] | None = None,
        fit_columns: bool = True,
        sources: list[str] | None = None,
        file_types: list[str] | None = None,
        max_file_size: int | str | None = None,
        **options: Unpack[FileOptions],
    ) -> None:
        if sources is not None and not set(sources) <= {"upload", "webcam", "clipboard"}:
            raise ValueError(
                f"Gallery sources must be among upload, webcam, clipboard, got {sources!r}"
            )
        if format.lower() not in IMAGE_FORMATS:
            raise ValueError(
                f"Gallery format must be one of {sorted(IMAGE_FORMATS)}, got {format!r}"
            )
        require_media(type, f"gr.Gallery(type={type!r})")
        self.format = format.lower()
        self.columns = columns
        self.rows = rows
        self.height = height
        self.allow_preview = allow_preview
        self.preview = preview
        self.selected_index = selected_index
        self.object_fit = object_fit
        self.show_download_button = show_download_button
        self.show_fullscreen_button = show_fullscreen_button
        self.show_share_button = show_share_button
        self.fit_columns = fit_columns
        self.sources = list(sources) if sources else ["upload"]
        super().__init__(
            value,
            file_count="multiple",
            file_types=file_types,
            max_file_size=max_file_size,
            type=type,
            **options,
        )
        self.warn_unsupported(self.explicit_args(), self.take_buttons(buttons))

    def store_output(self, value: Any, owner: Owner) -> Any:
        if value is not None and not isinstance(value, (list, tuple)):
            raise InvalidValue(f"a Gallery shows a list of images, got {type(value).__name__}")
        return super().store_output(value, owner)

    def item_from_page(self, item: Any, owners: tuple[Owner, ...]) -> Any:
        if not isinstance(item, dict) or not isinstance(item.get("image"), dict):
            raise InvalidValue("expected gallery items {'image': file, 'caption': text}")
        caption = item.get("caption")
        if caption is not None and not isinstance(caption, str):
            raise InvalidValue("a gallery caption must be text")
        return {"image": record_from_page(item["image"], owners), "caption": caption}

    def item_to_handler(self, item: Mapping[str, Any]) -> Any:
        return (image_to_handler(item["image"], self.type, None), item["caption"])

    def item_from_handler(self, item: Any, owner: Owner) -> Any:
        caption = None
        if isinstance(item, dict) and "image" in item:
            item, caption = item["image"], item.get("caption")
        elif (
            isinstance(item, tuple)
            and len(item) == 2
            or isinstance(item, list)
            and len(item) == 2
            and isinstance(item[1], (str, type(None)))
        ):
            item, caption = item
        if caption is not None and not isinstance(caption, str):
            caption = str(caption)
        return {"image": store_image(item, owner, self.format), "caption": caption}

    def check_item(self, item: Any, owners: tuple[Owner, ...]) -> Any:
        if not isinstance(item, dict) or set(item) != {"image", "caption"}:
            raise InvalidValue("expected stored gallery items {'image': record, 'caption': text}")
        if item["caption"] is not None and not isinstance(item["caption"], str):
            raise InvalidValue("a gallery caption must be text")
        return {"image": check_record(item["image"], owners), "caption": item["caption"]}

    def item_to_page(self, item: Any) -> Any:
        return {"image": access.page_record(item["image"]), "caption": item["caption"]}
