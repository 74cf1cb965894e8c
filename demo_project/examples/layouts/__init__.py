"""blocksstate's own examples of layouts as event outputs (not from the state guides)."""
