"""Template tags: ``{% blocks_assets %}``, ``{% blocks "name" %}`` and ``{% global_state "key" %}``."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..app import access
from ..app.blocks import Blocks
from ..app.registry import AppNotFound, access_rule, get_app, registered
from ..components.global_state import GlobalStateError, declared
from ..rendering import render_app
from ..rendering.page import app_classes, head_markup, theme_style

register = template.Library()

STYLESHEET = "blocksstate/blocksstate.css"
CLIENT = "blocksstate/client.js"
STATIC_ROOT = Path(__file__).resolve().parent.parent / "static"
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;]*?\bfrom\s+["']\./([\w.-]+\.js)["']""", re.M)


@functools.cache
def modules() -> tuple[str, ...]:
    """Every module client.js imports, directly or not: preloaded so the browser fetches
    them in parallel instead of one level of imports at a time."""
    found: list[str] = []
    pending = [CLIENT]
    while pending:
        text = (STATIC_ROOT / pending.pop()).read_text(encoding="utf-8")
        for name in IMPORT.findall(text):
            path = f"blocksstate/{name}"
            if path not in found and path != CLIENT:
                found.append(path)
                pending.append(path)
    return tuple(found)


class UnknownApp(template.TemplateSyntaxError):
    """``{% blocks %}`` names an app that is not registered."""


def csp_nonce(context: template.Context) -> str | None:
    """Return the request's Content-Security-Policy nonce, if the project uses one.

    Looks at django-csp's ``request.csp_nonce``, Django 6's built-in nonce, and
    a ``csp_nonce`` context variable (Django 6's ``csp`` context processor).
    Django's nonce is lazy and false until read: reading it here is what puts
    it in the response's header, so it is read, never tested for truth.
    """
    request = context.get("request")
    candidates = (
        getattr(request, "csp_nonce", None),
        _django_nonce(request),
        context.get("csp_nonce"),
    )
    for nonce in candidates:
        if nonce is not None and str(nonce):
            return str(nonce)
    return None


def _django_nonce(request: Any) -> Any:
    if request is None:
        return None
    try:
        from django.middleware.csp import get_nonce  # Django >= 6.0
    except ImportError:
        return None
    return get_nonce(request)


def _page_memory(context: template.Context) -> dict[str, Any]:
    """Return a dict that lives as long as the page's rendering (on the request, if any)."""
    holder: Any = context.get("request") or context
    memory = getattr(holder, "_blocksstate_page", None)
    if memory is None:
        memory = {"instances": {}, "assets": False}
        holder._blocksstate_page = memory
    return memory


def _resolve(app: str | Blocks) -> tuple[Blocks, str]:
    if isinstance(app, Blocks):
        if not app.name:
            raise UnknownApp(
                f"{{% blocks %}} got {app!r}, which is not registered: "
                "call blocksstate.register(name, app) first"
            )
        return app, app.name
    try:
        return get_app(app), app
    except AppNotFound:
        names = ", ".join(repr(name) for name in sorted(registered())) or "none"
        raise UnknownApp(
            f"{{% blocks {app!r} %}}: no app is registered under that name "
            f"(registered apps: {names}). Register it with blocksstate.register(name, demo), "
            "or in a blocks.py module of an installed app."
        ) from None


@register.simple_tag(takes_context=True)
def blocks(context: template.Context, app: str | Blocks) -> SafeString:
    """Render a registered app with its initial values; the client takes it over once connected.

    A user the app's access rule refuses gets the refusal instead (``blocksstate/refused.html``):
    neither its components nor its page config.
    """
    blocks_obj, name = _resolve(app)
    request = context.get("request")
    decision = access.decide_for_request(request, name, access_rule(name))
    if not decision.allowed:
        return render_to_string(
            "blocksstate/refused.html",
            {
                "app": name,
                "reason": decision.reason,
                "login_url": access.login_url(request) if decision.sign_in else None,
            },
        )
    memory = _page_memory(context)
    instances = memory["instances"]
    instances[name] = instances.get(name, 0) + 1
    # A page that forgot {% blocks_assets %} still works: the first app brings them.
    assets = mark_safe("") if memory["assets"] else blocks_assets(context)
    markup = render_app(
        blocks_obj,
        name,
        instance=instances[name],
        request=request,
        nonce=csp_nonce(context),
    )
    return format_html("{}{}", assets, markup)


@register.simple_tag(takes_context=True)
def blocks_assets(context: template.Context) -> SafeString:
    """Add the stylesheet and the client script (once per page, with the CSP nonce if any)."""
    memory = _page_memory(context)
    if memory["assets"]:
        return mark_safe("")
    memory["assets"] = True
    nonce = csp_nonce(context)
    nonce_attr = format_html(' nonce="{}"', nonce) if nonce else mark_safe("")
    preloads = format_html_join(
        "\n",
        '<link rel="modulepreload" href="{}"{}>',
        ((static(path), nonce_attr) for path in modules()),
    )
    return format_html(
        '<link rel="stylesheet" href="{}"{}>\n{}\n<script type="module" src="{}"{}></script>',
        static(STYLESHEET),
        nonce_attr,
        preloads,
        static(CLIENT),
        nonce_attr,
    )


@register.simple_tag(takes_context=True)
def blocks_head(context: template.Context, app: str | Blocks) -> SafeString:
    """Put an app's ``head`` (with the CSP nonce) and its theme for a ``bs-page`` body in ``<head>``."""
    blocks_obj, _ = _resolve(app)
    nonce = csp_nonce(context)
    return format_html(
        "{}\n{}", theme_style(blocks_obj, "body.bs-page", nonce), head_markup(blocks_obj, nonce)
    )


@register.simple_tag
def blocks_title(app: str | Blocks) -> str:
    """Return an app's title (``Blocks(title=)`` or ``launch(title=)``), for a page's ``<title>``."""
    return _resolve(app)[0].title


@register.simple_tag(takes_context=True)
def blocks_page_classes(context: template.Context, app: str | Blocks) -> str:
    """Return the classes an app's page options give the page: ``dark``/``light``, ``bs-fill-*``."""
    return " ".join(app_classes(_resolve(app)[0], context.get("request")))


class UnknownGlobalState(template.TemplateSyntaxError):
    """``{% global_state %}`` names a key no GlobalState of this process is declared with."""


@register.simple_tag
def global_state(key: str) -> Any:
    """The current value of the GlobalState ``key``, in any template (escaped as any value).

    ``{% global_state "announcement" %}``, or ``{% global_state "announcement" as text %}``.
    It is the value when the page was rendered; a Blocks app's ``.change`` listener shows
    later changes live.
    """
    try:
        state = declared(key)
    except GlobalStateError as exc:
        raise UnknownGlobalState(str(exc)) from None
    return state.get()
