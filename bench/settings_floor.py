"""The floor for the lookup benchmark: bare Django, no middleware, one view, the same database."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
MIDDLEWARE: list[str] = []
