"""``Session``: one page view's values, as a worker holds them, and what it changed since its last save.

A session is one page view. Its id is issued by the server and never chosen by
the browser. While a worker serves it, the values live in ``Session.values``;
only ``Session``'s own methods mark what changed (``dirty``), so the store
writes exactly that (one key per component: a big State that did not change is
not rewritten).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ..components.state import State
from ..empty import EMPTY
from ..state import serializers
from . import ran as ran_seqs

if TYPE_CHECKING:
    from ..app.blocks import Blocks
    from ..engine.request import Request

STORE_VERSION = 1


# Shared by every session until it first writes one of these: most idle sessions never do,
# and an empty set or dict apiece adds up over thousands of pages (docs/performance.md).
NO_IDS: frozenset[int] = frozenset()
NOTHING: Mapping[Any, Any] = EMPTY


def _nothing() -> Mapping[Any, Any]:
    return NOTHING  # a default_factory: dataclasses refuse a mapping as a plain default


def new_session_id() -> str:
    """Return a fresh session id: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


class Unsaved(NamedTuple):
    """What a session has changed since its last save (to put back after a failed step).

    A tuple: one is taken on every step, most of them of a session with nothing unsaved.
    """

    dirty: frozenset[int]
    meta: bool
    written: Mapping[int, float | None]


# ``Session.unsaved`` of a session with no changed value and no time_to_live record, by ``meta``.
_CLEAN = (Unsaved(NO_IDS, False, NOTHING), Unsaved(NO_IDS, True, NOTHING))


@dataclass(eq=False, slots=True)
class Session:
    """One page view's values, held in memory by the worker serving it.

    Only its methods change ``dirty`` and ``meta_dirty``, the record of what the
    next save must write (and ``ran``, the last events run); likewise ``pickled``,
    ``props``, ``written``, ``globals_seen`` and ``regions``, which share an empty
    read-only mapping until their first entry (``_own``).
    """

    id: str
    app: str
    values: dict[int, Any]
    # Each State's stored form, and the properties changed from the layout's, by component.
    pickled: Mapping[int, bytes] = field(default_factory=_nothing)
    props: Mapping[int, dict[str, Any]] = field(default_factory=_nothing)
    user_id: str | None = None
    created: float = field(default_factory=time.time)
    # One more at every resume; a resume token carries the epoch it was issued at.
    epoch: int = 1
    # The oldest epoch whose resume token is still accepted: the newest one the page has
    # proven it holds (tokens issued since may have been lost with their connection).
    proven_epoch: int = 1
    ended: bool = False
    # Which of the page's last events ran, and how (``ran.py``: three ints).
    ran: ran_seqs.Ran = ran_seqs.NONE
    ran_dirty: bool = False
    # The store's version of this session when it was last read or written (the fencing number).
    version: int = 0
    # BrowserState tokens the page sent that did not verify.
    rejected_tokens: int = 0
    # When each State with a time_to_live was last written (None: expired, holds its default).
    written: Mapping[int, float | None] = field(default_factory=_nothing)
    # The newest version of each GlobalState key whose change listeners ran for this session.
    globals_seen: Mapping[str, int] = field(default_factory=_nothing)
    dirty: set[int] | frozenset[int] = NO_IDS
    meta_dirty: bool = True
    request: Request | None = None
    # The ``@gr.render`` regions this worker built for the session, by index (never stored:
    # rebuilt from their records, see ``engine/regions.py``).
    regions: Mapping[int, Any] = field(default_factory=_nothing, repr=False)

    @classmethod
    def new(cls, blocks: Blocks, user_id: str | None = None) -> Session:
        """Start a session with each component's initial value (State defaults deep-copied)."""
        session = cls(id=new_session_id(), app=blocks.name or "", values={}, user_id=user_id)
        for component in blocks.components.values():
            if component.shared:
                continue  # a GlobalState belongs to no session
            if isinstance(component, State):
                value, pickled = component.initial()
                session.values[component.id] = value
                session._own("pickled")[component.id] = pickled
            else:
                session.values[component.id] = component.initial_value()
            if callable(component.value):
                session._mark(component.id)  # per-session values must reach the store
        return session

    @classmethod
    def from_stored(
        cls,
        blocks: Blocks,
        session_id: str,
        meta: Any,
        stored: dict[int, Any],
        ran: Any,
        version: Any,
    ) -> Session | None:
        """Rebuild a session from what a store read, or None if it is not one of this app's.

        ``stored`` maps component ids to what was found for them (absent: never saved).
        """
        if not meta or meta.get("v") != STORE_VERSION or meta.get("app") != blocks.name:
            return None
        session = cls(
            id=session_id,
            app=blocks.name or "",
            values={},
            user_id=meta.get("user"),
            created=meta.get("created", time.time()),
            epoch=meta.get("epoch", 1),
            proven_epoch=meta.get("proven_epoch", 1),
            ended=bool(meta.get("ended")),
            ran=ran_seqs.from_stored(ran),
            props={int(k): v for k, v in meta["props"].items()} if meta.get("props") else NOTHING,
            written=dict(meta["written"]) if meta.get("written") else NOTHING,
            rejected_tokens=int(meta.get("rejected_tokens", 0)),
            globals_seen=dict(meta["globals"]) if meta.get("globals") else NOTHING,
            meta_dirty=False,
            version=int(version or 0),
        )
        for component_id, component in blocks.components.items():
            if component.shared:
                continue
            value = stored.get(component_id)
            if isinstance(component, State):
                if isinstance(value, bytes):
                    session.values[component_id] = serializers.loads(value)
                else:
                    session.values[component_id], value = component.initial()
                session._own("pickled")[component_id] = value
            elif component_id in stored:
                session.values[component_id] = value
            else:
                session.values[component_id] = component.initial_value()
        return session

    def meta(self) -> dict[str, Any]:
        return {
            "v": STORE_VERSION,
            "app": self.app,
            "user": self.user_id,
            "created": self.created,
            "epoch": self.epoch,
            "proven_epoch": self.proven_epoch,
            "ended": self.ended,
            "props": self.props or {},
            "written": self.written or {},
            "rejected_tokens": self.rejected_tokens,
            "globals": self.globals_seen or {},
        }

    # -- changes, each noted for the next save -----------------------------------------------

    def _mark(self, component_id: int) -> None:
        if not self.dirty:
            self.dirty = set()
        self.dirty.add(component_id)  # type: ignore[union-attr]

    def _own(self, name: str) -> dict[Any, Any]:
        """The session's own dict in field ``name``, made on the first write (shared until then)."""
        found = getattr(self, name)
        if found is NOTHING:
            found = {}
            setattr(self, name, found)
        return found  # type: ignore[no-any-return]

    def set_value(self, component_id: int, value: Any) -> bool:
        """Give a (non-State) component a value; return whether it changed."""
        changed = self.values.get(component_id) != value
        self.values[component_id] = value
        if changed:
            self._mark(component_id)
        return changed

    def set_props(self, component_id: int, props: dict[str, Any]) -> None:
        """Change some of a component's properties (label, choices, visible...)."""
        self._own("props").setdefault(component_id, {}).update(props)
        self.meta_dirty = True

    def replace_props(self, component_id: int, props: dict[str, Any] | None) -> None:
        """Put a component's changed properties back as they were (None: none changed)."""
        if props is not None:
            self._own("props")[component_id] = props
        elif component_id in self.props:
            del self._own("props")[component_id]

    def restore_state(self, component_id: int, pickled: bytes) -> None:
        """Put a State back to a stored form it had (read back, undoing changes in place)."""
        self.values[component_id] = serializers.loads(pickled)
        self._own("pickled")[component_id] = pickled

    def attach_region(self, index: int, region: Any) -> None:
        """Keep the ``@gr.render`` region ``index`` as this worker built it for the session."""
        self._own("regions")[index] = region

    def forget_region(self, index: int) -> None:
        """Drop the region ``index`` this worker built (rebuilt from its record when next used)."""
        if index in self.regions:
            del self._own("regions")[index]

    def set_state(
        self, component_id: int, value: Any, pickled: bytes, written: float | None = None
    ) -> None:
        """Keep a State's new value and its stored form; ``written``: when, for a time_to_live."""
        self.values[component_id] = value
        self.state_changed(component_id, pickled, written)

    def state_changed(
        self, component_id: int, pickled: bytes, written: float | None = None
    ) -> None:
        """A State's value (already in ``values``) changed: keep its new stored form."""
        self._own("pickled")[component_id] = pickled
        self._mark(component_id)
        if written is not None:
            self._own("written")[component_id] = written
            self.meta_dirty = True

    def reset_state(self, state: State) -> bool:
        """Put a State back to its default; return whether its value changed."""
        value, pickled = state.initial()
        changed = self.pickled.get(state.id) != pickled
        self.values[state.id] = value
        self._own("pickled")[state.id] = pickled
        self._mark(state.id)
        if state.time_to_live:
            self._own("written")[state.id] = None  # holds its default: nothing to expire
            self.meta_dirty = True
        return changed

    def reject_token(self) -> None:
        """Count a BrowserState token the page sent that did not verify."""
        self.rejected_tokens += 1
        self.meta_dirty = True

    def saw_global(self, key: str, version: int) -> bool:
        """Note that this session is up to date with version ``version`` of the GlobalState
        ``key``; return False if it was already (its listeners must not run again)."""
        if version <= self.globals_seen.get(key, 0):
            return False
        self._own("globals_seen")[key] = version
        self.meta_dirty = True
        return True

    def note_ran(self, seq: int, ok: bool) -> None:
        """Remember that event ``seq`` ran (saved with what it changed)."""
        self.ran = ran_seqs.noted(self.ran, seq, ok)
        self.ran_dirty = True

    def ran_before(self, seq: int) -> bool | None:
        """Whether event ``seq`` went well when it ran, or None if it has not run."""
        return ran_seqs.outcome(self.ran, seq)

    def resumed_with(self, epoch: int) -> None:
        """A page resumed with the token of ``epoch``: older tokens are void, a new epoch begins."""
        self.proven_epoch = epoch
        self.epoch += 1
        self.meta_dirty = True

    def prove_token(self) -> None:
        """The page holds this epoch's token: the older ones are refused from now on."""
        if self.proven_epoch < self.epoch:
            self.proven_epoch = self.epoch
            self.meta_dirty = True

    def end(self) -> None:
        """Mark the session ended (it can no longer be resumed)."""
        self.ended = True
        self.meta_dirty = True

    def unsaved(self) -> Unsaved:
        """What the next save would write, as of now (for ``restore_unsaved``)."""
        dirty, written = self.dirty, self.written
        if not dirty and written is NOTHING:
            return _CLEAN[self.meta_dirty]
        return Unsaved(
            frozenset(dirty) if dirty else NO_IDS,
            self.meta_dirty,
            dict(written) if written is not NOTHING else NOTHING,
        )

    def restore_unsaved(self, unsaved: Unsaved) -> None:
        """Forget changes noted since ``unsaved`` was taken (a failed step's)."""
        self.dirty = set(unsaved.dirty) if unsaved.dirty else NO_IDS
        self.meta_dirty = unsaved.meta
        self.written = dict(unsaved.written) if unsaved.written else NOTHING

    def saved(self, version: int) -> None:
        """Everything noted is in the store now, at ``version``."""
        self.version = version
        self.dirty = NO_IDS
        self.meta_dirty = self.ran_dirty = False

    def state_size(self) -> int:
        """Bytes of this session's States, pickled: what ``MAX_STATE_BYTES`` limits.

        Other components' values are not counted: the store measures what it keeps of a
        whole session (``SessionStore.stored_sizes``).
        """
        return sum(len(data) for data in self.pickled.values())
