from django.urls import include, path

urlpatterns = [path("blocksstate/", include("blocksstate.urls"))]
