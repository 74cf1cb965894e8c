"""Registers every example of the state guides, run as the guide wrote it (see ``guides/``)."""

from pathlib import Path

import blocksstate
from blocksstate.launch.script import load_script

GUIDES = Path(__file__).resolve().parent / "guides"

# In the order of the guides; the app name is the file name with "-" for "_".
GUIDE_SCRIPTS = [
    "visitors",
    "cart",
    "counter",
    "chat",
    "multistep",
    "clicks",
    "custom_class",
    "dynamic_init",
    "reset",
    "clear_button",
    "conditional",
    "chain",
    "interface_state",
    "non_deepcopyable",
    "saved_credentials",
    "generate_randomly",
]

for _stem in GUIDE_SCRIPTS:
    blocksstate.register(_stem.replace("_", "-"), load_script(GUIDES / f"{_stem}.py"))

# blocksstate's own example of the global tier (GlobalState), beside the guides' module variable.
blocksstate.register("live-counter", load_script(Path(__file__).resolve().parent / "live.py"))

blocksstate.register(
    "interface-examples",
    load_script(Path(__file__).resolve().parent / "interface_examples.py"),
)

# Files and media: blocksstate's own examples.
for _stem in ("image_filter", "file_collector", "audio_reverse"):
    blocksstate.register(
        _stem.replace("_", "-"),
        load_script(Path(__file__).resolve().parent / "media" / f"{_stem}.py"),
    )

# Layouts as outputs: blocksstate's own example.
blocksstate.register(
    "wizard", load_script(Path(__file__).resolve().parent / "layouts" / "wizard.py")
)

# Chat: blocksstate's own example of ChatInterface streaming a thought, then its answer.
blocksstate.register(
    "chat-stream", load_script(Path(__file__).resolve().parent / "chat" / "streaming.py")
)

# @gr.render: the guide's todo list, tasks in a State, a keyed note per task.
blocksstate.register(
    "render-todo", load_script(Path(__file__).resolve().parent / "dynamic" / "todo.py")
)

# Event options: every=, a Timer, cancels= and js= (blocksstate's own example).
blocksstate.register(
    "live-clock", load_script(Path(__file__).resolve().parent / "live" / "clock.py")
)

# Themes: blocksstate's own example of a Gradio theme, in light and dark mode.
blocksstate.register(
    "themed", load_script(Path(__file__).resolve().parent / "themes" / "themed.py")
)

# Data and display components: blocksstate's own example of gr.Code.
blocksstate.register(
    "code-viewer", load_script(Path(__file__).resolve().parent / "data" / "code_viewer.py")
)
