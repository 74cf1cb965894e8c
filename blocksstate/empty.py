"""``EMPTY``: one read-only empty mapping, shared where each page's own would cost memory.

An idle page keeps its session and its request for as long as it is open, and most of
their mappings stay empty (properties changed, events run, the query string...). They
share this one until they first hold something (docs/performance.md, "Issue 20, item 5").
It cannot be written, and pickles and copies as an empty ``dict``.

It is a ``dict`` that refuses every change, rather than a ``Mapping`` of its own: most
look-ups on the event path find one of these, and a ``dict``'s ``get``, ``in``, ``len``
and truth are C calls, where a ``Mapping``'s ``get`` raises and catches a KeyError.
"""

from __future__ import annotations

from typing import Any, NoReturn


class EmptyMapping(dict[Any, Any]):
    """A mapping with nothing in it, which nothing can be put in."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("this empty mapping is shared and read-only: make a dict of your own")

    __setitem__ = __delitem__ = __ior__ = _refuse
    setdefault = update = pop = popitem = clear = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[()]]:
        return (dict, ())

    def __copy__(self) -> dict[Any, Any]:
        return {}

    def __deepcopy__(self, memo: Any) -> dict[Any, Any]:
        return {}

    def __repr__(self) -> str:
        return "{}"


EMPTY: dict[Any, Any] = EmptyMapping()
