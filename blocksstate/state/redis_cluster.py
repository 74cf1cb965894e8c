"""django-redis on Redis Cluster: a connection factory that gives the cache a ``RedisCluster``.

django-redis has no Cluster client of its own; its default client works on one as
long as each call's keys share a slot. blocksstate's do: every key of a session
carries the session id as a hash tag (``{...}``), every GlobalState its key, so a
Lua script's keys are always in one slot. Set it per cache::

    CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://10.0.0.1:7000/0",  # any node: the others are discovered
        "OPTIONS": {"CONNECTION_FACTORY": "blocksstate.state.redis_cluster.ClusterConnectionFactory"},
    }}

``PASSWORD``, ``USERNAME``, ``SOCKET_TIMEOUT`` and ``SOCKET_CONNECT_TIMEOUT`` are read
as django-redis reads them; ``REDIS_CLIENT_KWARGS`` go to ``RedisCluster``. A cache
key prefix must not contain ``{`` (it would become every key's hash tag).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from django_redis.pool import ConnectionFactory
from redis.cluster import RedisCluster


class ClusterConnectionFactory(ConnectionFactory):
    """One ``RedisCluster`` client per URL and process (it keeps a pool per node itself)."""

    _clusters: ClassVar[dict[str, RedisCluster]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def get_connection(self, params: dict[str, Any]) -> Any:
        url = params["url"]
        with self._lock:
            found = self._clusters.get(url)
            if found is None:
                kwargs = {k: v for k, v in params.items() if k not in ("url", "parser_class")}
                kwargs.update(self.pool_cls_kwargs)
                kwargs.update(self.redis_client_cls_kwargs)
                found = self._clusters[url] = RedisCluster.from_url(url, **kwargs)
        return found

    def disconnect(self, connection: Any) -> None:
        connection.close()
        with self._lock:
            for url, client in list(self._clusters.items()):
                if client is connection:
                    del self._clusters[url]
