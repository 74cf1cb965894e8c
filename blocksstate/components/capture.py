"""What the media components share: the webcam's options, Gradio's streaming events (refused),
the player and recorder of Audio and Video, and the optional libraries (Pillow, NumPy: the
``media`` extra) a handler's value type needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..app.events import Event
from .files import FileComponent, optional_module


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


class PlayedMedia(FileComponent):
    """What Audio and Video share: a file the page plays, records or takes, and its events."""

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
    stop_recording = Event()
    input = Event()
