from django.urls import path

from . import views

urlpatterns = [
    path("bench/apps.json", views.apps_json),
    path("bench/stats.json", views.stats_json),
]
