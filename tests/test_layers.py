"""blocksstate's in-memory channel layer: Channels' behaviour, with the clean-up throttled."""

from __future__ import annotations

import asyncio

import channels.layers
import pytest

import blocksstate.layers
from blocksstate.layers import InMemoryChannelLayer


async def test_messages_reach_a_channel_and_a_group():
    layer = InMemoryChannelLayer()
    first, second = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("page", first)
    await layer.group_add("page", second)

    await layer.send(first, {"type": "hello", "n": 1})
    assert await layer.receive(first) == {"type": "hello", "n": 1}

    await layer.group_send("page", {"type": "all"})
    assert await layer.receive(first) == {"type": "all"}
    assert await layer.receive(second) == {"type": "all"}

    await layer.group_discard("page", second)
    await layer.group_send("page", {"type": "only first"})
    assert await layer.receive(first) == {"type": "only first"}
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(layer.receive(second), 0.05)


class Clock:
    """Time for both layers' clocks (Channels' ``time.time``, ours ``time.monotonic``), moved by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def test_expired_messages_are_dropped_once_the_clean_up_is_due(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(channels.layers, "time", clock)
    monkeypatch.setattr(blocksstate.layers, "time", clock)
    layer = InMemoryChannelLayer(expiry=0.01, clean_every=0.2)
    gone, live = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("page", gone)
    await layer.send(gone, {"type": "never read"})
    clock.advance(0.05)  # the message has expired

    await layer.group_send("page", {"type": "first"})  # the clean-up runs: not yet due before
    assert gone not in layer.members("page")  # a channel with an expired message leaves
    assert gone not in layer.channels

    await layer.group_add("page", live)
    await layer.send(live, {"type": "stale"})
    clock.advance(0.05)
    await layer.group_send("page", {"type": "second"})  # within clean_every: no clean-up yet
    assert live in layer.members("page")
    clock.advance(0.2)
    await layer.group_send("page", {"type": "third"})
    assert live not in layer.members("page")


async def test_groups_of_one_and_of_many_members_join_leave_and_expire(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(blocksstate.layers, "time", clock)
    layer = InMemoryChannelLayer(group_expiry=100)
    first, second = await layer.new_channel(), await layer.new_channel()

    await layer.group_add("solo", first)
    await layer.group_add("solo", first)  # joining twice is one member
    assert layer.members("solo") == [first]
    await layer.group_add("solo", second)
    assert sorted(layer.members("solo")) == sorted([first, second])
    await layer.group_discard("solo", first)
    await layer.group_discard("solo", first)  # leaving twice changes nothing
    assert layer.members("solo") == [second]
    await layer.group_discard("solo", "specific.inmemory!other")  # not a member
    await layer.group_discard("solo", second)
    assert layer.members("solo") == [] and "solo" not in layer.groups

    await layer.group_add("old", first)
    await layer.group_add("both", first)
    clock.advance(60)
    await layer.group_add("both", second)
    clock.advance(60)  # first joined 120 s ago, past group_expiry; second 60 s ago
    await layer.group_send("both", {"type": "after"})
    assert layer.members("old") == [] and layer.members("both") == [second]
    assert await layer.receive(second) == {"type": "after"}


async def test_a_group_of_one_is_lighter_than_channels_own(monkeypatch):
    import tracemalloc

    ours, theirs = InMemoryChannelLayer(), channels.layers.InMemoryChannelLayer()
    names = [(f"session.{i:06d}", f"specific.inmemory!{i:012d}") for i in range(2_000)]
    sizes = []
    for layer in (ours, theirs):
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for group, channel in names:
            await layer.group_add(group, channel)
        sizes.append((tracemalloc.get_traced_memory()[0] - before) / len(names))
        tracemalloc.stop()
    assert sizes[0] < sizes[1] - 100, sizes  # bytes per one-member group
