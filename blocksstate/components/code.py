"""``Code``: source code, highlighted by Pygments on the server, editable in a textarea."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, ClassVar, Unpack

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

from .base import ComponentOptions, FormComponent
from .schema import InvalidValue, ValueSchema

# Gradio's languages (``gr.Code.languages``) and the Pygments lexer that reads each.
LEXERS: dict[str | None, str] = {
    "python": "python",
    "c": "c",
    "cpp": "cpp",
    "markdown": "markdown",
    "latex": "tex",
    "json": "json",
    "html": "html",
    "css": "css",
    "javascript": "javascript",
    "jinja2": "html+jinja",
    "typescript": "typescript",
    "yaml": "yaml",
    "dockerfile": "docker",
    "shell": "bash",
    "r": "r",
    "sql": "sql",
    "sql-msSQL": "tsql",
    "sql-mySQL": "mysql",
    "sql-mariaDB": "mysql",
    "sql-sqlite": "sql",
    "sql-cassandra": "sql",
    "sql-plSQL": "sql",
    "sql-hive": "sql",
    "sql-pgSQL": "postgresql",
    "sql-gql": "sql",
    "sql-gpSQL": "postgresql",
    "sql-sparkSQL": "sql",
    "sql-esper": "sql",
    None: "text",
}
#: Longer code is shown escaped but not highlighted (Pygments takes about 0.1 ms a line).
HIGHLIGHT_LIMIT = 50_000
#: Longer code is highlighted in a handler thread, not on the event loop.
OFF_LOOP_CHARS = 500


def check_language(language: Any) -> str | None:
    """Return ``language`` if Gradio's Code has it; raise ValueError naming the known ones."""
    if language not in LEXERS:
        known = ", ".join(str(name) for name in LEXERS)
        raise ValueError(f"gr.Code language {language!r} is not supported; one of: {known}")
    return language


FORMATTER = HtmlFormatter(nowrap=True)


@functools.lru_cache(maxsize=64)
def _lexer(language: str | None) -> Any:
    # stripnl=False: the lines shown are the lines of the text, blank ones included.
    return get_lexer_by_name(LEXERS[language], stripnl=False, ensurenl=True)


# The last texts highlighted: a big one is highlighted in a handler thread
# (``Code.store_output``), then found here by the event loop that sends it.
@functools.lru_cache(maxsize=32)
def highlight_code(text: str | None, language: str | None) -> SafeString:
    """Return ``text`` as HTML: one ``bs-code-line`` span per line, Pygments' classes inside.

    Pygments escapes the text and closes its spans at each line's end, so the lines
    can be split and numbered by the stylesheet.
    """
    if not text:
        return mark_safe("")
    lines = text.split("\n")
    if len(text) > HIGHLIGHT_LIMIT:
        shown = [str(escape(line)) for line in lines]
    else:
        html = highlight(text, _lexer(language), FORMATTER)
        shown = html.split("\n")[: len(lines)]
    # Pygments' output is its escaped text and its own class names: safe to insert.
    return mark_safe("".join(f'<span class="bs-code-line">{line}</span>\n' for line in shown))  # noqa: S308


class Code(FormComponent):
    """Source code in a language of ``Code.languages``, highlighted on the server;
    handlers get and return the code as ``str``."""

    template_name = "code"
    value_form_props: ClassVar[frozenset[str]] = frozenset({"language"})
    languages: ClassVar[list[str | None]] = list(LEXERS)
    unsupported_options: ClassVar[dict[str, Any]] = {"autocomplete": False, "buttons": None}

    def __init__(
        self,
        value: str | Any | None = None,
        language: str | None = None,
        *,
        lines: int = 5,
        max_lines: int | None = None,
        wrap_lines: bool = False,
        show_line_numbers: bool = True,
        autocomplete: bool = False,
        buttons: list[Any] | None = None,
        **options: Unpack[ComponentOptions],
    ) -> None:
        self.language = check_language(language)
        self.lines = lines
        self.max_lines = max(lines, max_lines) if max_lines is not None else None
        self.wrap_lines = wrap_lines
        self.show_line_numbers = show_line_numbers
        self.autocomplete = autocomplete
        self.buttons = buttons
        self._rehighlight: Any = None
        super().__init__(value, **options)

    def render(self) -> Code:
        super().render()
        if self.blocks is not None and self._rehighlight is None:
            # The visitor's edits come back highlighted: a change sends the code, the
            # server echoes it with its HTML (the page keeps what was typed since).
            self._rehighlight = self.change(
                _echo, inputs=self, outputs=self, show_progress="hidden", api_name=False
            )
        return self

    def is_interactive(self) -> bool:
        # Its own echo makes it neither an input nor an output.
        if self.interactive is not None or self.blocks is None:
            return super().is_interactive()
        others = [d for d in self.blocks.dependencies if d is not self._rehighlight]
        is_input = any(self in d.inputs for d in others)
        return is_input or not any(self in d.outputs for d in others if not d.clears)

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("string")

    def blocks_for(self, value: Any) -> bool:
        # More than a few lines are highlighted off the event loop (store_output), which
        # then finds the HTML in highlight_code's cache.
        return isinstance(value, str) and len(value) > OFF_LOOP_CHARS

    def store_output(self, value: Any, owner: Any) -> Any:
        highlight_code(value, self.language)
        return value

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        if isinstance(value, tuple):
            raise InvalidValue(f"{self!r} shows code as text: read the file and return its text")
        # Kept as given (Gradio strips it): an echo of the visitor's edit must not move the caret.
        return super().postprocess(value, props)

    def check_props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        if "language" in props:
            try:
                check_language(props["language"])
            except ValueError as exc:
                raise InvalidValue(str(exc)) from None
        return dict(props)

    def page_form(self, value: Any, props: Mapping[str, Any] | None = None) -> dict[str, Any]:
        language = (props or {}).get("language", self.language)
        return {"value": value, "html": highlight_code(value, language)}

    def page_update(self, value: Any) -> dict[str, Any]:
        return self.page_form(value)

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        value = context["value"]
        return {
            "html": self.page_form(value)["html"],
            "value_text": "" if value is None else value,
            "rows": max(self.lines, min(len((value or "").split("\n")), self.max_lines or 20)),
        }


async def _echo(code: str | None) -> str | None:
    return code
