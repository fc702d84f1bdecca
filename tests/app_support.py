"""Helpers for AppTest: open a page as a new browser tab would, and read everything it shows."""

from __future__ import annotations

from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from interview_core.engine import InterviewEngine
from ui.state import ENGINE_KEY

APP = str(Path(__file__).resolve().parent.parent / "app.py")


class NavigationRegistered(PagesManager):
    """Runs go through app.py's st.navigation, as on a server that has served app.py once.

    AppTest forgets before each run that app.py registered its navigation, so with a pages/ folder every
    run after the first would execute the page file alone: what only a fresh server's first request does
    (tests/e2e covers that). Patch it in as AppTest's PagesManager (the `app_navigation` fixture does).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def open_page(page: str, engine: InterviewEngine | None, session_id: str | None = None, timeout: int = 60) -> AppTest:
    """`page` as a new browser tab opened on ?session=<id> (or on nothing), through app.py."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if engine is not None:
        at.session_state[ENGINE_KEY] = engine
    at.run()
    if session_id:
        at.query_params["session"] = session_id
    return at.switch_page(page).run()


def page_text(at: AppTest) -> str:
    """Everything the page sends to the browser, as text."""
    parts: list[str] = []

    def walk(node) -> None:
        if getattr(node, "proto", None) is not None:
            parts.append(str(node.proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)
