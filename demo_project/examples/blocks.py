"""Demo apps, one per example of the guides."""
