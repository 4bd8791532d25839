"""docs/api.md lists exactly the error codes the API sends, with their statuses.

What the API sends is read from the code, not from a list kept by hand: the ``DomainError`` classes
(their ``status_code`` and ``code``), every ``code="…"`` given where one of them is raised anywhere in
``lindungi/`` (found with the ``ast`` module), and the adapter's own codes
(``lindungi.api.errors.ADAPTER_CODES``: authentication, malformed bodies, unknown routes, crashes).
A new code that is not documented, or a documented code that nothing sends, fails here."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def domain_error_classes() -> dict[str, type]:
    import lindungi.agencies.services  # noqa: F401  (SanctionStepRefused lives there)
    import lindungi.placements.services  # noqa: F401  (TransitionRefused lives there)
    from lindungi.common.errors import DomainError

    found, todo = {}, [DomainError]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            found[sub.__name__] = sub
            todo.append(sub)
    return found


def sent_codes() -> set[tuple[int, str]]:
    from lindungi.api.errors import ADAPTER_CODES

    classes = domain_error_classes()
    sent = {(cls.status_code, cls.code) for cls in classes.values()}
    for path in (ROOT / "lindungi").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            cls = classes.get(name)
            for keyword in node.keywords if cls is not None else ():
                if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                    sent.add((cls.status_code, keyword.value.value))
    return sent | {(status, code) for code, status in ADAPTER_CODES.items()}


def documented_codes() -> set[tuple[int, str]]:
    text = (ROOT / "docs/api.md").read_text()
    section = text.split("## Errors", 1)[1].split("\n## ", 1)[0]
    documented = set()
    for line in section.splitlines():
        match = re.match(r"^\|\s*(\d{3})\s*\|([^|]*)\|", line)
        if match:
            documented |= {(int(match.group(1)), code) for code in re.findall(r"`([a-z0-9_]+)`", match.group(2))}
    return documented


@pytest.mark.django_db
def test_docs_list_every_code_the_api_sends_and_no_other():
    sent, documented = sent_codes(), documented_codes()
    assert sent - documented == set(), "sent but not documented in docs/api.md"
    assert documented - sent == set(), "documented in docs/api.md but never sent"


def test_the_scan_finds_codes_given_at_raise_sites():
    sent = sent_codes()
    assert (409, "stale_version") in sent and (409, "sip3mi_taken") in sent and (422, "transition_refused") in sent
