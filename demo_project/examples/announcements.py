"""The demo's announcement: one GlobalState that staff change from the admin or a staff page.

Both doors call ``announce``, an ordinary function of ordinary Django code: it runs in
a request's thread, and every open page of the "announcement" example shows the text.
"""

import blocksstate as gr

# The GlobalState's key, declared by live/announcement.py (loaded at start with the demo's apps).
KEY = "demo-announcement"
# The longest announcement the demo accepts (the model's field and the staff page).
MAX_LENGTH = 500


def announce(text: str) -> None:
    """Show ``text`` on every open page of the "announcement" example, live."""
    gr.GlobalState.named(KEY).set(text)


def current() -> str:
    """The announcement the pages show now."""
    return gr.GlobalState.named(KEY).get()
