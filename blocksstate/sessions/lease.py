"""A connected page's lease on its session's lock: kept between events, so the next one needs no take.

With Redis, an event costs two round trips: take the lock and read the version,
then write and let go. A page that sends events one after another (a slider, a
stream of clicks, a load test) takes the lock again a millisecond after it let go.
With a lease, the commit keeps the lock for ``SESSION_LEASE`` seconds instead of
deleting it, and the page's next event within half that time starts at once, on
the session it holds: one round trip per event.

Nothing else can write the session meanwhile, as nothing else holds the lock; and
the commit is still fenced by the version, so a lease this worker only believed it
held cannot overwrite another worker's write. Others who want the lock are not kept
out for long:

- a worker whose take finds the lock held marks the session wanted; the holder's
  next commit then lets go instead of keeping it, and its lease ends;
- an idle lease expires by itself in Redis after ``SESSION_LEASE`` seconds (a dead
  worker's as well), so a waiter waits at most that long;
- a page that closes or drops lets go of its lease first.

Only stores that can keep a lock in their commit take part (``SessionStore.leases``:
the Redis scripts). ``SESSION_LEASE = 0`` turns leases off.
"""

from __future__ import annotations

import time

from .holding import new_owner

# Of the lease's time in the store, the share this worker counts on: the rest covers
# the commit's way to Redis (the lease runs from when Redis ran it, later than it was
# sent) and a pause of this process between the check and the event's first step.
TRUSTED_SHARE = 0.5


class Lease:
    """One page's lease: the lock's owner, and until when (monotonic) it may be used."""

    __slots__ = ("seconds", "owner", "session_id", "until", "in_use", "ending")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        # One owner for the page's whole life: a take finding the lock still held by this
        # owner (a lease past the share counted on, not yet expired in the store) gets it.
        self.owner = new_owner()
        self.session_id = ""  # the session whose lock the last commit kept
        self.until = 0.0  # 0: no lease kept by the last commit (or let go of since)
        self.in_use = False  # a transaction runs on it (another one takes the lock as usual)
        self.ending = False  # the page is gone: the next commit lets go

    def usable(self, session_id: str) -> bool:
        """Whether a transaction of ``session_id`` may start on the lease now, without a take."""
        return (
            not self.in_use
            and not self.ending
            and session_id == self.session_id
            and time.monotonic() < self.until
        )

    def kept(self, session_id: str, sent: float) -> None:
        """The commit sent at ``sent`` (monotonic) kept the lock for ``seconds`` more."""
        self.session_id = session_id
        self.until = sent + self.seconds * TRUSTED_SHARE

    def lost(self) -> None:
        """The lock was let go of, or may be another's: the next transaction takes it."""
        self.until = 0.0

    def held(self) -> bool:
        """Whether the lock may still be this page's in the store (worth letting go of)."""
        return self.until > 0.0

    @property
    def first_renewal(self) -> float:
        """Seconds into a transaction started on the lease before its lock must be renewed:
        the lock has at least ``seconds * (1 - TRUSTED_SHARE)`` left in the store."""
        return self.seconds * (1 - TRUSTED_SHARE) / 2
