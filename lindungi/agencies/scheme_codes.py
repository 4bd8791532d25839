"""The placement scheme codes a partial suspension may name.

Schemes belong to the placements app, which sits above this one, so the agencies app cannot read
them itself: the placements app hands a reader over at start-up (``PlacementsConfig.ready``), the
way the reference app hands unit coverage to the kernel."""

from collections.abc import Callable

_reader: Callable[[], set[str]] | None = None


def register_scheme_codes(reader: Callable[[], set[str]]) -> None:
    global _reader
    _reader = reader


def known_scheme_codes() -> set[str] | None:
    """Every scheme code, or None when no reader is registered (then codes are checked by form only)."""
    return _reader() if _reader is not None else None
