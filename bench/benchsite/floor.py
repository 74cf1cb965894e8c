"""The bare Channels echo of the floor scenario (see ``bench/floor.py``).

A plain ``AsyncWebsocketConsumer``: what a Channels app that answers each of the
counter's events with the same two frames costs at least, on the same daphne and behind
the same ``AuthMiddlewareStack`` as blocksstate's consumer.
"""

from channels.generic.websocket import AsyncWebsocketConsumer
from floor import answer


class FloorEchoConsumer(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None):
        for reply in answer(text_data):
            await self.send(text_data=reply)
