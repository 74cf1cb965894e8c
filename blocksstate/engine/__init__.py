"""Runs one event of one session: validate, call the handler, post-process, detect changes, chain; returns an ``Outcome``."""
