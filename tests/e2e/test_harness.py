"""The browser harness never skips silently: no chromium is a failure unless the skip is asked for."""

import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.browser import PATH_ENV, SKIP_ENV, decide

ROOT = Path(__file__).resolve().parents[2]


def no_chromium(_name):
    return None


def test_missing_chromium_is_a_failure_not_a_skip():
    decision = decide(environ={}, which=no_chromium)
    assert decision.executable is None and decision.skip_reason is None
    assert "chromium not found" in decision.failure and SKIP_ENV in decision.failure


def test_only_an_explicit_request_skips():
    assert decide(environ={SKIP_ENV: "1"}, which=no_chromium).skip_reason
    for value in ("", "0", "yes", "true"):  # anything but "1" is not a request
        assert decide(environ={SKIP_ENV: value}, which=no_chromium).failure


def test_chromium_on_path_or_named_explicitly(tmp_path):
    assert decide(environ={}, which=lambda name: f"/usr/bin/{name}").executable == "/usr/bin/chromium"
    binary = tmp_path / "chrome"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    assert decide(environ={PATH_ENV: str(binary)}, which=no_chromium).executable == str(binary)
    missing = decide(environ={PATH_ENV: str(tmp_path / "absent")}, which=lambda name: "/usr/bin/chromium")
    assert missing.failure and str(tmp_path / "absent") in missing.failure


def _run_smoke(extra_env):
    env = {key: value for key, value in os.environ.items() if key != SKIP_ENV}
    env.update({PATH_ENV: "/nonexistent/chromium", **extra_env})
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:randomly", "-p", "no:cacheprovider",
         "tests/e2e/test_smoke.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )


def test_suite_fails_without_chromium_and_skips_only_on_request():
    failed = _run_smoke({})
    assert failed.returncode != 0, failed.stdout
    assert "chromium not found" in failed.stdout and "skipped" not in failed.stdout.splitlines()[-1]
    skipped = _run_smoke({SKIP_ENV: "1"})
    assert skipped.returncode == 0, skipped.stdout
    assert "skipped" in skipped.stdout.splitlines()[-1]
