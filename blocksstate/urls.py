"""HTTP URLs of blocksstate: ``path("blocksstate/", include("blocksstate.urls"))``."""

from django.urls import path

from . import views
from .files import upload
from .files import views as files

app_name = "blocksstate"

urlpatterns = [
    path("apps/<str:app>/", views.app_page, name="app"),
    path("upload/<str:app>/", upload.upload, name="upload"),
    path("upload/<str:app>/chunk/", upload.upload_chunk, name="upload_chunk"),
    path("files/<str:token>/<str:filename>", files.serve, name="file"),
]
