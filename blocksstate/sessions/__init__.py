"""Sessions: one page view's values in a store, its lock, and its life from start to expiry.

``base`` states the store's contract and holds ``Session``; ``backends`` are the
stores (``BLOCKSSTATE["SESSION_STORE"]``, chosen automatically from the cache by
default); ``lifecycle`` starts, resumes, keeps and ends sessions; ``sweep``
ends and expires what no connection will; ``actions`` are the admin's.
"""
