"""``Gallery``: images with captions; handlers get ``[(image, caption), ...]``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Unpack

from ..app.events import Event
from ..files import access
from ..files.store import Owner
from .capture import require_media
from .files import FileComponent, FileOptions
from .image import IMAGE_FORMATS, image_to_handler, store_image
from .records import check_record, record_from_page
from .schema import InvalidValue


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
        self.note_unsupported(self.take_buttons(buttons))

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
