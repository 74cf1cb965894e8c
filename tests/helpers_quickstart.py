"""Read the README's Quick start as steps, and carry them out in a folder as a new user would.

Each code block of the section is one step. A block whose first line is a comment
naming a file (``# mysite/urls.py``, ``{# myapp/templates/myapp/hello.html #}``) is
that file's whole content; ``(add at the end)`` after the name appends it instead.
Every other block is commands, one a line, run from the folder the previous ``cd``
left: ``django-admin ...`` with the installed Django, ``python manage.py ...`` with
this interpreter, ``pip install ...`` skipped (the package under test is installed
already). ``python manage.py runserver`` is not run but returned, for the test to
serve the project its own way; any other command is refused.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SECTION = re.compile(r"^## Quick start\n(.*?)(?=^## |\Z)", re.DOTALL | re.MULTILINE)
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
LABEL = re.compile(
    r"^(?:#|\{#)\s*(?P<path>[\w.-]+(?:/[\w.-]+)*\.\w+)(?P<how>\s+\(add at the end\))?\s*(?:#\})?$"
)
COMMAND_SECONDS = 120


class QuickStartError(Exception):
    """The Quick start asks for something these steps cannot do."""


@dataclass(frozen=True)
class FileBlock:
    """A block that goes into a file: its whole content, or ``append``-ed to it."""

    path: str
    text: str
    append: bool


@dataclass(frozen=True)
class Commands:
    """A block of shell commands, one a line."""

    lines: tuple[str, ...]


def quick_start_steps(readme: str) -> list[FileBlock | Commands]:
    """Return the code blocks of the README's Quick start section, in order, as steps."""
    section = SECTION.search(readme)
    if section is None:
        raise QuickStartError("README.md has no '## Quick start' section")
    return code_blocks(section.group(1))


def labelled_files(markdown: str) -> list[FileBlock]:
    """Return the blocks of a page that name their file (a page that goes on from the steps)."""
    return [block for block in code_blocks(markdown) if isinstance(block, FileBlock)]


def code_blocks(markdown: str) -> list[FileBlock | Commands]:
    """Return the fenced code blocks of ``markdown``, each as a file's content or commands."""
    steps: list[FileBlock | Commands] = []
    for block in FENCE.findall(markdown):
        first = block.partition("\n")[0].strip()
        label = LABEL.match(first)
        if label:
            steps.append(FileBlock(label["path"], block, append=bool(label["how"])))
        elif first.startswith(("#", "{#")) and "/" in first:
            raise QuickStartError(
                f"a code block's first line looks like a label but is not one: {first!r}"
            )
        else:
            steps.append(Commands(tuple(line for line in block.splitlines() if line.strip())))
    return steps


@dataclass
class Project:
    """The folder the steps built, and the ``runserver`` command they ended with."""

    root: Path
    runserver: list[str] | None = None


def carry_out(steps: list[FileBlock | Commands], folder: Path, env: dict[str, str]) -> Project:
    """Run the commands and write the files of ``steps`` in ``folder``; return the project."""
    project = Project(folder)
    for step in steps:
        if isinstance(step, FileBlock):
            write(project.root / step.path, step)
            continue
        for line in step.lines:
            run_command(line, project, env)
    return project


def write(path: Path, block: FileBlock) -> None:
    if block.append:
        if not path.exists():
            raise QuickStartError(f"{block.path} is to be added to, but no step made it")
        path.write_text(path.read_text() + "\n" + block.text)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block.text)


def run_command(line: str, project: Project, env: dict[str, str]) -> None:
    match shlex.split(line, comments=True):
        case []:
            return
        case ["pip", "install", *_]:
            return
        case ["cd", directory]:
            project.root = project.root / directory
            if not project.root.is_dir():
                raise QuickStartError(f"{line!r}: no such folder {project.root}")
            return
        case ["django-admin", *arguments]:
            command = [sys.executable, "-m", "django", *arguments]
        case ["python", "manage.py", "runserver", *arguments]:
            project.runserver = [sys.executable, "manage.py", "runserver", *arguments]
            return
        case ["python", "manage.py", *arguments]:
            command = [sys.executable, "manage.py", *arguments]
        case _:
            raise QuickStartError(f"the Quick start runs {line!r}, which this test cannot run")
    done = subprocess.run(
        command,
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
    )
    if done.returncode != 0:
        raise QuickStartError(f"{line!r} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
