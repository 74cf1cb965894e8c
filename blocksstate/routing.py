"""WebSocket URL patterns: add them to your ASGI application's URLRouter."""

from django.urls import path

from .transport.consumer import BlocksConsumer

websocket_urlpatterns = [
    path("ws/blocks/<str:app>/", BlocksConsumer.as_asgi()),
]
