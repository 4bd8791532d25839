"""Duplicate review in the browser: open the queue, compare a pair, merge it (confirm dialog), see
the merged banner on the duplicate's page, undo the merge with a reason (confirm dialog)."""

from datetime import date

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_merge_a_duplicate_pair_and_undo_it(page, login, admin_user):
    from lindungi.registry.models import DuplicateCandidate
    from lindungi.registry.tests.factories import make_person

    first = make_person(admin_user, full_name="Rina Wati Lestari", birth_date=date(1993, 2, 2))
    second = make_person(admin_user, full_name="Rina Wati Lestari", birth_date=date(1993, 2, 2))
    candidate = DuplicateCandidate.objects.get(person_a=first, person_b=second)
    assert candidate.reasons

    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    login("admin-t")

    # The queue lists the pair; open it.
    page.goto("/duplicates/")
    row = page.locator("main table tbody tr").filter(has_text=second.nik)
    assert first.nik in row.inner_text()
    row.locator(f"a[href='/duplicates/{candidate.pk}/']").click()
    page.wait_for_url(f"**/duplicates/{candidate.pk}/")

    # Both records and every reason of the pairing are shown.
    compare = page.locator("main table.compare")
    assert first.nik in compare.inner_text() and second.nik in compare.inner_text()
    reasons = page.locator("main ul.reasons li")
    assert reasons.count() == len(candidate.reasons)
    shown = reasons.all_inner_texts()
    for reason in candidate.reasons:
        assert any(reason["text"] in text for text in shown), reason

    # "Same person", first record survives: a confirm dialog, then back to the queue.
    merge_form = page.locator("main form[data-confirm]:has(input[name=decision][value=same])")
    merge_form.locator("input[name=survivor][value=a]").check()
    merge_form.locator("textarea[name=note]").fill("KTP dan KK sama")
    merge_form.locator("button[type=submit]").click()
    page.wait_for_url("**/duplicates/")
    assert len(dialogs) == 1
    second.refresh_from_db()
    candidate.refresh_from_db()
    assert second.merged_into_id == first.pk and candidate.status == DuplicateCandidate.Status.SAME
    assert page.locator("main table tbody tr").filter(has_text=second.nik).count() == 0  # left the queue

    # The duplicate's page carries the merged banner, pointing to the survivor.
    page.goto(f"/persons/{second.public_id}/")
    banner = page.locator("main .merged-banner")
    banner.wait_for()
    assert banner.locator(f"a[href='/persons/{first.public_id}/']").count() == 1
    assert first.nik in banner.inner_text()
    assert page.locator(f"main a[href='/persons/{second.public_id}/edit/']").count() == 0  # no editing a merged record

    # Undo the merge with a reason (another confirm dialog): the banner goes, the pair is pending again.
    banner.locator("input[name=reason]").fill("Ternyata kembar, orang berbeda")
    banner.locator("button[type=submit]").click()
    page.wait_for_url(f"**/persons/{second.public_id}/")
    page.locator("main .merged-banner").wait_for(state="detached")
    assert len(dialogs) == 2
    second.refresh_from_db()
    candidate.refresh_from_db()
    assert second.merged_into_id is None and candidate.status == DuplicateCandidate.Status.PENDING
    history = page.locator("main details.card table.history tbody tr")
    assert "Ternyata kembar, orang berbeda" in history.first.inner_text()
    page.goto("/duplicates/")
    assert page.locator("main table tbody tr").filter(has_text=second.nik).count() == 1
