"""``launch()``'s options: which of Gradio's work here, which warn, which are refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..app.page_options import PAGE_OPTIONS, apply_page_options
from ..files.limits import parse_size
from ..warnings import warn_unsupported

if TYPE_CHECKING:
    from ..app.blocks import Blocks

# Gradio 6.31's launch() options that have a meaning here.
WORKS = (
    "server_name",
    "server_port",
    "max_file_size",
    "prevent_thread_lock",
    "quiet",
    "show_error",
    # page options (``app/page_options.py``): they override the Blocks' own, as in Gradio 6
    "theme",
    "css",
    "css_paths",
    "js",
    "head",
    "head_paths",
)
# Refused: running without them would open the app to everyone (use Django's auth instead).
REFUSED = {
    "auth": "protect the page with Django's authentication (login_required on its view)",
    "auth_dependency": "protect the page with Django's authentication (login_required on its view)",
}
# Accepted and warned about when given another value than Gradio's default (shown here).
WARNED: dict[str, Any] = {
    "inline": None, "inbrowser": False, "share": None, "debug": False, "max_threads": 40,
    "auth_message": None, "height": 500, "width": "100%", "favicon_path": None,
    "ssl_keyfile": None, "ssl_certfile": None, "ssl_keyfile_password": None, "ssl_verify": True,
    "footer_links": None, "run_history": None, "allowed_paths": None, "blocked_paths": None,
    "root_path": None, "app_kwargs": None, "state_session_capacity": 10000,
    "share_server_address": None, "share_server_protocol": None,
    "share_server_tls_certificate": None, "enable_monitoring": None, "strict_cors": True,
    "node_server_name": None, "node_port": None, "ssr_mode": None, "pwa": None,
    "mcp_server": None, "num_workers": None, "i18n": None,
}  # fmt: skip

#: Every Gradio launch() option: "works", "warns" or "refuses" (``docs/components.md`` lists them).
LAUNCH_OPTIONS: dict[str, str] = {
    **dict.fromkeys(WORKS, "works"),
    **dict.fromkeys(WARNED, "warns"),
    **dict.fromkeys(REFUSED, "refuses"),
}


def check_launch_options(options: Mapping[str, Any], stacklevel: int = 4) -> None:
    """Refuse the options that cannot be honoured safely; warn once of those that do nothing."""
    for name, how in REFUSED.items():
        if options.get(name) is not None:
            raise ValueError(f"launch({name}=...) is not supported by blocksstate: {how}")
    unknown = sorted(set(options) - set(LAUNCH_OPTIONS))
    if unknown:
        raise TypeError(f"launch() got unexpected keyword arguments: {', '.join(unknown)}")
    given = [
        name
        for name, default in WARNED.items()
        if name in options and options[name] is not default and options[name] != default
    ]
    if given:
        warn_unsupported("launch()", given, stacklevel=stacklevel)


def apply_launch_options(blocks: Blocks, options: Mapping[str, Any]) -> None:
    """Check ``launch()``'s options, then give ``blocks`` the ones that belong to the app."""
    check_launch_options(options, stacklevel=5)
    if options.get("js") is not None:  # run once the page has loaded
        blocks.js = options["js"]
    apply_page_options(blocks, **{k: v for k, v in options.items() if k in PAGE_OPTIONS})
    if options.get("max_file_size") is not None:
        blocks.max_file_size = parse_size(options["max_file_size"])
