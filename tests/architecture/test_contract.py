"""The domain-app contract (docs/architecture.md), checked on the source: adapters read through
selectors, nobody reaches into Django's private state, permissions are declared once by the app
that owns them and never typed as strings where they are checked."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "lindungi"
ADAPTERS = ("api", "web")
QUERY_METHODS = {"filter", "exclude", "order_by", "select_related", "prefetch_related", "annotate", "aggregate",
                 "values", "values_list", "in_bulk", "extra", "raw", "only", "defer", "distinct", "get_or_create",
                 "update_or_create", "bulk_create", "bulk_update"}
PRIVATE_DJANGO = {"_state", "_prefetched_objects_cache", "_result_cache", "_known_related_objects", "fields_cache"}
PERMISSION_CHECKS = {"has_role_perm", "require_perm", "has_perm"}


def source_files(*, adapters_only: bool = False, include_tests: bool = False):
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "migrations" in rel.parts or (not include_tests and "tests" in rel.parts):
            continue
        if adapters_only and rel.parts[0] not in ADAPTERS:
            continue
        yield rel, ast.parse(path.read_text())


def test_adapters_never_query_models():
    """API handlers and web views call selectors and services; they never build a query."""
    offences = []
    for rel, tree in source_files(adapters_only=True):
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                offences.append(f"{rel}:{node.lineno} {ast.unparse(node)}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in QUERY_METHODS \
                    and (node.args or node.func.attr != "values"):  # dict.values() is not a query
                offences.append(f"{rel}:{node.lineno} {ast.unparse(node.func)}")
    assert offences == [], "Adapters query models (use a selector):\n" + "\n".join(offences)


def test_no_private_django_api():
    offences = [f"{rel}:{node.lineno} {ast.unparse(node)}"
                for rel, tree in source_files(include_tests=True)
                for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr in PRIVATE_DJANGO]
    assert offences == [], "Private Django API used:\n" + "\n".join(offences)


def test_permissions_are_checked_by_constant_never_by_string():
    """``require_perm(actor, PERSON_VIEW)``, not ``require_perm(actor, "person.view")``: the constant
    comes from the owning app's perms.py, so a typo fails at import time."""
    offences = []
    for rel, tree in source_files():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                if name in PERMISSION_CHECKS and any(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                                     for a in node.args):
                    offences.append(f"{rel}:{node.lineno} {ast.unparse(node)}")
    assert offences == [], "\n".join(offences)


def test_permissions_are_defined_only_in_perms_modules():
    offences = []
    for rel, tree in source_files():
        if rel.name == "perms.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "define":
                offences.append(f"{rel}:{node.lineno}")
    assert offences == [], "Permissions defined outside perms.py:\n" + "\n".join(offences)


def test_every_permission_is_registered_at_start_up_and_granted():
    from lindungi.accounts.permissions import defined

    registered = defined()
    declared = {ast.literal_eval(node.args[0]) for path in ROOT.glob("*/perms.py")
                for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "define"}
    assert declared and declared == set(registered)
    assert all(permission.roles for permission in registered.values())


@pytest.mark.parametrize("code", ["person.view", "placement.step_officer", "agency.sanction"])
def test_undefined_permission_fails_loudly(code, admin_user):
    from lindungi.accounts.permissions import has_perm

    assert has_perm(admin_user, code)
    with pytest.raises(KeyError):
        has_perm(admin_user, code + "_typo")
