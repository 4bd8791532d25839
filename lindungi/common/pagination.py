from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from lindungi.common.errors import ValidationFailed

MAX_PAGE_SIZE = 200
# Far beyond any real list, and small enough that (page - 1) * page_size fits a 32-bit database integer.
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    page: int
    page_size: int
    total_capped: bool = False  # True when there are more than ``total`` rows (counting stopped)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def paginate(queryset: QuerySet, *, page: int = 1, page_size: int = 25, count_limit: int | None = None,
             total: int | None = None) -> Page:
    """One page of a queryset. With ``count_limit`` counting stops there (large registries): the
    page then reports ``total_capped`` and at most that many pages. A ``total`` known already (from
    maintained counts) is used as it is."""
    errors = {}
    if page < 1:
        errors["page"] = ["must be 1 or more"]
    elif page > MAX_PAGE:
        errors["page"] = [f"must be at most {MAX_PAGE}"]
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        errors["page_size"] = [f"must be between 1 and {MAX_PAGE_SIZE}"]
    if errors:
        raise ValidationFailed.from_fields(errors)
    capped = False
    if total is not None:
        pass
    elif count_limit is None:
        total = queryset.count()
    else:
        # Which rows are counted up to the cap does not matter: without the ordering the database
        # need not sort the whole set first (the national inbox of 100,000 open cases on SQLite: 114 → 5 ms).
        total = queryset.order_by()[: count_limit + 1].count()
        capped = total > count_limit
        total = min(total, count_limit)
    offset = (page - 1) * page_size
    return Page(items=list(queryset[offset : offset + page_size]), total=total, page=page, page_size=page_size,
                total_capped=capped)
