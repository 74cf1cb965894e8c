"""Views of the demo site: an index of the guide examples and one page per example."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import announcements

GUIDES = Path(__file__).resolve().parent / "guides"


@dataclass(frozen=True)
class Example:
    """One example of the state guides, served at ``/<name>/`` as the app ``name``."""

    name: str
    title: str
    summary: str
    source: str | None = None  # the script's file, when it is not one of the guides

    @property
    def template_name(self) -> str:
        return f"examples/{self.name}.html"

    @property
    def script(self) -> Path:
        if self.source:
            return GUIDES.parent / self.source
        return GUIDES / f"{self.name.replace('-', '_')}.py"


# In the order of the guides: global state, session state, the patterns, then browser state.
EXAMPLES = [
    Example(
        "visitors",
        "Visitor counter",
        "Global state: a module-level counter shared by every visitor. Open the page twice.",
    ),
    Example(
        "live-counter",
        "Live shared counter",
        "GlobalState: one count for every visitor of every worker, pushed live. Open two windows.",
        source="live.py",
    ),
    Example(
        "announcement",
        "Announcement from anywhere",
        "GlobalState changed by a Django view: staff post an announcement, every open page "
        "shows it live.",
        source="live/announcement.py",
    ),
    Example(
        "cart",
        "Shopping cart",
        "Session State with a .change listener: tick items, click Add Items, watch Cart Size.",
    ),
    Example("counter", "Counter", "One State as input and output of a click: click Increment."),
    Example(
        "chat",
        "Chat history",
        "The Chatbot holds the conversation: type a message, press Enter, then Clear.",
    ),
    Example(
        "multistep",
        "Multi-step form",
        "A dict in State collects answers from two buttons: submit a name, then an age.",
    ),
    Example(
        "clicks", "Click history", "Two States updated by one click: click Click Me! a few times."
    ),
    Example(
        "custom-class",
        "Custom class in State",
        "A dataclass kept per session: add messages, then initialize again.",
    ),
    Example(
        "dynamic-init",
        "Dynamic initialization",
        "demo.load fills State when the page opens: the status says so.",
    ),
    Example(
        "reset",
        "Resetting state",
        "A handler returns initial values: increment a few times, then reset.",
    ),
    Example(
        "clear-button",
        "ClearButton",
        "ClearButton resets a State and a Textbox to their defaults: type, then Clear.",
    ),
    Example(
        "conditional",
        "Conditional updates",
        "State changes only when a value passes a threshold: try 5, then 15.",
    ),
    Example(
        "chain",
        "Chained steps",
        ".then() passes State through two steps on the server: type, then Process.",
    ),
    Example(
        "interface-state",
        'Interface with "state"',
        'gr.Interface\'s "state" shortcut keeps a history: submit a few texts.',
    ),
    Example(
        "non-deepcopyable",
        "Non-deepcopyable objects",
        "An object holding a lock, kept per session by session_hash: click Increment Counter.",
    ),
    Example(
        "saved-credentials",
        "Saved credentials",
        "Browser state: save a username, refresh, and the page welcomes you back.",
    ),
    Example(
        "generate-randomly",
        "Generate randomly",
        "A BrowserState list kept in localStorage: generate values, refresh, they are still there.",
    ),
    # Files and media (blocksstate's own examples).
    Example(
        "image-filter",
        "Image filter",
        "Upload a picture, pick a filter: the handler gets a NumPy array and returns one.",
        source="media/image_filter.py",
    ),
    Example(
        "file-collector",
        "File collector",
        "Uploads kept in a State list across events, handed back as one zip.",
        source="media/file_collector.py",
    ),
    Example(
        "audio-reverse",
        "Audio round trip",
        "Record or upload a sound and hear it backwards: (sample_rate, samples) in and out.",
        source="media/audio_reverse.py",
    ),
    # Layouts as outputs (blocksstate's own example).
    Example(
        "wizard",
        "Wizard",
        "Three steps, each a Column a handler reveals: Next hides one step and shows the next.",
        source="layouts/wizard.py",
    ),
    # Chat (blocksstate's own example).
    Example(
        "chat-stream",
        "Streaming chat",
        "ChatInterface: a thought shown collapsible while pending, then the answer streamed.",
        source="chat/streaming.py",
    ),
    Example(
        "interface-examples",
        "Interface with examples",
        "A gr.Interface with examples, additional inputs in an accordion, a title and an article.",
        source="interface_examples.py",
    ),
    # Dynamic UI (blocksstate's own examples).
    Example(
        "render-todo",
        "Todo list with @gr.render",
        "Tasks live in a State; adding, ticking or deleting one rebuilds the list on the server.",
        source="dynamic/todo.py",
    ),
    # Event options (blocksstate's own example).
    Example(
        "live-clock",
        "Live clock",
        "A clock refreshed every second (every=), a Timer to stop and start, a count that "
        "cancels= stops, and a js= function that runs in the page.",
        source="live/clock.py",
    ),
    # Themes (blocksstate's own example).
    Example(
        "themed",
        "Themed page",
        "Gradio's Soft theme with a violet hue and its own dark values: switch light and dark.",
        source="themes/themed.py",
    ),
    # Data and display components (blocksstate's own examples).
    Example(
        "sales-editor",
        "Sales editor",
        "A Dataframe of monthly sales with a line plot of its rows: edit a cell, add a month.",
        source="data/sales_editor.py",
    ),
    Example(
        "code-viewer",
        "Code viewer",
        "gr.Code highlighted by Pygments on the server: pick a sample, edit it, see it counted.",
        source="data/code_viewer.py",
    ),
]

BY_NAME = {example.name: example for example in EXAMPLES}


def index(request: HttpRequest) -> HttpResponse:
    """List the examples, each with what to try."""
    return render(request, "index.html", {"examples": EXAMPLES})


def example(request: HttpRequest, name: str) -> HttpResponse:
    """Show one example: what it demonstrates, the app itself, and the script it runs."""
    current = BY_NAME.get(name)
    if current is None:
        raise Http404(f"no example named {name!r}")
    position = EXAMPLES.index(current)
    context = {
        "example": current,
        "previous": EXAMPLES[position - 1] if position > 0 else None,
        "next": EXAMPLES[position + 1] if position + 1 < len(EXAMPLES) else None,
        "source": current.script.read_text(encoding="utf-8") if current.script.is_file() else None,
    }
    return render(request, current.template_name, context)


@staff_member_required
def post_announcement(request: HttpRequest) -> HttpResponse:
    """Staff only: post the announcement every open page of the "announcement" example shows.

    An ordinary Django view: ``GlobalState.set`` stores the text and tells every page. The
    admin does the same with an action on an ``Announcement`` (``admin.py``).
    """
    error = None
    text = ""
    if request.method == "POST":
        text = request.POST.get("text", "").strip()
        if not text:
            error = "Write the announcement first."
        elif len(text) > announcements.MAX_LENGTH:
            error = f"An announcement has at most {announcements.MAX_LENGTH} characters."
        else:
            announcements.announce(text)
            messages.success(request, "Posted: every open page shows it now.")
            return redirect("examples:post-announcement")
    context = {
        "error": error,
        "text": text,
        "max_length": announcements.MAX_LENGTH,
        "example": BY_NAME["announcement"],
    }
    return render(request, "examples/post-announcement.html", context, status=400 if error else 200)
