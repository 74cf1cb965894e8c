"""URLs of the demo site: ``/`` lists the examples, ``/<name>/`` shows one."""

from django.urls import path

from . import views

app_name = "examples"

urlpatterns = [
    path("", views.index, name="index"),
    path("announcement/post/", views.post_announcement, name="post-announcement"),
    path("<slug:name>/", views.example, name="example"),
]
