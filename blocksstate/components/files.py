"""File components: ``File``, ``UploadButton``, ``DownloadButton``, and their base.

A file component's value is stored files (see docs/components-internals.md): the session
keeps records (``files.store``), the page is given them with a signed ``url`` and ``ref``
(``files.access.page_record``), and what the page sends back is trusted only through its
``ref``. Handlers get, per the component's ``type``, a path of this machine or the bytes,
and may return paths, bytes or records: ``store_output`` stores them for the session. Both
may block (the storage may be remote), so the engine runs them in a handler thread
(``blocking_io``).
"""

from __future__ import annotations

import copy
import reprlib
from collections.abc import Mapping
from typing import Any, ClassVar, Unpack

from ..app.events import Event
from ..files import access, store
from ..files.storage import file_storage
from ..files.store import Owner, Record
from .base import Component, ComponentOptions
from .records import (
    check_record,
    handler_path,
    page_owners,
    record_from_page,
    store_file,
)
from .schema import InvalidValue

FILE_COUNTS = ("single", "multiple", "directory")


class FileOptions(ComponentOptions, total=False):
    """The keyword arguments every file and media component takes (``ComponentOptions``, and
    Gradio 6's ``preserved_by_key``)."""

    preserved_by_key: list[str] | str | None


def optional_module(module: str, extra: str, what: str) -> Any:
    """Import ``module`` or say which extra to install for ``what``."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"{what} needs {extra}: pip install 'django-blocksstate[media]'"
        ) from None


class FileComponent(Component):
    """A component whose value is stored files; the base of the file and media components."""

    blocking_io: ClassVar[bool] = True
    accepts_upload: ClassVar[bool] = True
    #: The upload types implied when none are given (``Image``: ``["image"]``).
    implied_file_types: ClassVar[list[str] | None] = None
    #: Gradio options accepted but not implemented, with the default that does nothing.
    unsupported_options: ClassVar[dict[str, Any]] = {}
    #: Handler value types this component can give (``type=``).
    types: ClassVar[tuple[str, ...]] = ("filepath",)
    #: Gradio 6's ``buttons`` this component takes, each with the attribute it sets here
    #: (``show_download_button``...) or None when it is accepted but not implemented.
    button_names: ClassVar[dict[str, str | None]] = {}

    def __init__(
        self,
        value: Any = None,
        *,
        file_count: str = "single",
        file_types: list[str] | None = None,
        max_file_size: int | str | None = None,
        type: str = "filepath",
        preserved_by_key: list[str] | str | None = "value",
        **options: Unpack[ComponentOptions],
    ) -> None:
        if file_count not in FILE_COUNTS:
            raise ValueError(f"file_count must be one of {FILE_COUNTS}, got {file_count!r}")
        if file_types is not None and not isinstance(file_types, list):
            raise ValueError(f"file_types must be a list, got {file_types!r}")
        if type not in self.types:
            raise ValueError(f"{self.type_name} type must be one of {self.types}, got {type!r}")
        self.file_count = file_count
        self.file_types = file_types if file_types is not None else self.implied_file_types
        self.max_file_size = max_file_size
        self.type = type
        # Kept for gr.render (what a re-rendered component keeps): not used yet.
        self.preserved_by_key = preserved_by_key
        super().__init__(value, **options)

    def take_buttons(self, buttons: Any) -> list[str]:
        """Map Gradio 6's ``buttons`` onto this component's ``show_*_button`` attributes.

        ``None`` keeps them (Gradio shows its default buttons); a list shows those named
        and hides the others. Returns what is not implemented, to warn of.
        """
        self.buttons = buttons
        if buttons is None:
            return []
        if isinstance(buttons, str) or not isinstance(buttons, (list, tuple)):
            raise ValueError(f"buttons must be a list, got {buttons!r}")
        from .buttons import Button

        names = [b for b in buttons if not isinstance(b, Button)]
        for name in names:
            if name not in self.button_names:
                raise ValueError(
                    f"{self.type_name} buttons must be among {list(self.button_names)} "
                    f"or gr.Button, got {name!r}"
                )
        for name, attribute in self.button_names.items():
            if attribute is not None:
                setattr(self, attribute, name in names)
        unsupported = [f"buttons=[{n!r}]" for n in names if self.button_names[n] is None]
        if len(names) < len(buttons):
            unsupported.append("buttons=[gr.Button(...)]")
        return unsupported

    #: True when a single-file component also takes a list (File, as in Gradio).
    lists_any_count: ClassVar[bool] = False

    @property
    def multiple(self) -> bool:
        """Whether the value is a list of files (``file_count`` multiple or directory)."""
        return self.file_count != "single"

    # -- the value as a whole (a list, or one item) ---------------------------------------------

    def listed(self, value: Any) -> bool:
        """Whether ``value`` is a list of files: always with ``multiple``, and for a File
        given a list (Gradio's File shows a list whatever its ``file_count``)."""
        return self.multiple or (self.lists_any_count and isinstance(value, (list, tuple)))

    def items(self, value: Any) -> list[Any]:
        if value is None:
            return []
        return list(value) if self.listed(value) else [value]

    def whole(self, items: list[Any], listed: bool | None = None) -> Any:
        if self.multiple if listed is None else listed:
            return items
        return items[0] if items else None

    def preprocess(self, payload: Any, props: Mapping[str, Any] | None = None) -> Any:
        """Keep what the page's refs sign, if the files are the session's or the app's."""
        if payload is None or payload == []:
            return [] if self.multiple and payload == [] else None
        if self.multiple and not isinstance(payload, list):
            raise InvalidValue("expected a list of files")
        listed = self.listed(payload)
        if isinstance(payload, list) and not listed:
            raise InvalidValue("expected one file, got a list")
        owners = page_owners()
        items = [self.item_from_page(item, owners) for item in self.items(payload)]
        return self.whole(items, listed)

    def to_handler(self, payload: Any) -> Any:
        """What a handler receives, per ``type`` (may block: run in a handler thread)."""
        if payload is None:
            return None
        items = [self.item_to_handler(item) for item in self.items(payload)]
        return self.whole(items, self.listed(payload))

    def store_output(self, value: Any, owner: Owner) -> Any:
        """Store what a handler returned for ``owner``; return the records (may block)."""
        if value is None:
            return None
        if self.multiple and not isinstance(value, (list, tuple)):
            value = [value]
        items = [self.item_from_handler(item, owner) for item in self.items(value)]
        return self.whole(items, self.listed(value))

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        """Check the records a handler's result was stored as (see ``store_output``)."""
        if value is None:
            return None
        # Outside an event (no page), only the app's own files may be shown.
        owners = page_owners(required=False) or self.app_owners()
        try:
            if self.multiple and not isinstance(value, list):
                raise InvalidValue("expected a list of stored files")
            items = [self.check_item(item, owners) for item in self.items(value)]
            return self.whole(items, self.listed(value))
        except InvalidValue as exc:
            raise InvalidValue(f"{self!r} cannot show {reprlib.repr(value)}: {exc}") from None

    def initial_value(self) -> Any:
        """The default, stored app-owned once (per storage), as the session keeps it."""
        if callable(self.value):
            return self.store_output(self.value(), self.app_owner())
        if self.value is None:
            return None
        key = id(file_storage())
        cached = self.__dict__.get("_stored_default")
        if cached is None or cached[0] != key:
            cached = (key, self.store_output(copy.deepcopy(self.value), self.app_owner()))
            self.__dict__["_stored_default"] = cached
        return copy.deepcopy(cached[1])

    def page_update(self, value: Any) -> dict[str, Any]:
        return {"value": self.page_value(value)}

    def page_value(self, value: Any) -> Any:
        """The value as the page is given it: each record with its ``url`` and ``ref``."""
        if value is None:
            return None
        return self.whole(
            [self.item_to_page(item) for item in self.items(value)], self.listed(value)
        )

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return {
            "page_value": self.page_value(context["value"]),
            "file_count": self.file_count,
            "file_types": self.file_types,
        }

    def app_owners(self) -> tuple[Owner, ...]:
        name = self.blocks.name if self.blocks is not None else None
        return (Owner(name),) if name else ()

    def app_owner(self) -> Owner:
        name = self.blocks.name if self.blocks is not None else None
        if not name:
            raise InvalidValue(
                f"{self!r}: its default file is stored for its app; register the app "
                "(gr.register or launch) before rendering it"
            )
        return Owner(name)

    # -- one item (one file); Gallery overrides these ------------------------------------------

    def item_from_page(self, item: Any, owners: tuple[Owner, ...]) -> Any:
        return record_from_page(item, owners)

    def item_to_handler(self, item: Record) -> Any:
        return handler_path(item)

    def item_from_handler(self, item: Any, owner: Owner) -> Any:
        return store_file(item, owner)

    def check_item(self, item: Any, owners: tuple[Owner, ...]) -> Any:
        return check_record(item, owners)

    def item_to_page(self, item: Any) -> Any:
        return access.page_record(item)


# -- records ---------------------------------------------------------------------------------------


class File(FileComponent):
    """Files to upload or download; handlers get paths (``type="filepath"``) or bytes."""

    template_name = "file"
    types = ("filepath", "binary")
    lists_any_count = True
    upload = Event()
    clear = Event()
    select = Event()
    delete = Event()
    download = Event()

    def __init__(
        self,
        value: Any = None,
        *,
        file_count: str = "single",
        file_types: list[str] | None = None,
        type: str = "filepath",
        height: int | float | None = None,
        allow_reordering: bool = False,
        buttons: list[Any] | None = None,
        max_file_size: int | str | None = None,
        **options: Unpack[FileOptions],
    ) -> None:
        self.height = height
        self.allow_reordering = allow_reordering
        super().__init__(
            value,
            file_count=file_count,
            file_types=file_types,
            max_file_size=max_file_size,
            type=type,
            **options,
        )
        self.note_unsupported(self.take_buttons(buttons))

    def item_to_handler(self, item: Record) -> Any:
        if self.type == "binary" and item.get("path"):
            return store.read_bytes(item)
        return handler_path(item)


class UploadButton(FileComponent):
    """A button that uploads files; its text is ``label``, its value the files uploaded."""

    template_name = "uploadbutton"
    types = ("filepath", "binary")
    click = Event()
    upload = Event()

    def __init__(
        self,
        label: str = "Upload a File",
        value: Any = None,
        *,
        variant: str = "secondary",
        size: str = "lg",
        icon: str | None = None,
        type: str = "filepath",
        file_count: str = "single",
        file_types: list[str] | None = None,
        max_file_size: int | str | None = None,
        **options: Unpack[FileOptions],
    ) -> None:
        self.variant = variant
        self.size = size
        self.icon = icon
        options.setdefault("interactive", True)
        super().__init__(
            value,
            file_count=file_count,
            file_types=file_types,
            max_file_size=max_file_size,
            type=type,
            label=label,
            **options,
        )

    item_to_handler = File.item_to_handler


class DownloadButton(FileComponent):
    """A button that downloads its value, a file; the page cannot change it."""

    template_name = "downloadbutton"
    accepts_input = False
    accepts_upload = False
    click = Event()

    def __init__(
        self,
        label: str = "Download",
        value: Any = None,
        *,
        variant: str = "secondary",
        size: str = "lg",
        icon: str | None = None,
        **options: Unpack[FileOptions],
    ) -> None:
        self.variant = variant
        self.size = size
        self.icon = icon
        options.setdefault("interactive", True)
        super().__init__(value, label=label, **options)
