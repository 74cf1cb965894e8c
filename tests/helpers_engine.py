"""Running events through the engine directly: no socket, a list instead of a page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from blocksstate.app.blocks import Blocks
from blocksstate.app.events import Dependency
from blocksstate.components.base import Component
from blocksstate.engine.outcome import Outcome
from blocksstate.engine.runner import Engine
from blocksstate.sessions.session import Session


class EngineRun:
    """The frames one event sent, and the engine's ``Outcome`` of it."""

    def __init__(self, outcome: Outcome, frames: list[dict[str, Any]]) -> None:
        self.outcome = outcome
        self.ok = outcome.ok
        self.frames = frames

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.frames if f["type"] == kind]

    @property
    def alerts(self) -> list[dict[str, Any]]:
        return self.of_type("alert")

    @property
    def updates(self) -> dict[int, dict[str, Any]]:
        merged: dict[int, dict[str, Any]] = {}
        for frame in self.of_type("update"):
            for key, props in frame["updates"].items():
                merged.setdefault(int(key), {}).update(props)
        return merged


class Harness:
    """An engine for one Blocks, with helpers to start sessions and fire events."""

    def __init__(self, blocks: Blocks) -> None:
        self.blocks = blocks
        self.engine = Engine(blocks)

    def session(self) -> Session:
        return Session.new(self.blocks)

    async def run(
        self,
        session: Session,
        dependency: Dependency | int,
        values: Mapping[Component, Any] | None = None,
    ) -> EngineRun:
        frames: list[dict[str, Any]] = []

        async def send(frame: dict[str, Any]) -> None:
            frames.append(frame)

        dep_id = dependency.id if isinstance(dependency, Dependency) else dependency
        wire = {str(component.id): value for component, value in (values or {}).items()}
        outcome = await self.engine.run_event(session, dep_id, wire, 1, send)
        return EngineRun(outcome, frames)

    async def load(self, session: Session) -> EngineRun:
        frames: list[dict[str, Any]] = []

        async def send(frame: dict[str, Any]) -> None:
            frames.append(frame)

        outcome = await self.engine.run_load(session, send)
        return EngineRun(outcome, frames)
