"""Components and layout blocks."""

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
from .base import Block, Component, FormComponent
from .buttons import Button, ClearButton
from .chat import Chatbot
from .choice import Checkbox, CheckboxGroup, Dropdown, Radio
from .code import Code
from .dataframe import DataFrame, Dataframe
from .dataset import Dataset
from .display import JSON, Label
from .files import DownloadButton, File, FileComponent, UploadButton
from .gallery import Gallery
from .highlighted import HighlightedText
from .image import Image
from .layout import Accordion, BlockContext, Column, Group, Row, Sidebar
from .multimodal import MultimodalTextbox
from .native_plot import BarPlot, LinePlot, ScatterPlot
from .number import Number, Slider
from .pickers import ColorPicker, DateTime
from .plot import Plot
from .schema import InvalidValue, ValueSchema
from .state import BrowserState, State, StateNotPicklable
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
    "FileComponent",
    "File",
    "DownloadButton",
    "Audio",
    "Accordion",
    "Block",
    "BrowserState",
    "BlockContext",
    "Button",
    "Chatbot",
    "Checkbox",
    "CheckboxGroup",
    "ClearButton",
    "Column",
    "Component",
    "Dropdown",
    "FormComponent",
    "Group",
    "HTML",
    "InvalidValue",
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
    "StateNotPicklable",
    "Tab",
    "TabItem",
    "Tabs",
    "Textbox",
    "Timer",
    "ValueSchema",
]
