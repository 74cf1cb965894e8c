"""Discovered by blocksstate in each worker (``tests.multiworker`` is an installed app)."""

import blocksstate

from . import files_app, global_app, render_app, tally_app
from .app import APP, build

blocksstate.register(APP, build())
blocksstate.register(global_app.APP, global_app.build())
blocksstate.register(files_app.APP, files_app.build())
blocksstate.register(render_app.APP, render_app.build())
blocksstate.register(tally_app.APP, tally_app.build())
