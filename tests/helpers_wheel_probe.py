"""Run by tests/test_packaging.py inside a venv that has only the installed wheel.

A minimal project as a user would write it: blocksstate in ``INSTALLED_APPS``, an app
with a theme rendered by the template tags, the migrations applied. Prints what it found
as JSON on stdout.
"""

from __future__ import annotations

import json

import django
from django.conf import settings
from django.urls import include, path

urlpatterns = []  # ROOT_URLCONF: blocksstate's URLs, once Django is set up


def configure() -> None:
    """Set up Django: an in-memory database, app templates, this module's URLs."""
    settings.configure(
        SECRET_KEY="packaging-probe",
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.staticfiles",
            "channels",
            "blocksstate",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        TEMPLATES=[
            {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}
        ],
        STATIC_URL="/static/",
        CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
        ROOT_URLCONF=__name__,
    )
    django.setup()
    urlpatterns.append(path("blocksstate/", include("blocksstate.urls")))


def probe() -> dict:
    """Register a themed app, render its page, apply the migrations; say where things came from."""
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.db.migrations.recorder import MigrationRecorder
    from django.template import engines
    from django.test import RequestFactory

    import blocksstate
    import blocksstate as gr

    with gr.Blocks(theme=gr.themes.Soft()) as demo:
        gr.Textbox(label="Your name", value="Ada")
    blocksstate.register("hello", demo)

    page = engines["django"].from_string(
        '{% load blocksstate %}{% blocks_assets %}{% blocks_head "hello" %}{% blocks "hello" %}'
    )
    call_command("migrate", verbosity=0)
    applied = MigrationRecorder.Migration.objects.filter(app="blocksstate")
    return {
        "package": blocksstate.__file__,
        "page": page.render({}, RequestFactory().get("/")),
        "client_js": finders.find("blocksstate/client.js"),
        "plotly_js": finders.find("blocksstate/vendor/plotly/plotly-4.1.2.min.js"),
        "migrations": sorted(applied.values_list("name", flat=True)),
    }


if __name__ == "__main__":
    configure()
    print(json.dumps(probe()))
