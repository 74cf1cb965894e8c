"""The demo's URLs, plus a login page (``LOGIN_URL``) for the access tests."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="browser_apps/login.html"),
        name="login",
    ),
    path("", include("demo_project.urls")),
]
