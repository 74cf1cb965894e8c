"""blocksstate: Gradio's Blocks programming model on Django. ``import blocksstate as gr``."""

from .app.blocks import Blocks
from .app.event_data import (
    CopyData,
    DeletedFileData,
    DownloadData,
    EventData,
    FileData,
    KeyUpData,
    SelectData,
)
from .app.events import on
from .app.interface import Interface
from .app.registry import register
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
    DownloadButton,
    Dropdown,
    File,
    Gallery,
    Group,
    Image,
    Label,
    Markdown,
    Number,
    Radio,
    Row,
    Slider,
    State,
    Tab,
    Tabs,
    Textbox,
    Timer,
    UploadButton,
    Video,
)
from .components.audio import WaveformOptions
from .components.capture import WebcamOptions
from .components.state import GlobalState
from .engine.feedback import Error, Info, Progress, Warning
from .engine.request import Request
from .engine.updates import skip, update

__version__ = "0.1.0"

__all__ = [
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
    "Slider",
    "State",
    "Tab",
    "Tabs",
    "Textbox",
    "Timer",
    "Warning",
    "on",
    "register",
    "skip",
    "update",
]
