"""The deployment files of README's guide: the systemd unit and the nginx site.

The unit is checked by ``systemd-analyze verify`` (unknown keys, bad values) with its
command pointed at this checkout's ``bordermap``, and its command line is parsed by
BorderMap's own CLI parser. The nginx site is checked for the proxy headers BorderMap's
links and ETags rely on. README shows both files verbatim.
"""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from service.commands.main import build_parser
from tests.conftest import ROOT

UNIT = ROOT / "deploy" / "bordermap.service"
NGINX = ROOT / "deploy" / "nginx-bordermap.conf"


def _unit() -> configparser.ConfigParser:
    cp = configparser.ConfigParser(strict=True, interpolation=None)
    cp.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    cp.read_string(UNIT.read_text())
    return cp


def test_unit_runs_bordermap_serve_safely() -> None:
    unit = _unit()
    service = unit["Service"]
    argv = shlex.split(service["ExecStart"])
    assert argv[0].endswith("/bin/bordermap")
    args = build_parser()[0].parse_args(argv[1:])
    assert args.command == "serve" and args.host == "127.0.0.1" and args.workers >= 2
    assert service["User"] not in ("root", "0") and service["Restart"] == "on-failure"
    assert service["NoNewPrivileges"] == "yes" and service["PrivateTmp"] == "yes"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    bordermap = Path(sys.executable).with_name("bordermap")
    if not bordermap.exists():
        pytest.skip("the bordermap console script is not installed in this environment")
    unit = tmp_path / "bordermap.service"
    unit.write_text(UNIT.read_text().replace("/srv/bordermap/.venv/bin/bordermap", str(bordermap)))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert not re.search(r"Unknown|Invalid|Failed|ignoring", done.stderr), done.stderr


def test_nginx_site_passes_what_bordermap_needs() -> None:
    conf = NGINX.read_text()
    assert "proxy_pass http://bordermap;" in conf
    assert re.search(r"server 127\.0\.0\.1:8000;", conf)  # the unit's --host/--port
    for header in ("Host $host", "X-Forwarded-For", "X-Forwarded-Proto $scheme"):
        assert f"proxy_set_header {header}" in conf
    assert "listen 443 ssl" in conf and "return 301 https://" in conf
    assert conf.count("{") == conf.count("}")
    # Every directive line ends with ";" or opens/closes a block.
    for line in conf.splitlines():
        code = line.split("#", 1)[0].strip()
        assert not code or code.endswith((";", "{", "}")), line


def test_readme_shows_the_files() -> None:
    readme = (ROOT / "README.md").read_text()
    for path in (UNIT, NGINX):
        assert path.read_text().strip() in readme, f"README does not show {path.name}"
