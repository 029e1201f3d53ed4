import pytest

from server import create_app
from server.config import InsecureConfiguration


def test_settings_come_from_colis_prefixed_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("COLIS_DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite")
    monkeypatch.setenv("COLIS_DASHBOARD_MAX_RATE", "4")
    app = create_app()
    assert app.config["DATABASE_URL"].endswith("env.sqlite")
    assert app.config["DASHBOARD_MAX_RATE"] == 4
    app.extensions["colis"].close()


def test_the_embedded_default_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("COLIS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("COLIS_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path}/colis.sqlite"
    assert app.config["REDIS_URL"] is None
    app.extensions["colis"].close()


# No key at all is not refused: one is generated in the instance folder (test_security_keys.py).
@pytest.mark.parametrize("key", ["dev-only-not-secret", "short", "a" * 32, "ab" * 32])
def test_production_refuses_to_start_with_a_default_or_weak_secret_key(monkeypatch, key):
    monkeypatch.setenv("COLIS_ENV", "production")
    if key is None:
        monkeypatch.delenv("COLIS_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("COLIS_SECRET_KEY", key)
    with pytest.raises(InsecureConfiguration, match="COLIS_SECRET_KEY"):
        create_app()


def test_production_starts_with_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("COLIS_ENV", "production")
    key = "9f2c41d07be85a3e6d1c0f94b27a8e53c6d0f1a29b84e7c35d6a0b1f92e47c8d"  # token_hex(32)
    monkeypatch.setenv("COLIS_SECRET_KEY", key)
    monkeypatch.setenv("COLIS_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    app = create_app()
    assert app.config["SECRET_KEY"] == key
    app.extensions["colis"].close()
