"""Discovered by blocksstate in each worker (``tests.multiworker`` is an installed app)."""

import blocksstate

from . import global_app
from .app import APP, build

blocksstate.register(APP, build())
blocksstate.register(global_app.APP, global_app.build())
