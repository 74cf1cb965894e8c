"""``Blocks``: the app, with its components, layout and event listeners."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from ..components.base import Block, Component
from ..components.layout import BlockContext
from ..components.timer import Timer
from ..engine.concurrency import NOT_SET, check_limit
from ..warnings import warn_unsupported
from .events import Dependency, Event, build_listener
from .page_options import apply_page_options

DEFAULT_DELETE_CACHE = (3600, 3600)


class Blocks(BlockContext):
    """An app: ``with gr.Blocks() as demo:`` collects what is created inside."""

    load = Event()
    unsupported_options = {"analytics_enabled": None}
    #: True for what a ``@gr.render`` function builds (``app.render.Region``).
    is_region = False

    def __init__(
        self,
        title: str | None = None,
        css: str | None = None,
        delete_cache: tuple[int, int] | None = None,
        *,
        theme: Any = None,
        js: str | None = None,
        head: str | None = None,
        fill_height: bool = False,
        fill_width: bool = False,
        css_paths: Any = None,
        head_paths: Any = None,
        analytics_enabled: bool | None = None,
        mode: str = "blocks",
    ) -> None:
        # Page options (``page_options.py``; ``launch()`` takes them too, as in Gradio 6).
        self.title = "blocksstate"
        # A client-side function run once the page has loaded (``rendering.scripts``).
        self.js = js
        self.theme: Any = None
        self.css: str | None = None
        self.head: str | None = None
        self.fill_height = self.fill_width = False
        apply_page_options(
            self,
            theme=theme,
            css=css,
            css_paths=css_paths,
            head=head,
            head_paths=head_paths,
            title=title,
            fill_height=fill_height,
            fill_width=fill_width,
        )
        if delete_cache is not None:
            frequency, age = delete_cache
            if frequency <= 0 or age <= 0:
                raise ValueError("delete_cache must be (frequency, age) in seconds, both positive")
        self.delete_cache = tuple(delete_cache) if delete_cache else DEFAULT_DELETE_CACHE
        self.mode = mode
        self.name: str | None = None
        self.default_concurrency_limit: int | str | None = NOT_SET
        # ``queue(max_size=...)``: runs of this app that may wait for their turn, per worker.
        self.max_size: int | None = None
        # Largest uploaded file, in bytes, for components without their own max_file_size
        # (``launch(max_file_size=...)``); None: BLOCKSSTATE["MAX_FILE_SIZE"].
        self.max_file_size: int | None = None
        self.components: dict[int, Component] = {}
        # Layout blocks (Row, Column, Tabs...): they have properties but no value.
        self.layouts: dict[int, BlockContext] = {}
        self.dependencies: list[Dependency] = []
        # The app's ``@gr.render`` functions (``app.render.Renderable``), in declaration order.
        self.renderables: list[Any] = []
        self._ids = itertools.count(1)
        self._server: Any = None
        super().__init__(render=False)
        self.blocks = self
        self.id = 0

    @property
    def root(self) -> Blocks:
        return self

    def adopt(self, block: Block) -> None:
        """Give ``block`` (and anything it already holds) an id in this app."""
        block.blocks = self
        block.id = next(self._ids)
        if isinstance(block, Component):
            self.components[block.id] = block
        elif isinstance(block, BlockContext):
            self.layouts[block.id] = block
        for child in getattr(block, "children", []):
            if child.blocks is None:
                self.adopt(child)

    def add_dependency(self, dependency: Dependency) -> None:
        """Record an event listener and give it an id."""
        dependency.id = len(self.dependencies)
        self.dependencies.append(dependency)
        self.__dict__.pop("_io_roles", None)

    # -- queries used by the engine and the page ---------------------------------

    def component(self, component_id: int) -> Component:
        return self.components[component_id]

    def block(self, block_id: int) -> Block:
        """A component or a layout of this app, by id (KeyError if none)."""
        found = self.components.get(block_id) or self.layouts.get(block_id)
        if found is None:
            raise KeyError(block_id)
        return found

    def dependency(self, dependency_id: int) -> Dependency:
        if not 0 <= dependency_id < len(self.dependencies):
            raise KeyError(dependency_id)
        return self.dependencies[dependency_id]

    @property
    def _roles(self) -> tuple[set[int], set[int]]:
        roles = self.__dict__.get("_io_roles")
        if roles is None:
            inputs = {c.id for d in self.dependencies for c in d.inputs if c.id is not None}
            # Being reset by a ClearButton does not make a component an output: the visitor still edits it.
            outputs = {
                c.id
                for d in self.dependencies
                if not d.clears
                for c in d.outputs
                if c.id is not None
            }
            roles = self.__dict__["_io_roles"] = (inputs, outputs)
        return roles

    def own_components(self, listed: list[Any], role: str) -> list[Any]:
        """Return ``listed`` if every item is a component of this app, else raise why not.

        Outputs may also be layouts (their properties change); inputs may not: they have no value.
        """
        for component in listed:
            is_layout = isinstance(component, BlockContext) and not isinstance(component, Blocks)
            if is_layout and role == "inputs":
                raise TypeError(
                    f"inputs must be components, got {component!r}: a layout has no value to "
                    "read (it can be an output, to change its properties)"
                )
            if not isinstance(component, Component) and not is_layout:
                raise TypeError(f"{role} must be components or layouts, got {component!r}")
            if component.blocks is not None and component.blocks is not self:
                raise ValueError(f"{component!r} belongs to another Blocks than this event")
        return listed

    def is_input(self, component: Component) -> bool:
        return component.id in self._roles[0]

    def is_output(self, component: Component) -> bool:
        return component.id in self._roles[1]

    # -- repeated runs (``every=``), all through a Timer -------------------------------

    def repeat(self, dependency: Dependency) -> None:
        """Run ``dependency`` again every ``dependency.every`` seconds, through a Timer made for it.

        A ``load`` listener's timer ticks from the start; another's from the first time
        one of its triggers fires (the page starts it: ``starts_timer`` in its config).
        """
        self._refuse_in_region("every=")
        on_load = any(block is self and name == "load" for block, name in dependency.triggers)
        timer = Timer(dependency.every, active=on_load, render=False)  # type: ignore[arg-type]
        self.add_child(timer)
        dependency.timer = timer
        dependency.triggers.append((timer, "tick"))

    def refresh(self, component: Component) -> None:
        """Wire a callable value: computed from its ``inputs`` on load, refreshed ``every``."""
        self._refuse_in_region("a callable value with every= or inputs=")
        fn, every, inputs = component.value, component.every, component.inputs
        if inputs is not None:
            build_listener(
                self, [(self, "load")], fn, inputs, component, {"show_progress": "hidden"}
            )
        if every is None:
            return
        timer = every if isinstance(every, Timer) else Timer(every, render=False)
        if timer.blocks is None:
            self.add_child(timer)
        build_listener(self, [(timer, "tick")], fn, inputs, component, {"show_progress": "hidden"})

    def _refuse_in_region(self, what: str) -> None:
        if self.is_region:
            raise ValueError(
                f"{what} is not supported inside a @gr.render function: create the Timer "
                "outside it and listen to its tick"
            )

    # -- lifecycle listeners --------------------------------------------------------

    def unload(self, fn: Callable[..., Any]) -> Dependency:
        """Run ``fn`` once when a session ends (page closed, or connection not resumed)."""
        return build_listener(self, [(self, "unload")], fn, None, None, {})

    def close(self, fn: Callable[..., Any] | None = None) -> Any:
        """With a function, same as ``unload``; without, stop a server ``launch()`` started."""
        if fn is not None:
            return self.unload(fn)
        if self._server is not None:
            self._server.stop()
            self._server = None
        return None

    def queue(
        self,
        status_update_rate: float | str = "auto",
        api_open: bool | None = None,
        max_size: int | None = None,
        *,
        default_concurrency_limit: int | str | None = NOT_SET,
        **kwargs: Any,
    ) -> Blocks:
        """Set the concurrency limit of listeners left at "default" (see ``concurrency``) and
        ``max_size``, how many runs of this app may wait for their turn in one worker.

        ``status_update_rate`` (other than "auto") warns: the page is told of each step as it
        happens. ``api_open`` warns too: it is about an HTTP API, which blocksstate does not serve.
        """
        check_limit(default_concurrency_limit, "default_concurrency_limit", NOT_SET)
        if max_size is not None and (
            isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 0
        ):
            raise ValueError(f"max_size must be a non-negative integer or None, got {max_size!r}")
        if "concurrency_count" in kwargs:
            raise TypeError(
                "queue(concurrency_count=...) was removed in Gradio 4; use "
                "queue(default_concurrency_limit=...)"
            )
        if kwargs:
            raise TypeError(f"queue() got unexpected option(s): {', '.join(sorted(kwargs))}")
        unsupported = [
            name
            for name, given in (
                ("status_update_rate", status_update_rate != "auto"),
                ("api_open", api_open is not None),
            )
            if given
        ]
        if unsupported:  # the page hears of each step as it happens; there is no HTTP API
            warn_unsupported("Blocks.queue", unsupported)
        self.default_concurrency_limit = default_concurrency_limit
        self.max_size = max_size
        return self

    def launch(
        self, server_name: str | None = None, server_port: int | None = None, **kwargs: Any
    ) -> Any:
        """Serve this app at ``/`` with daphne (default 127.0.0.1:7860); see ``blocksstate.launch``."""
        from ..launch import launch

        return launch(self, server_name=server_name, server_port=server_port, **kwargs)

    def __repr__(self) -> str:
        return f"<Blocks {self.name or self.title!r}: {len(self.components)} components, {len(self.dependencies)} events>"
