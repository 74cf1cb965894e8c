"""What a block was built with: each constructor wrapped so the instance keeps its arguments.

A component returned by a handler is an update of the arguments it was built with
(``return gr.Markdown(visible=True)``), and a Gradio option this package does not
implement is taken here and warned of once the whole constructor ran.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import Block


@functools.cache
def parameter_names(cls: type) -> frozenset[str]:
    """The named parameters of every constructor in ``cls``'s classes."""
    names: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is not None and klass is not object:
            parameters = inspect.signature(init).parameters.values()
            names.update(p.name for p in parameters if p.kind is not p.VAR_KEYWORD)
    return frozenset(names)


def record_explicit_args(init: Callable[..., None]) -> Callable[..., None]:
    """Wrap a constructor so the instance remembers the arguments it was given.

    A component returned by a handler is an update of the arguments it was
    built with (`return gr.Markdown(visible=True)`), so those are recorded.
    """
    signature = inspect.signature(init)

    @functools.wraps(init)
    def wrapper(self: Block, *args: Any, **kwargs: Any) -> None:
        outermost = "_explicit_args" not in self.__dict__
        if outermost:
            # An unsupported option need not be a parameter: it is taken here, and warned of.
            declared, accepted = type(self).unsupported_options, parameter_names(type(self))
            extra = {
                name: kwargs.pop(name)
                for name in list(kwargs)
                if name in declared and name not in accepted
            }
            bound = signature.bind(self, *args, **kwargs)
            explicit = {**dict(bound.arguments), **extra}
            explicit.pop("self", None)
            for name, param in signature.parameters.items():
                if param.kind is param.VAR_KEYWORD and name in explicit:
                    explicit.update(explicit.pop(name))
            self.__dict__["_explicit_args"] = explicit
        init(self, *args, **kwargs)
        if outermost:
            # Once the whole constructor ran: the user's line is 4 frames up from warnings.warn.
            self.warn_unsupported(
                self.__dict__["_explicit_args"], self.__dict__.pop("_unsupported_more", [])
            )

    return wrapper
