"""Charts are drawn from the table beside them (web/charts.js over the vendored Chart.js): the
canvas appears with a text alternative, fits a 360 px phone, the table holds the same numbers,
htmx swaps redraw them, and the strict Content-Security-Policy refuses nothing."""

# ruff: noqa: F811 - the placement fixtures are imported into this module and used as arguments

import pytest

from lindungi.placements.tests.fixtures import make_employer, make_job_order, make_placement  # noqa: F401
from tests.e2e.conftest import sign_in
from tests.e2e.test_content_security_policy import collect_violations
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def chart_box(page, selector: str) -> dict:
    canvas = page.locator(f"{selector} canvas")
    canvas.wait_for(state="attached", timeout=15_000)
    return page.evaluate("""(selector) => {
        const canvas = document.querySelector(selector + ' canvas');
        const box = canvas.getBoundingClientRect();
        return {width: box.width, height: box.height, right: box.right, role: canvas.getAttribute('role'),
                label: canvas.getAttribute('aria-label'), inner: window.innerWidth,
                scroll: document.documentElement.scrollWidth,
                charts: Object.keys(window.Chart.instances || {}).length};
    }""", selector)


@pytest.mark.parametrize("width", [360, 1366])
def test_dashboard_funnel_and_job_order_quota(new_page, admin_user, make_placement, width):
    placement = make_placement()
    page = new_page(width=width, height=800)
    violations = collect_violations(page)
    sign_in(page, "admin-t")
    page.goto("/")
    box = chart_box(page, "figure[data-chart-for='stage-table']")
    assert box["width"] > 200 and box["height"] > 100
    assert box["right"] <= box["inner"] and box["scroll"] <= box["inner"]
    assert box["role"] == "img" and box["label"]
    # The same counts, as a table, for screen readers and without JavaScript.
    counts = page.locator("#stage-table td[data-value]").evaluate_all(
        "cells => cells.map(c => Number(c.dataset.value))")
    assert sum(counts) >= 1

    page.goto(f"/job-orders/{placement.job_order.public_id}/")
    box = chart_box(page, "figure[data-chart-for='permits-table']")
    assert box["width"] > 200 and box["right"] <= box["inner"]
    assert violations == []


def test_statistics_chart_redraws_after_a_filter(new_page, admin_user):
    page = new_page(width=360, height=800)
    violations = collect_violations(page)
    sign_in(page, "admin-t")
    page.goto("/statistik/")
    chart_box(page, "figure[data-chart-for='indicator-rows']")
    page.evaluate("() => { document.querySelector(\"figure[data-chart-for='indicator-rows'] canvas\")"
                  ".dataset.old = '1'; }")
    year = page.locator("input[name=year]").first
    year.fill(str(int(year.input_value() or 2026) - 1))
    year.press("Enter")
    wait_until(page, "(() => { const c = document.querySelector(\"figure[data-chart-for='indicator-rows'] canvas\");"
                     " return c && !c.dataset.old; })()")
    box = chart_box(page, "figure[data-chart-for='indicator-rows']")
    assert box["width"] > 200 and box["scroll"] <= box["inner"]
    assert violations == []
