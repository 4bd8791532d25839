"""Name normalisation for matching Indonesian names across spellings, spacing and titles."""

import re
import unicodedata

# Titles and honorifics that say nothing about identity.
NAME_TITLES = {
    "hj", "h", "haji", "hajjah", "dr", "drs", "dra", "ir", "prof", "st", "sh", "se", "spd", "skm",
    "amd", "md", "sag", "ssi", "skom", "mm", "mh", "msi", "bin", "binti", "bt", "bn", "ny", "nn", "tn",
    "sdr", "sdri", "bpk", "ibu", "bu", "pak", "raden", "rr", "r",
}

# Old (pre-1972 EYD and Dutch-era) spellings mapped to modern ones, applied in order.
_SPELLING = [
    ("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("nj", "ny"), ("ch", "kh"),
    ("ij", "y"), ("th", "t"), ("dh", "d"), ("ph", "f"), ("q", "k"), ("z", "s"), ("v", "f"),
]


def fold(text: str) -> str:
    """Lowercase ASCII letters and spaces only."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-zA-Z ]+", " ", text).lower()
    return re.sub(r"\s+", " ", text).strip()


def name_tokens(full_name: str) -> list[str]:
    """Folded name words without titles, in order. Academic degrees follow a comma and are dropped."""
    before_degrees = (full_name or "").split(",", 1)[0]
    return [t for t in fold(before_degrees).split() if t not in NAME_TITLES]


def phonetic(token: str) -> str:
    """A coarse sound key: modern spelling, doubled letters collapsed. Old 'j' is modern 'y' while
    old 'dj' is modern 'j', so 'j' and 'y' share one class ('Jusuf' = 'Yusuf', 'Djoko' = 'Joko')."""
    out = token
    for old, new in _SPELLING:
        out = out.replace(old, new)
    out = re.sub(r"(.)\1+", r"\1", out)
    out = out.replace("kh", "k").replace("y", "i").replace("j", "i")
    return out


def name_key(full_name: str) -> str:
    """Sound keys of the name words joined without spaces, so 'Nur Aini' == 'Nuraini'."""
    return "".join(phonetic(t) for t in name_tokens(full_name))


def search_tokens(full_name: str) -> list[str]:
    """Distinct folded name words (titles dropped) for prefix search."""
    seen: list[str] = []
    for token in name_tokens(full_name):
        if token not in seen:
            seen.append(token)
    return seen
