"""Shared bits of the Gradio apps: the port from argv, and a quiet launch."""

import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def port() -> int:
    return int(sys.argv[1]) if len(sys.argv) > 1 else 7860


def launch(demo) -> None:
    # Default settings, as the issue asks: queue() with its defaults, one process.
    demo.queue().launch(server_name="127.0.0.1", server_port=port(), show_error=True, quiet=True)
