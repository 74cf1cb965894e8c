"""blocksstate: Gradio's Blocks programming model on Django. ``import blocksstate as gr``."""

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
from .app.interface import Interface, TabbedInterface
from .app.registry import register
from .app.render import render
from .components import (
    HTML,
    JSON,
    Accordion,
    Audio,
    BrowserState,
    Button,
    Chatbot,
    Checkbox,
    CheckboxGroup,
    ClearButton,
    Column,
    Dataset,
    DownloadButton,
    Dropdown,
    File,
    Gallery,
    Group,
    Image,
    Label,
    Markdown,
    MultimodalTextbox,
    Number,
    Radio,
    Row,
    Sidebar,
    Slider,
    State,
    Tab,
    TabItem,
    Tabs,
    Textbox,
    Timer,
    UploadButton,
    Video,
)
from .components.audio import WaveformOptions
from .components.capture import WebcamOptions
from .components.chat import ChatMessage
from .components.state import GlobalState
from .engine.feedback import Error, Info, Progress, Warning
from .engine.request import Request
from .engine.updates import skip, update

__version__ = "0.1.0"

__all__ = [
    "ChatInterface",
    "ChatMessage",
    "LikeData",
    "RetryData",
    "UndoData",
    "EditData",
    "Dataset",
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
    "Video",
    "UploadButton",
    "Image",
    "MultimodalTextbox",
    "Gallery",
    "File",
    "DownloadButton",
    "Audio",
    "HTML",
    "JSON",
    "Accordion",
    "Blocks",
    "BrowserState",
    "Button",
    "Chatbot",
    "Checkbox",
    "CheckboxGroup",
    "ClearButton",
    "Column",
    "Dropdown",
    "Error",
    "GlobalState",
    "Group",
    "Info",
    "Interface",
    "Label",
    "Markdown",
    "Number",
    "Progress",
    "Radio",
    "Request",
    "Row",
    "Sidebar",
    "Slider",
    "State",
    "Tab",
    "TabItem",
    "Tabs",
    "Textbox",
    "Timer",
    "Warning",
    "on",
    "render",
    "register",
    "skip",
    "update",
]


def __getattr__(name: str) -> object:
    """Say that a Gradio name blocksstate does not provide yet is Gradio's, not a typo."""
    from .gradio_names import not_provided_error

    raise not_provided_error(name)
