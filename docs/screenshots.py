"""Take the screenshots of docs/guide.md from a running demo (``make run``), in Indonesian, at the
widths people use: 360 px (a phone) and 1366 px (a laptop).

    SQLITE_PATH=db.sqlite3 .venv/bin/python docs/screenshots.py --url http://127.0.0.1:8000

It reads the demo database (the same ``SQLITE_PATH`` / ``DATABASE_URL`` as the server) only to pick
records to show: a placement with documents missing, a worker ready to depart.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
PASSWORD = "lindungi-demo"
PHONE, LAPTOP = (360, 780), (1366, 860)


def pick_records() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from lindungi.placements.models import Placement

    jabar = Placement.objects.filter(person__regency__province__code="32")
    blocked = jabar.filter(state="agreement_signed").select_related("person").first()
    ready = Placement.objects.filter(state="ready_to_depart", country__iso2="TW").select_related("person").first()
    return {"blocked": blocked.public_id, "ready_nik": ready.person.nik if ready else ""}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    records = pick_records()
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import LAUNCH_ARGS, find_chromium

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=LAUNCH_ARGS)

        def page_for(size, username=None):
            context = browser.new_context(viewport={"width": size[0], "height": size[1]}, base_url=args.url,
                                          locale="id-ID")
            page = context.new_page()
            if username:
                page.goto("/login/")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", PASSWORD)
                page.click("main button[type=submit]")
                page.wait_for_load_state()
            return page

        def shot(page, name, full=False):
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
            print("wrote", OUT / f"{name}.png")

        public = page_for(PHONE)
        public.goto("/")
        shot(public, "01-public-entry-360")
        public.goto("/pengaduan/")
        shot(public, "02-public-complaint-360")

        officer = page_for(LAPTOP, "petugas.jabar")
        officer.goto("/")
        shot(officer, "03-dashboard-officer-1366")
        officer.goto(f"/placements/{records['blocked']}/")
        officer.locator("#next-steps").scroll_into_view_if_needed()
        shot(officer, "04-placement-blocking-reasons-1366")

        phone_officer = page_for(PHONE, "petugas.jabar")
        phone_officer.goto("/persons/new/")
        phone_officer.click("#person-form button[type=submit]")
        phone_officer.locator("[data-testid=error-summary]").wait_for()
        shot(phone_officer, "05-register-person-errors-360")
        phone_officer.goto(f"/placements/{records['blocked']}/")
        phone_officer.locator("#next-steps").scroll_into_view_if_needed()
        shot(phone_officer, "06-placement-blocking-reasons-360")

        if records["ready_nik"]:
            desk = page_for(PHONE, "checkpoint.soetta")
            desk.goto("/departures/desk/")
            if not desk.is_visible("#desk [name=flight]"):
                desk.click("#desk details.desk-trip summary")
            desk.select_option("#desk [name=destination]", "TW")
            desk.fill("#desk [name=flight]", "CI 762")
            desk.fill("#desk [name=identifier]", records["ready_nik"])
            desk.click("#desk .desk-submit")
            desk.wait_for_selector("[data-testid=verdict]")
            shot(desk, "07-departure-desk-verdict-360")

        cases = page_for(LAPTOP, "petugas.jabar")
        cases.goto("/cases/")
        shot(cases, "08-case-inbox-1366")
        browser.close()


if __name__ == "__main__":
    main()
