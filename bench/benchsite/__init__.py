"""The benchmark's own Django project: settings, the measured apps, an ASGI module."""
