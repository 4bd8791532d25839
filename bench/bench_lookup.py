"""Lookup by NIK (POST, the NIK in a JSON body) through the API (bearer token, scoping, access log)
beside bare Django doing the same single query from the same kind of request, both under gunicorn
with 2 sync workers, 32 concurrent wrk connections."""

import argparse
import json
import urllib.request

from bench.common import DATA, Server, manage, save, wrk


def token_for(url: str) -> str:
    body = json.dumps({"username": "bench.partner", "password": "bench-password-1"}).encode()
    req = urllib.request.Request(url + "/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))["token"]


def run(backend: str, seconds: int) -> dict:
    manage(backend, "shell", "-c", (
        "from lindungi.accounts.models import User\n"
        "u, _ = User.objects.get_or_create(username='bench.partner', defaults={'role': 'partner_api'})\n"
        "u.set_password('bench-password-1'); u.save()\n"
        "from lindungi.registry.models import Person\n"
        "niks = Person.objects.order_by('?').values_list('nik', flat=True)[:20000]\n"
        f"open('{DATA}/niks.txt', 'w').write('\\n'.join(niks))\n"
    ), quiet=True)
    niks = DATA / "niks.txt"
    with Server(backend, 8711) as api:
        token = token_for(api.url)
        lookup = {"header": f"Bearer {token}", "method": "POST"}
        wrk(api.url, "/api/v1/persons/lookup", niks, seconds=3, **lookup)  # warm up
        lindungi = wrk(api.url, "/api/v1/persons/lookup", niks, seconds=seconds, **lookup)
    with Server(backend, 8712, settings="bench.settings_floor") as floor:
        wrk(floor.url, "/floor/lookup", niks, seconds=3, method="POST")
        bare = wrk(floor.url, "/floor/lookup", niks, seconds=seconds, method="POST")
    result = {"backend": backend, "api": lindungi, "floor": bare, "ratio": round(lindungi["rps"] / bare["rps"], 3)}
    save(f"lookup-{backend}", result)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    run(args.backend, args.seconds)
