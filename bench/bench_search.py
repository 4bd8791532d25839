"""Name-fragment search through the API, one client at a time: p50 and p95 latency."""

import argparse
import json
import random
import statistics
import time
import urllib.parse
import urllib.request

from bench.common import Server, manage, save


def run(backend: str, queries: int = 400) -> dict:
    manage(backend, "shell", "-c", (
        "from lindungi.accounts.models import User\n"
        "u, _ = User.objects.get_or_create(username='bench.admin', defaults={'role': 'admin'})\n"
        "u.set_password('bench-password-1'); u.save()\n"
    ), quiet=True)
    names = json.loads(manage(backend, "shell", "-c", (
        "import json\nfrom lindungi.registry.models import Person\n"
        "print(json.dumps(list(Person.objects.order_by('?').values_list('full_name', flat=True)[:2000])))"
    ), quiet=True).strip().splitlines()[-1])
    rng = random.Random(7)
    fragments = []
    for name in names:
        words = name.split()
        word = rng.choice(words)
        fragments.append(word[: rng.randint(3, len(word))] if len(word) > 3 else word)
        if len(words) > 1 and rng.random() < 0.4:
            fragments[-1] = f"{words[0][:4]} {words[-1][:3]}"
    timings, totals = [], []
    with Server(backend, 8713) as api:
        body = json.dumps({"username": "bench.admin", "password": "bench-password-1"}).encode()
        req = urllib.request.Request(api.url + "/api/v1/auth/token", data=body,
                                     headers={"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(req))["token"]
        for fragment in fragments[:queries]:
            url = api.url + "/api/v1/persons?" + urllib.parse.urlencode({"q": fragment, "page_size": 25})
            started = time.perf_counter()
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})) as r:
                totals.append(json.load(r)["total"])
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    result = {"backend": backend, "queries": len(timings), "p50_ms": round(statistics.median(timings), 1),
              "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1), "max_ms": round(timings[-1], 1),
              "median_hits": statistics.median(totals)}
    save(f"search-{backend}", result)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite")
    args = parser.parse_args()
    run(args.backend)
