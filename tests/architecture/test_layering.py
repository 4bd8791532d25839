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



IMPORTS_OWN_MODELS = {"ImportBatch", "ImportRowError", "ExportJob"}


def test_importers_write_domain_rows_only_through_the_domains():
    """The importers parse files and map columns; people, placements, their items, transitions and
    audit events are written by the domains' bulk functions (``registry.bulk``, ``placements.bulk``),
    which apply the single-record services' rules. The importers write only their own bookkeeping."""
    offences = []
    for path in (ROOT / "imports").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call)):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "FastInsert":
                model = ast.unparse(node.args[0]) if node.args else ""
                if model not in IMPORTS_OWN_MODELS:
                    offences.append(f"{path.name}:{node.lineno} FastInsert({model})")
            elif isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS:
                target = ast.unparse(func.value)
                if ".objects" in target and target.split(".objects")[0].split(".")[-1] not in IMPORTS_OWN_MODELS:
                    offences.append(f"{path.name}:{node.lineno} {ast.unparse(func)}")
    assert offences == [], "Importers write domain rows directly:\n" + "\n".join(offences)
