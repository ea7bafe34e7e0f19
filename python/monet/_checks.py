"""Argument checks of the pure-Python layer: a wrong type raises TypeError naming the
argument before anything touches it (the bindings do the same for their own arguments)."""

from typing import Any


def require(value: Any, types: Any, what: str) -> Any:
    """`value` when it is an instance of `types`, else TypeError naming `what`."""
    if not isinstance(value, types):
        names = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
        raise TypeError(f"{what}: expected {names}, got {type(value).__name__}")
    return value
