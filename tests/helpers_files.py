"""Helpers of the file tests: a test-only file component, a media folder per test, pages with a pass."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.test import AsyncClient
from django.urls import reverse

import blocksstate as gr
from blocksstate.components.base import Component
from blocksstate.components.schema import InvalidValue
from blocksstate.files import access
from blocksstate.testing import PageClient

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
PASS_A = secrets.token_urlsafe(32)
PASS_B = secrets.token_urlsafe(32)


class FileBox(Component):
    """A file input as the contract describes one (the real components are built elsewhere)."""

    type_name = "FileBox"
    accepts_upload = True

    def __init__(
        self,
        value: Any = None,
        *,
        file_types: list[str] | None = None,
        file_count: str = "single",
        max_file_size: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        self.file_types = file_types
        self.file_count = file_count
        self.max_file_size = max_file_size
        super().__init__(value, **kwargs)

    def preprocess(self, payload: Any, props: Mapping[str, Any] | None = None) -> Any:
        if payload is None:
            return None
        viewer = access.current_viewer.get()
        if viewer is None or not isinstance(payload, dict):
            raise InvalidValue("not a file")
        try:
            return access.read_ref(payload.get("ref"), viewer.owners)
        except access.RefRefused as exc:
            raise InvalidValue(str(exc)) from None

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        return value

    def page_update(self, value: Any) -> dict[str, Any]:
        return {"value": access.page_record(value)}


def files_app(**box: Any) -> tuple[gr.Blocks, FileBox, gr.Textbox]:
    """An app with one file input whose upload names the file in a textbox."""
    with gr.Blocks() as demo:
        files = FileBox(**box)
        shown = gr.Textbox()
        files.change(lambda rec: rec["orig_name"] if rec else "", files, shown)
    return demo, files, shown


def page(app: str, pass_value: str | None = PASS_A) -> PageClient:
    """A page whose browser holds the pass cookie ``pass_value``."""
    headers = [(b"cookie", f"blocksstate_pass={pass_value}".encode())] if pass_value else []
    return PageClient(app, headers=headers)


def browser(pass_value: str | None = PASS_A) -> AsyncClient:
    """The HTTP side of the same browser."""
    client = AsyncClient()
    if pass_value:
        client.cookies["blocksstate_pass"] = pass_value
    return client


async def upload(
    client: AsyncClient,
    app: str,
    token: str | None,
    component: Any,
    *files: Any,
    **headers: str,
) -> Any:
    """POST files as the page does: the component first, then the files."""
    if token is not None:
        headers["X-Blocksstate-Upload"] = token
    data: dict[str, Any] = {"component": str(getattr(component, "id", component))}
    data["files"] = list(files)
    return await client.post(reverse("blocksstate:upload", args=[app]), data, headers=headers)


def stored_names(root: Path) -> list[str]:
    """Every file under a media folder, relative to it."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
