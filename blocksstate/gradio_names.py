"""Gradio's public names that blocksstate does not provide yet, and the error that says so."""

from __future__ import annotations

# Gradio 6.31's public classes (components, layouts, helpers) without a blocksstate
# counterpart yet; ``docs/components.md`` lists them (``python -m blocksstate.docs``).
NOT_YET_PROVIDED = frozenset(
    {
        "AnnotatedImage", "Annotatedimage", "Brush", "CSVLogger", "Cache", "Component",
        "DeepLinkButton", "Dialogue", "Draggable", "DuplicateButton", "Eraser", "FileExplorer",
        "FileSize", "FlaggingCallback", "Header", "I18n", "ImageEditor", "ImageMask",
        "ImageSlider", "InputHTMLAttributes", "LayerOptions", "LoginButton", "MessageDict",
        "Model3D", "Navbar", "OAuthProfile", "OAuthToken", "Paint", "ParamViewer", "Server",
        "SimpleCSVLogger", "Sketchpad", "Step", "Walkthrough", "WatermarkOptions", "Workflow",
        "WorkflowCanvas",
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
