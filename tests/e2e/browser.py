"""Whether the browser tests can run, decided once, with no silent way out.

A missing chromium is a failure, not a skip: a suite that quietly skipped its browser tests would
report green while nothing was looked at in a browser. The only way to skip them is to say so:
``LINDUNGI_SKIP_BROWSER=1``. ``LINDUNGI_CHROMIUM`` points at another binary (Playwright cannot
download its own browsers on these machines).
"""

import os
import shutil
from dataclasses import dataclass

SKIP_ENV = "LINDUNGI_SKIP_BROWSER"
PATH_ENV = "LINDUNGI_CHROMIUM"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass(frozen=True)
class BrowserDecision:
    executable: str | None  # the chromium to launch, when there is one
    skip_reason: str | None  # set only when the skip was asked for explicitly
    failure: str | None  # set when the tests must fail rather than run


def find_chromium(environ=os.environ, which=shutil.which) -> str | None:
    explicit = environ.get(PATH_ENV, "").strip()
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    return which("chromium") or which("chromium-browser")


def decide(environ=os.environ, which=shutil.which) -> BrowserDecision:
    if environ.get(SKIP_ENV, "").strip() == "1":
        return BrowserDecision(None, f"browser tests skipped on request ({SKIP_ENV}=1)", None)
    executable = find_chromium(environ, which)
    if executable is None:
        where = environ.get(PATH_ENV) or "chromium or chromium-browser on PATH"
        return BrowserDecision(None, None, (
            f"chromium not found ({where}). Install Debian's package (apt-get install chromium) "
            f"or set {SKIP_ENV}=1 to skip the browser tests knowingly."))
    return BrowserDecision(executable, None, None)
