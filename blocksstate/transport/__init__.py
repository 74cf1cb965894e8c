"""The page's WebSocket: the Channels consumer, one connection's ordered queue, its liveness and bounds."""
