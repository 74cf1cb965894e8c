"""Gradio's public names that blocksstate does not provide yet, and the error that says so."""

from __future__ import annotations

# Gradio 6.31's public classes (components, layouts, helpers) without a blocksstate
# counterpart yet; ``docs/components.md`` lists them (``python -m blocksstate.docs``).
NOT_YET_PROVIDED = frozenset(
    {
        "AnnotatedImage", "Annotatedimage", "BarPlot", "Checkboxgroup", "Code", "ColorPicker",
        "Component", "DataFrame", "Dataframe", "DateTime", "DeepLinkButton", "Dialogue",
        "DuplicateButton", "FileExplorer", "Files", "Highlight", "HighlightedText",
        "Highlightedtext", "ImageEditor", "ImageMask", "ImageSlider", "Json", "LinePlot",
        "List", "LoginButton", "Matrix", "Mic", "Microphone", "Model3D", "Navbar", "Numpy",
        "Paint", "ParamViewer", "PlayableVideo", "Plot", "ScatterPlot", "Sketchpad", "Text",
        "TextArea", "Walkthrough", "Workflow", "WorkflowCanvas", "Step", "Server", "Theme",
        "themes", "CSVLogger", "SimpleCSVLogger", "FlaggingCallback", "I18n", "Brush",
        "Eraser", "LayerOptions", "WatermarkOptions", "OAuthProfile", "OAuthToken",
        "Cache", "FileSize", "Header", "InputHTMLAttributes", "MessageDict", "Draggable",
    }
)  # fmt: skip


def not_provided_error(name: str) -> AttributeError:
    """The error ``gr.<name>`` raises: Gradio's name not provided yet, or no such name."""
    if name in NOT_YET_PROVIDED:
        return AttributeError(
            f"blocksstate does not provide gr.{name} yet (Gradio has it); "
            "see docs/components.md for what is provided"
        )
    return AttributeError(f"module 'blocksstate' has no attribute {name!r}")
