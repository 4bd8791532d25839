"""Interface code (API handlers and web views) never writes models directly: every write goes
through a service, so permission checks, validation and the audit record cannot be skipped."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "lindungi"
WRITE_METHODS = {"save", "delete", "update", "create", "bulk_create", "bulk_update", "get_or_create",
                 "update_or_create"}
INTERFACE_DIRS = [ROOT / "api", ROOT / "web"]


def interface_files():
    for folder in INTERFACE_DIRS:
        for path in folder.rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            yield path


def test_no_model_writes_in_api_or_web():
    offences = []
    for path in interface_files():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in WRITE_METHODS:
                    target = ast.unparse(node.func.value)
                    if ".objects" in target or target.endswith("objects") or node.func.attr in {"save", "delete"}:
                        if target in {"router", "public_router", "api"} or any(
                            word in target.lower() for word in ("form", "session", "response")
                        ):
                            continue
                        offences.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {ast.unparse(node.func)}")
    assert offences == [], "Interface code writes models directly:\n" + "\n".join(offences)

