"""``Image``: a picture to upload, paste, take with the webcam or show.

Handlers get it as a NumPy array (Gradio's default), a PIL image or a path, and may return
the same. Images a handler returns as arrays or PIL images are stored as PNG
(``format="png"``; Gradio 6's default is WebP, lossy, so PNG keeps them exact).
"""

from __future__ import annotations

import io
import sys
from typing import Any, ClassVar, Unpack

from ..app.events import Event
from ..files import store
from ..files.store import Owner, Record
from .capture import RefusedEvent, WebcamOptions, require_media, webcam_options_of
from .files import FileComponent, FileOptions, optional_module
from .records import handler_path, store_file
from .schema import InvalidValue

IMAGE_FORMATS = {"png": "PNG", "webp": "WEBP", "jpeg": "JPEG", "jpg": "JPEG", "gif": "GIF"}


IMAGE_MODES = ("1", "L", "P", "RGB", "RGBA", "CMYK", "YCbCr", "LAB", "HSV", "I", "F", None)


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
        self.note_unsupported(self.take_buttons(buttons))
        self.note_unsupported(
            webcam_options_of(self, webcam_options, mirror_webcam, webcam_constraints)
        )

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        # The image's alt text: ``alt_text``, else the label (Gradio leaves it empty).
        alt = self.alt_text if self.alt_text is not None else context.get("label") or ""
        return {**super().template_context(context), "alt": alt}

    def item_to_handler(self, item: Record) -> Any:
        return image_to_handler(item, self.type, self.image_mode)

    def item_from_handler(self, item: Any, owner: Owner) -> Any:
        return store_image(item, owner, self.format)
