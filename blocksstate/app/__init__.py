"""The model of an app: ``Blocks``, its event listeners and their chains, ``Interface``, the registry of apps."""
