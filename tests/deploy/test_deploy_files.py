"""The service files in deploy/ are checked against the code they start: every command exists,
the addresses and limits agree between systemd, nginx and the settings, and no secret is inline."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

DEPLOY = Path(settings.BASE_DIR) / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def unit_entries(path: Path) -> dict[str, list[tuple[str, str]]]:
    """systemd allows repeated keys (several ExecStart= in a oneshot), so configparser will not do."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = []
            continue
        key, _, value = line.partition("=")
        assert current and key and value, f"{path.name}: cannot read {line!r}"
        sections[current].append((key, value))
    return sections


def values(unit: dict, section: str, key: str) -> list[str]:
    return [value for name, value in unit.get(section, []) if name == key]


def test_there_are_units_for_web_worker_recovery_and_daily_jobs():
    names = {path.name for path in UNITS}
    assert {"lindungi-web.service", "lindungi-worker@.service", "lindungi-recover.service",
            "lindungi-daily.service"} <= names
    assert (DEPLOY / "systemd" / "lindungi-daily.timer").exists()


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_every_unit_starts_something_that_exists(path):
    unit = unit_entries(path)
    starts = values(unit, "Service", "ExecStart")
    assert starts, f"{path.name} starts nothing"
    commands = get_commands()
    for start in starts:
        argv = start.split()
        program = argv[0]
        assert program.startswith("/srv/lindungi/"), program
        if program.endswith("/python"):
            assert argv[1] == "manage.py" and argv[2] in commands, f"{path.name}: unknown command {argv[2:3]}"
        elif program.endswith("/gunicorn"):
            module, _, attribute = argv[1].partition(":")
            assert (Path(settings.BASE_DIR) / (module.replace(".", "/") + ".py")).exists()
            assert attribute == "application"
        else:
            local = DEPLOY / Path(program).name
            assert local.exists(), f"{path.name}: {program} is not in deploy/"
    assert values(unit, "Service", "User") == ["lindungi"], "services never run as root"
    assert values(unit, "Service", "EnvironmentFile") == ["/etc/lindungi/lindungi.env"]
    assert values(unit, "Service", "NoNewPrivileges") == ["true"]


def test_nginx_proxies_to_where_gunicorn_listens_with_the_upload_limit_of_the_settings():
    site = (DEPLOY / "nginx" / "lindungi.conf").read_text()
    web = values(unit_entries(DEPLOY / "systemd" / "lindungi-web.service"), "Service", "ExecStart")[0]
    bind = re.search(r"--bind (\S+)", web).group(1)
    assert f"server {bind} " in site
    limit = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    assert limit == settings.IMPORT_MAX_UPLOAD_MB
    assert "return 301 https://" in site
    assert "add_header" not in site, "security headers come from Django only, never twice"
    assert re.search(r"ssl_protocols TLSv1\.2 TLSv1\.3;", site)


def test_the_proxy_headers_are_the_ones_the_settings_trust():
    params = (DEPLOY / "nginx" / "proxy_params").read_text()
    env = dict(line.split("=", 1) for line in (DEPLOY / "lindungi.env.example").read_text().splitlines()
               if line and not line.startswith("#"))
    assert env["SECURE_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO"
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in params
    assert f"proxy_set_header {env['CLIENT_IP_HEADER']} $remote_addr;" in params
    # Overwritten, never appended: a client cannot forge its address with its own header.
    assert "$proxy_add_x_forwarded_for" not in params


def test_the_environment_example_holds_no_secret_and_only_known_settings():
    text = (DEPLOY / "lindungi.env.example").read_text()
    names = [line.split("=", 1)[0] for line in text.splitlines() if line and not line.startswith("#")]
    config = "".join(path.read_text() for path in (Path(settings.BASE_DIR) / "config").glob("*.py"))
    for name in names:
        base = name.removesuffix("_FILE")
        assert f'"{base}"' in config, f"{name} is not a setting Lindungi reads"
    for secret in ("DATABASE_URL", "SECRET_KEY", "METRICS_TOKEN"):
        assert f"{secret}=" not in text, f"{secret} must come from a file"


def test_the_backup_script_is_valid_shell():
    script = DEPLOY / "backup-and-drill"
    assert script.stat().st_mode & 0o111
    subprocess.run(["sh", "-n", str(script)], check=True)
