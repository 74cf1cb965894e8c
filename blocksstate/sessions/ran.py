"""Which of a page's recent events ran, and whether each went well (``Session.ran``).

A page numbers its events (``seq``) and re-sends the ones not yet answered after it
resumes; the session remembers the last ``KEPT`` seqs so that none runs twice. It is
saved with every event, so it is kept small: three ints, ``(newest, ran, ok)``, where
bit ``i`` of ``ran`` says seq ``newest - i`` ran and the same bit of ``ok`` that it went
well. Pickled, that is a quarter of the time of the dict of 64 seqs it replaces, which
is still read from sessions stored before (``from_stored``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KEPT = 64
_MASK = (1 << KEPT) - 1

Ran = tuple[int, int, int]
NONE: Ran = (0, 0, 0)


def outcome(ran: Ran, seq: int) -> bool | None:
    """Whether event ``seq`` went well, or None if it did not run (or is too old to say)."""
    newest, seen, ok = ran
    offset = newest - seq
    if not 0 <= offset < KEPT or not seen >> offset & 1:
        return None
    return bool(ok >> offset & 1)


def noted(ran: Ran, seq: int, went_well: bool) -> Ran:
    """``ran`` with event ``seq`` noted as run (the oldest seqs dropped past ``KEPT``)."""
    newest, seen, ok = ran
    if seq > newest:
        shift = seq - newest
        seen, ok, newest = (seen << shift) & _MASK, (ok << shift) & _MASK, seq
    offset = newest - seq
    if offset >= KEPT:
        return ran  # older than every seq kept: a re-sent event this old is not expected
    bit = 1 << offset
    return (newest, seen | bit, ok | bit if went_well else ok & ~bit)


def from_stored(stored: Any) -> Ran:
    """The record as a store returned it: the three ints, the dict of seqs older versions
    stored, or nothing."""
    if not stored:
        return NONE
    if isinstance(stored, Mapping):
        ran = NONE
        for seq, went_well in sorted(stored.items()):
            ran = noted(ran, int(seq), bool(went_well))
        return ran
    newest, seen, ok = stored
    return (int(newest), int(seen), int(ok))
