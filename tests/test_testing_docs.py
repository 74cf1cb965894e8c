"""docs/testing.md runs as written: its code blocks are this module's tests.

Each ``python`` block of the page is executed here, in order, so the app it
defines is registered and its ``test_*`` functions are collected by pytest as
tests of this module (with the fixtures of ``blocksstate.testing.fixtures``).
"""

import re
from pathlib import Path

from blocksstate.app.registry import unregister

DOC = Path(__file__).resolve().parent.parent / "docs" / "testing.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def code_blocks(text: str) -> list[tuple[int, str]]:
    """The ``python`` blocks of a Markdown page, with the line each starts on."""
    return [(text.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in BLOCK.finditer(text)]


# Two blocks are not tests: the settings (tests/settings.py has their equivalent) and the
# conftest line (tests/conftest.py has it).
for line, source in code_blocks(DOC.read_text()):
    if "CHANNEL_LAYERS" in source or "pytest_plugins" in source:
        continue
    # Blank lines up to the block's first line: a failure points into docs/testing.md.
    exec(compile("\n" * (line - 1) + source, str(DOC), "exec"))


def teardown_module() -> None:
    unregister("shop")


def test_the_page_has_examples_to_run():
    tests = [
        name
        for name in globals()
        if name.startswith("test_") and name != "test_the_page_has_examples_to_run"
    ]
    assert len(tests) == 3, tests
