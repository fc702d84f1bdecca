"""Streamlit-side state: settings, the shared engine and the interview this browser tab is on."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping

import streamlit as st

from interview_core.config import Settings
from interview_core.engine import InterviewEngine
from interview_core.errors import SessionNotFound
from interview_core.models import InterviewSession

#: a host (or a test) may put a ready engine here; otherwise one shared engine is built from the settings
ENGINE_KEY = "engine"
#: the interview this browser tab is on; mirrored in the URL as ?session=<id>
SESSION_KEY = "session_id"
QUERY_SESSION = "session"
#: settings that may come from .streamlit/secrets.toml as well as the environment
SECRET_NAMES = ("GEMINI_API_KEY", "GEMINI_MODEL", "GEMINI_BASE_URL", "INTERVIEW_DB_URL", "INTERVIEW_WHISPER_MODEL")


def _secrets() -> Mapping[str, object]:
    """Root-level secrets, or nothing when there is no secrets file (st.secrets raises then)."""
    try:
        return {name: st.secrets[name] for name in SECRET_NAMES if name in st.secrets}
    except Exception:  # no secrets.toml anywhere, or an unreadable one: run without secrets
        return {}


def app_environ() -> dict[str, str]:
    """The environment with root-level secrets laid over it (what `Settings.from_env` reads)."""
    environ = dict(os.environ)
    for name, value in _secrets().items():
        if isinstance(value, str | int | float) and str(value).strip():
            environ[name] = str(value)
    return environ


def settings() -> Settings:
    return Settings.from_env(app_environ())


def key_source() -> str | None:
    """Where the Gemini key came from, never the key itself; None when there is no key."""
    if str(_secrets().get("GEMINI_API_KEY") or "").strip():
        return ".streamlit/secrets.toml"
    if (os.environ.get("GEMINI_API_KEY") or "").strip():
        return "the GEMINI_API_KEY environment variable"
    return None


def engine() -> InterviewEngine:
    """The engine pages call; raises ConfigurationError when no interviewer can be built."""
    injected = st.session_state.get(ENGINE_KEY)
    if injected is not None:
        return injected
    environ = app_environ()
    relevant = "\n".join(f"{name}={environ.get(name, '')}" for name in SECRET_NAMES)
    # The cache is keyed by a digest of the settings, so a new key or database builds a new engine
    # and the key itself never becomes part of a cache key.
    return _shared_engine(hashlib.sha256(relevant.encode()).hexdigest(), environ)


@st.cache_resource(show_spinner=False, max_entries=4)
def _shared_engine(fingerprint: str, _environ: dict[str, str]) -> InterviewEngine:
    return InterviewEngine.from_env(_environ)


def active_session_id() -> str | None:
    """The interview named in the URL (?session=<id>), else the one this tab last worked on."""
    from_url = (st.query_params.get(QUERY_SESSION) or "").strip()
    if from_url:
        st.session_state[SESSION_KEY] = from_url
        return from_url
    session_id = st.session_state.get(SESSION_KEY)
    if session_id:
        # keep the URL shareable and reloadable: it resumes the same interview
        st.query_params[QUERY_SESSION] = session_id
    return session_id


def set_active_session(session_id: str | None) -> None:
    if session_id:
        st.session_state[SESSION_KEY] = session_id
    else:
        st.session_state.pop(SESSION_KEY, None)


def load_session(session_id: str) -> InterviewSession | None:
    """The stored interview, or None (and the tab forgets it) when it no longer exists."""
    try:
        return engine().get_session(session_id)
    except SessionNotFound:
        if st.session_state.get(SESSION_KEY) == session_id:
            set_active_session(None)
        st.query_params.pop(QUERY_SESSION, None)
        return None
