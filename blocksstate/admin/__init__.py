"""The admin: live sessions (their values, events and errors), actions on them, and each app's wiring.

A session's values are read from the cache, never from the database, and only
by staff with the ``blocksstate.view_session_state`` permission: they can hold
personal data. Disconnecting a session and clearing its state need the
"change live session" permission; both reach the worker serving the page
through the channel layer (see ``sessions.actions``).

- ``sessions``: the live sessions and the event log, and the actions on a session
- ``filters``: the lists' filters (live sessions by default), and what a bad one gets
- ``display``: the admin's stylesheet, short times, and the session list's columns
- ``values``: a session's values, read from the cache and previewed
- ``wiring``: the registered apps, their components and events
"""

# Importing the modules registers their ModelAdmins with the default admin site.
from .sessions import EventLogAdmin, LiveSessionAdmin
from .wiring import RegisteredAppAdmin

__all__ = ["EventLogAdmin", "LiveSessionAdmin", "RegisteredAppAdmin"]
