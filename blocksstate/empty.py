"""``EMPTY``: one read-only empty mapping, shared where each page's own would cost memory.

An idle page keeps its session and its request for as long as it is open, and most of
their mappings stay empty (properties changed, events run, the query string...). They
share this one until they first hold something (docs/performance.md, "Issue 20, item 5").
It cannot be written, and pickles and copies as an empty ``dict``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


class EmptyMapping(Mapping[Any, Any]):
    """A mapping with nothing in it, which nothing can be put in."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __reduce__(self) -> tuple[type, tuple[()]]:
        return (dict, ())

    def __repr__(self) -> str:
        return "{}"


EMPTY: Mapping[Any, Any] = EmptyMapping()
