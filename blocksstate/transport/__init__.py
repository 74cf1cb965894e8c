"""The page's WebSocket: keeping it alive and within bounds (the consumer, protocol and connection join it later)."""
