"""``Reply``: the frames a ``PageClient`` got for one event, read as a test reads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Frame = dict[str, Any]


@dataclass
class Reply:
    """The frames answering one event, up to its ``done``, ``failed`` or ``error``."""

    frames: list[Frame] = field(default_factory=list)

    @property
    def last(self) -> Frame:
        return self.frames[-1]

    @property
    def status(self) -> str:
        """``done``, ``failed`` or ``error``."""
        return self.last["type"]

    @property
    def error(self) -> Frame | None:
        return self.last if self.status == "error" else None

    @property
    def update_frames(self) -> list[Frame]:
        return [f for f in self.frames if f["type"] == "update"]

    @property
    def alerts(self) -> list[Frame]:
        """The ``gr.Info``/``gr.Warning``/``gr.Error`` the visitor was shown."""
        return [f for f in self.frames if f["type"] == "alert"]

    @property
    def updates(self) -> dict[int, dict[str, Any]]:
        """Every update of this event merged, by component id: what changed on the page."""
        merged: dict[int, dict[str, Any]] = {}
        for frame in self.update_frames:
            for key, props in frame["updates"].items():
                merged.setdefault(int(key), {}).update(props)
        return merged

    def types(self) -> list[str]:
        return [f["type"] for f in self.frames]
