import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "sp2k.settings",
    "DEBUG": "0",
    "SECRET_KEY": "x7Gk!pq2-Lm9#Zr4@Vb8$Nc1^Hd6&Jf3*Tw5(Qs0)Ye2_Ua7+Io4=Pe9",
    "ALLOWED_HOSTS": "sp2k.jatimprov.go.id",
    "SITE_URL": "https://sp2k.jatimprov.go.id",
    "DATABASE_URL": "sqlite:////tmp/sp2k-deploy-check.sqlite3",
}


def manage(*args, env):
    inherited = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # test-run settings
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.postgres_only
def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.postgres_only
def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.postgres_only
def test_production_refuses_to_start_without_the_public_address():
    """The documents' QR codes are built from SITE_URL: without it they would lead to 127.0.0.1."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SITE_URL"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr


def test_pages_send_a_strict_content_security_policy(client, db):
    response = client.get("/")
    directives = {d.strip() for d in response["Content-Security-Policy"].split(";")}
    assert {"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} <= directives
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
