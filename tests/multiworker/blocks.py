"""Discovered by blocksstate in each worker (``tests.multiworker`` is an installed app)."""

import blocksstate

from .app import APP, build

blocksstate.register(APP, build())
