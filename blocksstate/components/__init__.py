"""Components and layout blocks.

``__all__`` is the Gradio names the package exports as ``gr.<Name>``; the base
classes and errors are importable from here too, for extensions and tests.
"""

from .aliases import (
    Checkboxgroup,
    Files,
    Highlight,
    Highlightedtext,
    Json,
    List,
    Matrix,
    Mic,
    Microphone,
    Numpy,
    PlayableVideo,
    Text,
    TextArea,
)
from .audio import Audio
from .base import Block as Block
from .base import Component as Component
from .base import FormComponent as FormComponent
from .buttons import Button, ClearButton
from .chat import Chatbot
from .choice import Checkbox, CheckboxGroup, Dropdown, Radio
from .code import Code
from .dataframe import DataFrame, Dataframe
from .dataset import Dataset
from .display import JSON, Label
from .files import DownloadButton, File, UploadButton
from .files import FileComponent as FileComponent
from .gallery import Gallery
from .highlighted import HighlightedText
from .image import Image
from .layout import Accordion, Column, Group, Row, Sidebar
from .layout import BlockContext as BlockContext
from .multimodal import MultimodalTextbox
from .native_plot import BarPlot, LinePlot, ScatterPlot
from .number import Number, Slider
from .pickers import ColorPicker, DateTime
from .plot import Plot
from .schema import InvalidValue as InvalidValue
from .schema import ValueSchema as ValueSchema
from .state import BrowserState, State
from .state import StateNotPicklable as StateNotPicklable
from .tabs import Tab, TabItem, Tabs
from .text import HTML, Markdown, Textbox
from .timer import Timer
from .video import Video

__all__ = [
    "Checkboxgroup",
    "Code",
    "ColorPicker",
    "DateTime",
    "Highlight",
    "HighlightedText",
    "Highlightedtext",
    "Json",
    "Text",
    "TextArea",
    "Files",
    "Microphone",
    "Mic",
    "PlayableVideo",
    "Numpy",
    "Matrix",
    "List",
    "DataFrame",
    "Dataframe",
    "Dataset",
    "Video",
    "UploadButton",
    "Image",
    "Gallery",
    "File",
    "DownloadButton",
    "Audio",
    "Accordion",
    "BrowserState",
    "Button",
    "Chatbot",
    "Checkbox",
    "CheckboxGroup",
    "ClearButton",
    "Column",
    "Dropdown",
    "Group",
    "HTML",
    "JSON",
    "Label",
    "BarPlot",
    "LinePlot",
    "Plot",
    "ScatterPlot",
    "Markdown",
    "MultimodalTextbox",
    "Number",
    "Radio",
    "Row",
    "Sidebar",
    "Slider",
    "State",
    "Tab",
    "TabItem",
    "Tabs",
    "Textbox",
    "Timer",
]
