"""WebSocket URL patterns: add them to your ASGI application's URLRouter."""

from django.urls import path

from .consumers import BlocksConsumer

websocket_urlpatterns = [
    path("ws/blocks/<str:app>/", BlocksConsumer.as_asgi()),
]
