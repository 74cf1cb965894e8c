"""The registered apps' pages: each app's components, its events, and what is wired to what."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from ..activity import describe_block, function_name
from ..app.events import Dependency
from ..app.registry import AppNotFound, access_rule, get_app, registered
from ..components.base import Component
from ..components.state import State
from ..models import LiveSession, RegisteredApp
from .readonly import ReadOnlyModelAdmin


def component_uses(blocks: Any) -> dict[int, dict[str, list[str]]]:
    """For each component id: the functions that read it, write it, and that it triggers."""
    uses: dict[int, dict[str, list[str]]] = {}
    for dependency in blocks.dependencies:
        name = function_name(dependency.fn)
        for component in dependency.inputs:
            uses.setdefault(component.id, {}).setdefault("read by", []).append(name)
        for component in dependency.outputs:
            uses.setdefault(component.id, {}).setdefault("written by", []).append(name)
        for block, event in dependency.triggers:
            if isinstance(block, Component):
                uses.setdefault(block.id, {}).setdefault("triggers", []).append(
                    f"{event} \u2192 {name}"
                )
    return uses


def _schema(component: Any) -> str:
    if isinstance(component, State):
        return "any picklable value (server only)"
    try:
        return json.dumps(component.value_schema().as_dict(), default=str)
    except Exception as exc:
        return f"<{type(exc).__name__}>"


def app_wiring(blocks: Any) -> dict[str, Any]:
    """What an app is made of and what is wired to what, for the admin page."""
    uses = component_uses(blocks)
    components = [
        {
            "id": component_id,
            "type": type(component).__name__,
            "name": describe_block(component),
            "label": getattr(component, "label", None) or "",
            "schema": _schema(component),
            "interactive": component.is_interactive(),
            "uses": uses.get(component_id, {}),
        }
        for component_id, component in blocks.components.items()
    ]
    events = []
    for dependency in blocks.dependencies:
        fn = dependency.fn
        module = getattr(fn, "__module__", "") or ""
        events.append(
            {
                "id": dependency.id,
                "triggers": [
                    f"{event} of event {block.id}"
                    if isinstance(block, Dependency)
                    else f"{event} on {describe_block(block)}"
                    for block, event in dependency.triggers
                ],
                "function": function_name(fn),
                "module": module,
                "inputs": [describe_block(c) for c in dependency.inputs],
                "outputs": [describe_block(c) for c in dependency.outputs],
                "chain": [
                    f"{kind} \u2192 event {step.id} ({function_name(step.fn)})"
                    for kind, step in dependency.chain
                ],
                "trigger_mode": dependency.trigger_mode,
                "from_page": bool(dependency.client_triggers),
            }
        )
    return {"components": components, "events": events}


@admin.register(RegisteredApp)
class RegisteredAppAdmin(ReadOnlyModelAdmin):
    """The apps registered in this process (no table): each one's components and events."""

    def get_urls(self) -> list[Any]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name=f"{prefix}_changelist"),
            path("<str:name>/", view(self.app_view), name=f"{prefix}_app"),
        ]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The wiring holds no personal data: whoever may see sessions may see it.
        return request.user.has_perm("blocksstate.view_registeredapp") or request.user.has_perm(
            "blocksstate.view_livesession"
        )

    def _context(self, request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **extra,
        }

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        live = {}
        for app in LiveSession.objects.filter(closed_at__isnull=True).values_list("app", flat=True):
            live[app] = live.get(app, 0) + 1
        apps = [
            {
                "name": name,
                "title": blocks.title,
                "components": len(blocks.components),
                "events": len(blocks.dependencies),
                "live": live.get(name, 0),
            }
            for name, blocks in sorted(registered().items())
        ]
        context = self._context(request, "Registered apps", apps=apps, **(extra_context or {}))
        return TemplateResponse(
            request, "blocksstate/admin/registeredapp/change_list.html", context
        )

    def app_view(self, request: HttpRequest, name: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            blocks = get_app(name)
        except AppNotFound:
            raise Http404(f"no app is registered as {name!r}") from None
        context = self._context(
            request,
            f"App \u201c{name}\u201d",
            app_name=name,
            blocks=blocks,
            delete_cache=blocks.delete_cache,
            access=access_rule(name).describe(),
            **app_wiring(blocks),
        )
        return TemplateResponse(request, "blocksstate/admin/registeredapp/app.html", context)
