"""The mapping table as the imports read it: loaded once per batch, consulted before a value is
validated (``MappingIndex.apply``), and counted per batch (``ImportBatch.mapping_counts``)."""

import re
from collections import Counter

from lindungi.imports.models import ValueMapping


def source_key(value) -> str:
    """Case, punctuation and spacing ignored: ``Domestic  Helper`` = ``domestic-helper``."""
    return " ".join(re.sub(r"[\W_]+", " ", str(value or "").casefold()).split())


class MappingIndex:
    def __init__(self):
        self.table: dict[str, dict[str, str]] = {}
        for kind, key, target in ValueMapping.objects.values_list("kind", "source_key", "target"):
            self.table.setdefault(kind, {})[key] = target
        self.applied: Counter = Counter()
        self.row: list[str] = []  # applications on the row being read (the importer empties it per row)

    def apply(self, kind: str, value: str) -> str:
        """The mapped code for ``value``, or ``value`` itself when the table has no entry for it."""
        entries = self.table.get(kind)
        if not entries or not value:
            return value
        target = entries.get(source_key(value))
        if target is None or target == value:
            return value
        label = f"{kind}: {value} → {target}"
        self.applied[label] += 1
        self.row.append(label)
        return target

    def take_counts(self) -> dict[str, int]:
        """The applications since the last call (written with the chunk that made them)."""
        counts, self.applied = dict(self.applied), Counter()
        return counts


def merge_counts(old: dict, new: dict) -> dict:
    out = dict(old or {})
    for key, n in new.items():
        out[key] = out.get(key, 0) + n
    return out
