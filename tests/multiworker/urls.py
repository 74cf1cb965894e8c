from django.urls import include, path

from . import views

urlpatterns = [
    path("blocksstate/", include("blocksstate.urls")),
    path("tally/async/", views.add_async),
    path("tally/sync/", views.add_sync),
]
