"""Registers every example of the demo, each run as its script is written (see ``views.EXAMPLES``).

The state guides' scripts are in ``guides/``, unchanged; blocksstate's own examples name
their script in ``Example.source``. The app name is the example's name.
"""

import blocksstate
from blocksstate.launch.script import load_script

from .views import EXAMPLES

for _example in EXAMPLES:
    blocksstate.register(_example.name, load_script(_example.script))
