"""``wait_until(page, expression)``: poll a JavaScript expression from Python until it is true.

Playwright's ``wait_for_function`` with a string compiles it inside the page with ``new Function``,
which the Content-Security-Policy (``script-src 'self'``, no ``unsafe-eval``) rightly refuses;
``page.evaluate`` goes through the DevTools protocol instead, which the policy does not govern."""

import time


def wait_until(page, expression: str, *, timeout: float = 15.0, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:.0f} s: {expression}")
        time.sleep(every)
