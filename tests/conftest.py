from __future__ import annotations

import pytest

from interview_core.engine import InterviewEngine
from interview_core.models import InterviewConfig
from interview_core.store import MemoryStore
from tests.fakes import ScriptedProvider


@pytest.fixture
def provider() -> ScriptedProvider:
    return ScriptedProvider()


@pytest.fixture
def engine(provider: ScriptedProvider) -> InterviewEngine:
    return InterviewEngine(provider, MemoryStore())


@pytest.fixture
def config() -> InterviewConfig:
    return InterviewConfig(field="Software Engineering", interview_type="Technical", difficulty=5, total_rounds=3)


@pytest.fixture(autouse=True)
def _no_real_keys(monkeypatch, tmp_path):
    """Tests never see a developer's real key or database."""
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.setenv("GEMINI_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("INTERVIEW_DB_URL", f"sqlite:///{tmp_path / 'interviews.db'}")


@pytest.fixture
def app_navigation(monkeypatch):
    """Every AppTest run goes through app.py's st.navigation (see tests.app_support.NavigationRegistered).

    AppTest modules use it with `pytestmark = pytest.mark.usefixtures("app_navigation")`.
    """
    import streamlit.testing.v1.app_test

    from tests.app_support import NavigationRegistered

    monkeypatch.setattr(streamlit.testing.v1.app_test, "PagesManager", NavigationRegistered)
