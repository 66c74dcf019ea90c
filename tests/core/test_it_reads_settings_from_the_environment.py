import pytest
from django.core.exceptions import ImproperlyConfigured

from clausier.core.dburl import parse_database_url
from clausier.core.env import env_bool, env_int, env_list, env_secret


def test_booleans(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be a boolean"):
        env_bool("X_FLAG")


def test_integers(monkeypatch):
    monkeypatch.setenv("X_INT", "12")
    assert env_int("X_INT", 1) == 12
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_INT must be an integer"):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X_INT", 5, minimum=1)


def test_lists_and_secret_files(monkeypatch, tmp_path):
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_list("X_LIST") == ["a", "b", "c"]
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_KEY_FILE", str(secret))
    assert env_secret("X_KEY") == "s3cret"
    monkeypatch.setenv("X_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        env_secret("X_KEY")


def test_database_urls():
    pg = parse_database_url("postgres://clz:p%40ss@db.local:5433/clausier?sslmode=require")
    assert (pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "clausier",
        "clz",
        "p@ss",
        "db.local",
        "5433",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    assert (pg["ENGINE"], pg["CONN_MAX_AGE"], pg["CONN_HEALTH_CHECKS"]) == (
        "django.db.backends.postgresql",
        60,
        True,
    )
    assert parse_database_url("postgres://db.local/clz")["PORT"] == ""
    sqlite = parse_database_url("sqlite:////var/lib/clz.db")
    assert sqlite["NAME"] == "/var/lib/clz.db"
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    assert sqlite["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert parse_database_url("sqlite://")["NAME"] == ":memory:"
    assert parse_database_url("sqlite:///var.db")["NAME"] == "var.db"
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        parse_database_url("mysql://x/y")
    with pytest.raises(ImproperlyConfigured, match="must name a database"):
        parse_database_url("postgres://host/")


def test_a_secret_key_is_required_outside_the_embedded_default(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SECRET_KEY_FILE"}}
    env.update(CLAUSIER_EMBEDDED="0", DEBUG="0", CLAUSIER_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", "import clausier.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
