"""How a State value becomes the bytes kept in the shared cache, and back.

Each State picks one when declared: ``gr.State(value, serializer="marshal")``.

- ``"pickle"`` (the default) stores any picklable value exactly.
- ``"marshal"`` stores plain data (None, bool, int, float, complex, str, bytes, and
  tuples, lists, dicts, sets and frozensets of them) two to three times faster,
  shared and recursive references included. A value marshal cannot store (a class
  instance, a subclass such as ``OrderedDict``, an enum member, a datetime) is
  pickled instead, so it still comes back exactly. One difference it cannot see:
  other objects that expose a buffer (``bytearray``, ``memoryview``,
  ``array.array``, NumPy arrays) come back as ``bytes``.

Both compare values by their bytes, for ``.change``. Marshal's bytes also depend
on whether an object inside the value is referenced from elsewhere (another
output showing one item, say), which changes a flag but never the length; so two
marshal forms of the same length that differ are compared by value (``==``),
which costs one read of the old form.

Stored bytes say which one wrote them, so a State can change serializer between
deploys and read what the other wrote. See docs/state.md.
"""

from __future__ import annotations

import marshal
import pickle
from typing import Any

PICKLE = "pickle"
MARSHAL = "marshal"
SERIALIZERS = (PICKLE, MARSHAL)

# Pickle's output (protocol 2 and later) starts with its PROTO opcode, b"\x80".
_MARSHAL_TAG = b"M"
# Version 4: references, so shared and recursive containers survive. Unchanged since Python 3.4.
_MARSHAL_VERSION = 4


def check(serializer: str) -> str:
    """Return ``serializer`` if it names one, else raise ValueError listing them."""
    if serializer not in SERIALIZERS:
        raise ValueError(
            f"serializer must be one of {', '.join(map(repr, SERIALIZERS))}, not {serializer!r}"
        )
    return serializer


def dumps(value: Any, serializer: str = PICKLE) -> bytes:
    """Serialize ``value``; raise what pickle raises for a value it cannot store."""
    if serializer == MARSHAL:
        try:
            return _MARSHAL_TAG + marshal.dumps(value, _MARSHAL_VERSION)
        except ValueError:  # not plain data, or nested too deep for marshal: pickle stores it
            pass
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> Any:
    """Read back what ``dumps`` wrote, with whichever serializer wrote it."""
    if data[:1] == _MARSHAL_TAG:
        return marshal.loads(memoryview(data)[1:])
    return pickle.loads(data)


def changed(before: bytes | None, after: bytes, value: Any) -> bool:
    """Whether ``value``, serialized as ``after``, differs from what ``before`` holds."""
    if before == after:
        return False
    if (
        before is None
        or len(before) != len(after)
        or before[:1] != _MARSHAL_TAG
        or after[:1] != _MARSHAL_TAG
    ):
        return True
    # Same length: marshal may only have flagged an object that something outside holds too.
    return bool(loads(before) != value)
