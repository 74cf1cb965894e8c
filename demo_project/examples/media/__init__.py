"""blocksstate's own examples of files and media (not from the state guides)."""
