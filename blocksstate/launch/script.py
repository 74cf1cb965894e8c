"""Run a Gradio-style script (``demo.launch()`` at the end) and return its app, unlaunched.

``load_script("guides/cart.py")`` executes the file as a real module named
``blocksstate_scripts.cart``, with ``launch()`` turned into a no-op, and
returns the ``Blocks`` the script launched (else its ``demo`` global, else its
only ``Blocks`` global). The module stays in ``sys.modules`` under that stable
name, so values of classes the script defines (a dataclass kept in a
``gr.State``) can be pickled into the shared cache and read back by any
worker that loaded the same script.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..app.blocks import Blocks
from .options import apply_launch_options

PACKAGE = "blocksstate_scripts"

# Held while a script runs: launch() is patched on the class, for every thread.
_lock = threading.RLock()
_modules: dict[Path, types.ModuleType] = {}


class ScriptError(RuntimeError):
    """A script could not be loaded, or defines no app to serve."""


def load_script(path: str | Path) -> Blocks:
    """Execute the script at ``path`` with ``launch()`` suppressed; return its ``Blocks``."""
    path = Path(path).resolve()
    if not path.is_file():
        raise ScriptError(f"no script at {path}")
    with _lock:
        launched: list[Blocks] = []
        module = _execute(path, launched)
    return _pick_app(module, launched, path)


def script_module(path: str | Path) -> types.ModuleType:
    """Return the module a previous ``load_script(path)`` executed."""
    try:
        return _modules[Path(path).resolve()]
    except KeyError:
        raise ScriptError(f"{path} has not been loaded with load_script()") from None


def module_name(path: Path) -> str:
    """Return the stable module name for a script: ``blocksstate_scripts.<stem>``.

    Another file with the same stem gets a suffix derived from its path, so two
    scripts never replace each other's classes.
    """
    stem = re.sub(r"\W", "_", path.stem) or "script"
    if stem[0].isdigit():
        stem = f"_{stem}"
    name = f"{PACKAGE}.{stem}"
    existing = sys.modules.get(name)
    if existing is not None and Path(getattr(existing, "__file__", "") or "").resolve() != path:
        digest = hashlib.sha256(str(path).encode()).hexdigest()[:8]
        name = f"{name}_{digest}"
    return name


def _execute(path: Path, launched: list[Blocks]) -> types.ModuleType:
    _ensure_package()
    name = module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ScriptError(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(name)
    sys.modules[name] = module
    restore = _suppress_launch(launched)
    try:
        spec.loader.exec_module(module)
    except BaseException:
        if previous is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = previous
        raise
    finally:
        restore()
    setattr(sys.modules[PACKAGE], name.rpartition(".")[2], module)
    _modules[path] = module
    return module


def _ensure_package() -> None:
    if PACKAGE not in sys.modules:
        package = types.ModuleType(
            PACKAGE, "Gradio-style scripts loaded by blocksstate.launch.script."
        )
        package.__path__ = []  # a namespace for the scripts; nothing is imported from disk
        sys.modules[PACKAGE] = package


def _suppress_launch(launched: list[Blocks]) -> Any:
    """Replace ``launch`` on Blocks (and subclasses that define their own); return the undo."""

    def launch(self: Blocks, *args: Any, **kwargs: Any) -> None:
        apply_launch_options(self, kwargs)
        launched.append(self)

    patched = [cls for cls in _with_subclasses(Blocks) if "launch" in cls.__dict__]
    originals = {cls: cls.__dict__["launch"] for cls in patched}
    for cls in patched:
        cls.launch = launch  # type: ignore[method-assign]

    def restore() -> None:
        for cls, original in originals.items():
            cls.launch = original  # type: ignore[method-assign]

    return restore


def _with_subclasses(cls: type) -> Iterator[type]:
    yield cls
    for subclass in cls.__subclasses__():
        yield from _with_subclasses(subclass)


def _pick_app(module: types.ModuleType, launched: list[Blocks], path: Path) -> Blocks:
    if launched:
        return launched[0]
    namespace = vars(module)
    demo = namespace.get("demo")
    if isinstance(demo, Blocks):
        return demo
    apps = {
        name: value
        for name, value in namespace.items()
        if isinstance(value, Blocks) and not name.startswith("__")
    }
    if len(apps) == 1:
        return next(iter(apps.values()))
    if apps:
        raise ScriptError(
            f"{path} defines several Blocks ({', '.join(sorted(apps))}) and launches none; "
            "name the one to serve `demo`"
        )
    raise ScriptError(
        f"{path} defines no gr.Blocks: create one (`with gr.Blocks() as demo:`) at module level"
    )
