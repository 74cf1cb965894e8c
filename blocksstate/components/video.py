"""``Video``: a video to upload, record or play; handlers get and return file paths."""

from __future__ import annotations

from typing import Any, ClassVar, Unpack

from ..app.events import Event
from .capture import PlayedMedia, WebcamOptions, webcam_options_of
from .files import FileOptions


class Video(PlayedMedia):
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
    end = Event()

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
        self.note_unsupported(self.take_buttons(buttons))
        self.note_unsupported(
            webcam_options_of(self, webcam_options, mirror_webcam, webcam_constraints)
        )
