"""`manage.py check --deploy` passes with nothing but the four required variables and
fails when SITE_URL is forgotten, as every PDF and the open data link there."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "SECRET_KEY": "ein-langer-zufaelliger-schluessel-" + "x" * 40,
    "ALLOWED_HOSTS": "digitalisierung.example",
    "DATABASE_URL": "sqlite:////tmp/iserlohn-deploy-check.sqlite3",
    "SITE_URL": "https://digitalisierung.example",
}


def deploy_check(**variables):
    env = {"PATH": os.environ["PATH"], **variables}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_four_required_variables_pass_the_deploy_check():
    result = deploy_check(**REQUIRED)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("site_url", [None, "http://127.0.0.1:8000", "http://localhost"])
def test_a_forgotten_or_local_site_url_fails_the_deploy_check(site_url):
    variables = {k: v for k, v in REQUIRED.items() if k != "SITE_URL"}
    if site_url:
        variables["SITE_URL"] = site_url
    result = deploy_check(**variables)
    assert result.returncode != 0
    assert "iserlohn_digital.E001" in result.stdout + result.stderr
