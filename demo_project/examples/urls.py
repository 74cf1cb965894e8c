"""URLs of the demo examples (filled in with one page per example)."""

urlpatterns = []
