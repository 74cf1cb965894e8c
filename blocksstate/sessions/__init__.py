"""Sessions: one page view's values in a store, its lock, and its life from start to expiry.

``session`` is ``Session``, the values of one page view; ``base`` states the
store's contract and its one transaction; ``backends`` are the
stores (``BLOCKSSTATE["SESSION_STORE"]``, chosen automatically from the cache by
default); ``resume`` makes and reads resume tokens; ``lifecycle`` resumes, keeps
and ends sessions; ``hold`` is a connected page's hold on its session (its
transaction, keepalive and grace); ``sweep`` ends and expires what no connection
will; ``actions`` are the admin's. A session is started by ``transport.hello``.
"""
