"""blocksstate: Gradio's Blocks programming model on Django. ``import blocksstate as gr``."""

from .blocks import Blocks
from .components import (
    HTML,
    JSON,
    Accordion,
    BrowserState,
    Button,
    Chatbot,
    Checkbox,
    CheckboxGroup,
    ClearButton,
    Column,
    Dropdown,
    Group,
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
)
from .components.state import GlobalState
from .events import on
from .feedback import Error, Info, Progress, Warning
from .interface import Interface
from .registry import register
from .request import Request
from .updates import skip, update

__version__ = "0.1.0"

__all__ = [
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
