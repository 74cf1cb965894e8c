"""Test-only apps for the BrowserState browser tests, installed by ``tests.e2e.browser_settings``.

Never part of the demo site: ``tests/e2e/test_browser_state.py`` runs the demo
project with this app added, so these pages are served at
``/blocksstate/apps/<name>/`` next to the guide examples.
"""
