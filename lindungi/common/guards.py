"""The shape every lifecycle guard answers in (placements, cases, sanctions): an unmet condition
with a stable code and a sentence in Indonesian and English, and the helper that runs a rule's
guards and returns every unmet condition at once. Pure Python."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Unmet:
    code: str
    message_id: str
    message_en: str

    def message(self, language: str | None = "id") -> str:
        return self.message_en if (language or "id").startswith("en") else self.message_id

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message_id": self.message_id, "message_en": self.message_en}


def unmet_conditions(guards: Iterable[Callable[[Any], list[Unmet]]], facts: Any) -> list[Unmet]:
    """Every condition the guards find unmet, each code once, in guard order."""
    unmet: list[Unmet] = []
    seen: set[str] = set()
    for guard in guards:
        for item in guard(facts):
            if item.code not in seen:
                seen.add(item.code)
                unmet.append(item)
    return unmet
