"""The demo project's settings, plus the backpressure apps, with a small unread window.

A page of ``stream`` gets about five windows' worth of frames in one event: it is
served only if it acknowledges what it reads (``received`` frames of socket.js).
"""

from demo_project.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.backpressure"]  # noqa: F405
BLOCKSSTATE = {
    **BLOCKSSTATE,  # noqa: F405
    "MAX_UNACKED_CHARS": 1_500_000,
    "UNACKED_TIMEOUT": 2,
}
