"""blocksstate's own examples of data and display components."""
