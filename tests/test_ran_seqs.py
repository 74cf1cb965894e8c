"""The record of which events a session ran (``sessions/ran.py``): an event re-sent after a
resume is answered from it and not run again, for the last 64 seqs, also after a reload
from the store, and from the dict form older versions stored."""

from __future__ import annotations

import pytest

from blocksstate.app.registry import get_app
from blocksstate.sessions import ran as ran_seqs
from blocksstate.sessions.session import Session


def _noted(*events: tuple[int, bool]) -> ran_seqs.Ran:
    ran = ran_seqs.NONE
    for seq, ok in events:
        ran = ran_seqs.noted(ran, seq, ok)
    return ran


def test_each_event_is_remembered_with_how_it_went():
    ran = _noted((1, True), (2, False), (4, True))

    assert [ran_seqs.outcome(ran, seq) for seq in range(6)] == [None, True, False, None, True, None]


def test_the_last_64_seqs_are_kept_and_older_ones_forgotten():
    ran = _noted(*((seq, seq % 3 != 0) for seq in range(1, 101)))

    assert ran_seqs.outcome(ran, 36) is None  # 100 - 64: out of the window
    assert [ran_seqs.outcome(ran, seq) for seq in (37, 39, 99, 100)] == [True, False, False, True]


def test_an_event_noted_again_takes_its_new_outcome_and_an_old_one_changes_nothing():
    ran = _noted((200, True), (150, True), (150, False))

    assert ran_seqs.outcome(ran, 150) is False
    assert ran_seqs.noted(ran, 100, True) == ran  # older than the window


def test_a_jump_past_the_window_forgets_everything_before_it():
    ran = _noted((1, True), (2, True), (500, False))

    assert [ran_seqs.outcome(ran, seq) for seq in (1, 2, 500)] == [None, None, False]


@pytest.mark.parametrize(
    "stored, expected",
    [
        (None, {1: None}),
        ({}, {1: None}),
        ({5: True, 6: False, 3: True}, {3: True, 4: None, 5: True, 6: False}),
    ],
)
def test_what_older_versions_stored_is_read(stored, expected):
    ran = ran_seqs.from_stored(stored)

    assert {seq: ran_seqs.outcome(ran, seq) for seq in expected} == expected


async def test_a_session_reloaded_from_the_store_remembers_what_ran(store):
    demo = get_app("custom-class")
    session = Session.new(demo)
    session.note_ran(7, True)
    session.note_ran(8, False)
    await store.save(session, 60)

    loaded = await store.load(demo, session.id)

    assert loaded is not None
    assert [loaded.ran_before(seq) for seq in (6, 7, 8)] == [None, True, False]
