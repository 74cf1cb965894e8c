"""The activity recorder: live sessions and their events, written to the database off the event path.

The connection calls cheap hooks (``session_started``, ``event_finished``,
``session_ended``...) that only note what happened in memory. A flusher task,
one per process and started lazily from the event loop, writes what was noted
every ``ACTIVITY_FLUSH_SECONDS`` (sooner when much is waiting), in a thread of
its own, with one ``bulk_create`` for new sessions, one for events and one
``UPDATE`` per touched session. An event is answered before its record is
written, so a slow or locked database never delays a page.

While the database refuses writes, records wait in memory and are retried;
past ``ACTIVITY_BUFFER_SIZE`` the oldest are dropped, counted and reported in
a warning: the buffer never grows without limit.

- ``recording``: the ``Recorder``, its hooks and its flusher
- ``records``: what is noted in memory until it is written
- ``writer``: writing a batch to the database
- ``retention``: removing old records (``purge``)
- ``describe``: sessions, components and events in words
"""

from .describe import describe_block, describe_dependency, function_name
from .recording import (
    Recorder,
    event_finished,
    purge_if_due,
    recorder,
    session_ended,
    session_resumed,
    session_seen,
    session_started,
)
from .retention import purge

__all__ = [
    "Recorder",
    "describe_block",
    "describe_dependency",
    "event_finished",
    "function_name",
    "purge",
    "purge_if_due",
    "recorder",
    "session_ended",
    "session_resumed",
    "session_seen",
    "session_started",
]
