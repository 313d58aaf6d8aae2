from pathlib import Path

import pytest

from envplan.services.settings import DEMO_SECRET_KEY, load_settings


def test_defaults_to_sqlite_under_home(tmp_path: Path) -> None:
    s = load_settings({"ENVPLAN_HOME": str(tmp_path)}, demo=True)
    assert s.database_url == f"sqlite:///{tmp_path / 'envplan.sqlite3'}"
    # demo mode signs with a random key of its own home, never the old published constant
    assert s.secret_key != DEMO_SECRET_KEY and len(s.secret_key) >= 32
    assert load_settings({"ENVPLAN_HOME": str(tmp_path)}, demo=True).secret_key == s.secret_key
    other = tmp_path / "other"
    assert load_settings({"ENVPLAN_HOME": str(other)}, demo=True).secret_key != s.secret_key


def test_refuses_missing_or_demo_secret_outside_demo(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ENVPLAN_SECRET_KEY"):
        load_settings({"ENVPLAN_HOME": str(tmp_path)})
    with pytest.raises(ValueError, match="demo"):
        load_settings({"ENVPLAN_HOME": str(tmp_path), "ENVPLAN_SECRET_KEY": DEMO_SECRET_KEY})


def test_database_url_from_environment(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    s = load_settings({"ENVPLAN_HOME": str(tmp_path), "ENVPLAN_DATABASE_URL": url}, demo=True)
    assert s.database_url == url
