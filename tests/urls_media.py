"""The test URLs, with a stand-in for the file view until ``blocksstate.urls`` has one.

The media tests only need file URLs to be made (``reverse("blocksstate:file")``);
the view that serves them is tested with it.
"""

from django.http import HttpResponseNotFound
from django.urls import include, path

from blocksstate import urls as blocksstate_urls
from tests.urls import urlpatterns as test_urlpatterns


def not_served(request, token, filename):
    return HttpResponseNotFound()


patterns = list(blocksstate_urls.urlpatterns)
if not any(getattr(p, "name", None) == "file" for p in patterns):
    patterns.append(path("files/<str:token>/<str:filename>", not_served, name="file"))

urlpatterns = [
    p for p in test_urlpatterns if "blocksstate" not in str(getattr(p, "pattern", ""))
] + [path("blocksstate/", include((patterns, "blocksstate")))]
