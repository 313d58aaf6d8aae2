"""Runtime settings of an envplan installation.

Only ``cli`` and ``web`` read configuration: they call :func:`load_settings` with the process
environment and pass the resulting :class:`Settings` down. Lower layers receive paths and URLs as
arguments and never look at the environment themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from envplan.services.home import demo_secret

ENV_HOME = "ENVPLAN_HOME"
ENV_DATABASE_URL = "ENVPLAN_DATABASE_URL"
ENV_SECRET_KEY = "ENVPLAN_SECRET_KEY"
#: Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed (none default).
ENV_TRUSTED_PROXIES = "ENVPLAN_TRUSTED_PROXIES"

#: Refused everywhere outside demo mode (it was once the demo's constant key). Demo mode itself
#: now signs with a random key per home (:func:`envplan.services.home.demo_secret`).
DEMO_SECRET_KEY = "envplan-demo-secret-do-not-use-in-production"


class HomeNotUsable(ValueError):
    """ENVPLAN_HOME names something that cannot be a data folder (a file, or a folder that
    cannot be created or written); the message is the zh-CN text to show."""


def check_home(home: Path) -> Path:
    """``home`` when it is, or can become, a data folder; else :class:`HomeNotUsable`."""
    if home.exists() and not home.is_dir():
        raise HomeNotUsable(
            f"{ENV_HOME} 指向的 {home} 是一个文件，不是文件夹：请改为数据文件夹的路径 / "
            f"{ENV_HOME} ({home}) is a file, not a folder"
        )
    return home


@dataclass(frozen=True)
class Settings:
    """Where envplan keeps its data and records.

    home: data folder (records database by default, Parquet time series, evidence files).
    database_url: SQLAlchemy URL of the records database (SQLite or PostgreSQL).
    secret_key: signs session cookies and CSRF tokens.
    demo: demo mode (labelled 示例 data, demo logins, the demo secret is allowed).
    """

    home: Path
    database_url: str
    secret_key: str
    demo: bool = False
    trusted_proxies: tuple[str, ...] = ()

    @property
    def timeseries_dir(self) -> Path:
        return self.home / "timeseries"

    @property
    def evidence_dir(self) -> Path:
        return self.home / "evidence"


def load_settings(environ: Mapping[str, str], *, demo: bool = False) -> Settings:
    """Build settings from an environment mapping (``os.environ`` in cli/web).

    ``ENVPLAN_HOME`` defaults to the per-user data directory (a file there is
    :class:`HomeNotUsable`); ``ENVPLAN_DATABASE_URL`` defaults to
    SQLite ``envplan.sqlite3`` under the home; ``ENVPLAN_SECRET_KEY`` is required outside demo mode
    (demo mode without it uses the home's random demo key); ``ENVPLAN_TRUSTED_PROXIES`` lists the
    proxies whose X-Forwarded-For is believed.
    """

    home = Path(environ.get(ENV_HOME) or platformdirs.user_data_dir("envplan")).expanduser()
    check_home(home)
    database_url = environ.get(ENV_DATABASE_URL) or f"sqlite:///{home / 'envplan.sqlite3'}"
    secret_key = environ.get(ENV_SECRET_KEY) or ""
    if not secret_key:
        if not demo:
            raise ValueError(
                f"未设置 {ENV_SECRET_KEY}：非演示模式必须配置密钥 / {ENV_SECRET_KEY} is required outside demo mode"
            )
        try:
            secret_key = demo_secret(home)
        except OSError as error:  # e.g. a parent that is a file, or no write permission
            raise HomeNotUsable(
                f"无法在 {ENV_HOME} 指向的 {home} 建立数据文件夹（{error.strerror or error}）/ "
                f"cannot use {home} as the data folder"
            ) from error
    elif secret_key == DEMO_SECRET_KEY and not demo:
        raise ValueError(
            "演示密钥不能用于正式环境 / the demo secret key is refused outside demo mode"
        )
    proxies = tuple(p.strip() for p in environ.get(ENV_TRUSTED_PROXIES, "").split(",") if p.strip())
    return Settings(
        home=home,
        database_url=database_url,
        secret_key=secret_key,
        demo=demo,
        trusted_proxies=proxies,
    )
