"""The code examples of the state guides, as written there, with ``import blocksstate as gr``."""
