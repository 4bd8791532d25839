"""Parity tests of bulk paths against their single-record services."""

from django.db import transaction


def from_the_same_start(*runs, **kwargs) -> list:
    """Each ``run(**kwargs)`` in a savepoint rolled back afterwards, so every run starts from the
    same database; their outcomes in order."""
    outcomes = []
    for run in runs:
        with transaction.atomic():
            outcomes.append(run(**kwargs))
            transaction.set_rollback(True)
    return outcomes
