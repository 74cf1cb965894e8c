from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/apps.json", views.apps_json),
    path("bench/stats.json", views.stats_json),
    # The package's HTTP views (app pages, and the file upload and download URLs).
    path("blocksstate/", include("blocksstate.urls")),
]
