"""Settings read from the environment (Streamlit exports root-level secrets to it)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigurationError

DEFAULT_MODEL = "gemini-3-flash-preview"
DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
APP_DIR_NAME = "mock-interview-coach"


def default_db_url() -> str:
    """A SQLite file in the user's data folder."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    folder = Path(base) / APP_DIR_NAME
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'interviews.db'}"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def _seconds(value: str | None, default: float) -> float:
    try:
        number = float(value) if value else default
    except ValueError as exc:
        raise ConfigurationError(f"GEMINI_TIMEOUT must be a number of seconds; got {value!r}.") from exc
    return number if number > 0 else default


@dataclass(frozen=True)
class Settings:
    gemini_api_key: str | None
    gemini_model: str
    gemini_base_url: str
    db_url: str
    #: score a round offline when the model stays unavailable, instead of failing
    offline_fallback: bool
    #: seconds to wait for the model's answer on one attempt (connect timeout is separate)
    gemini_timeout: float = 60.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        key = (env.get("GEMINI_API_KEY") or "").strip() or None
        return cls(
            gemini_api_key=key,
            gemini_model=(env.get("GEMINI_MODEL") or "").strip() or DEFAULT_MODEL,
            gemini_base_url=((env.get("GEMINI_BASE_URL") or "").strip() or DEFAULT_BASE_URL).rstrip("/"),
            db_url=(env.get("INTERVIEW_DB_URL") or "").strip() or default_db_url(),
            offline_fallback=_flag(env.get("INTERVIEW_OFFLINE_FALLBACK"), True),
            gemini_timeout=_seconds(env.get("GEMINI_TIMEOUT"), 60.0),
        )

    def __repr__(self) -> str:  # never show the key
        key = "set" if self.gemini_api_key else "unset"
        return f"Settings(gemini_api_key=<{key}>, gemini_model={self.gemini_model!r}, db_url={self.db_url!r})"
