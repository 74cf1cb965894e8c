"""HTTP URLs of blocksstate: ``path("blocksstate/", include("blocksstate.urls"))``."""

from django.urls import path

from . import views

app_name = "blocksstate"

urlpatterns = [
    path("apps/<str:app>/", views.app_page, name="app"),
]
