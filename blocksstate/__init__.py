"""blocksstate: Gradio's Blocks programming model on Django. ``import blocksstate as gr``."""

from . import components, themes
from .app.blocks import Blocks
from .app.chat_interface import ChatInterface
from .app.event_data import (
    CopyData,
    DeletedFileData,
    DownloadData,
    EditData,
    EventData,
    FileData,
    KeyUpData,
    LikeData,
    RetryData,
    SelectData,
    UndoData,
)
from .app.events import on
from .app.examples import Examples
from .app.interface import Interface
from .app.registry import register
from .app.render import render
from .app.tabbed_interface import TabbedInterface
from .components import *  # noqa: F403 (the Gradio component names, listed in components.__all__)
from .components.audio import WaveformOptions
from .components.capture import WebcamOptions
from .components.chat import ChatMessage
from .components.global_state import GlobalState
from .engine.feedback import Error, Info, Progress, Warning
from .engine.inline import blocking
from .engine.request import Request
from .engine.updates import skip, update
from .themes import Theme

__version__ = "0.1.0"

__all__ = [
    "themes",
    "Theme",
    "ChatInterface",
    "ChatMessage",
    "LikeData",
    "RetryData",
    "UndoData",
    "EditData",
    "Examples",
    "TabbedInterface",
    "FileData",
    "DeletedFileData",
    "DownloadData",
    "WaveformOptions",
    "WebcamOptions",
    "SelectData",
    "KeyUpData",
    "CopyData",
    "EventData",
    "Blocks",
    "Error",
    "GlobalState",
    "Info",
    "Interface",
    "Progress",
    "Request",
    "Warning",
    "blocking",
    "on",
    "render",
    "register",
    "skip",
    "update",
]
__all__ += components.__all__


def __getattr__(name: str) -> object:
    """Say that a Gradio name blocksstate does not provide yet is Gradio's, not a typo."""
    from .gradio_names import not_provided_error

    raise not_provided_error(name)
