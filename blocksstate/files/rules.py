"""What an upload may hold: the component it is for, its limits and types; the refusals.

One place decides what the multipart endpoint and the chunk endpoint share (``upload.py``,
``chunks.py``): the component, the size and count limits, the sniffed type.
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext

from . import limits, sniff


class Refused(Exception):
    """An upload refused: its HTTP status and a sentence for the visitor."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def refusal(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


class Rules:
    """What one component takes: the size and count limits and the file types."""

    def __init__(self, component: Any, blocks: Any) -> None:
        self.component = component
        self.max_size = limits.max_file_size(component, blocks)
        self.max_count = limits.max_file_count(component)
        types = getattr(component, "file_types", None)
        self.file_types: list[str] | None = list(types) if types is not None else None

    def check_count(self, count: int) -> None:
        """Refuse (413) a batch of more files than the component takes."""
        if count > self.max_count:
            many = self.max_count
            message = gettext("Too many files: at most %(count)s may be uploaded at once.")
            raise Refused(413, message % {"count": many})

    def check_size(self, file_name: str, size: int) -> None:
        """Refuse (413) a file of ``size`` bytes (so far, or declared) over the limit."""
        if size > self.max_size:
            message = gettext("%(name)s is too large: files may be at most %(size)s.")
            raise Refused(
                413, message % {"name": file_name, "size": limits.describe_size(self.max_size)}
            )

    def check_type(self, file_name: str, head: bytes) -> sniff.Kind:
        """The kind the first bytes of a file sniff as; refused (415) if not one it takes."""
        kind = sniff.sniff(head)
        if not sniff.accepts(kind, file_name, self.file_types):
            wanted = sniff.describe(self.file_types or [])
            message = gettext("%(name)s is not a file this component takes (it takes %(types)s).")
            raise Refused(415, message % {"name": file_name, "types": wanted})
        return kind


def rules_for(blocks: Any, component_id: Any) -> Rules:
    """The rules of the component a page uploads to; 404 for one that takes no upload."""
    try:
        component = blocks.components.get(int(component_id))
    except (TypeError, ValueError):
        component = None
    if component is None or not getattr(component, "accepts_upload", False):
        raise Refused(404, "This upload is for a component that does not take files.")
    return Rules(component, blocks)
