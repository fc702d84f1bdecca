"""Security across the stack: the key stays in one header, and model output cannot become markup.

A Gemini interview runs through the stand-in with faults on the way, over the REST
API and in the Streamlit app. The key must not show up in logs at any level, API
replies (errors included), the database file, exports or the page; hostile model
text must reach the page escaped.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from streamlit.testing.v1 import AppTest

from interview_core.api import create_app
from interview_core.engine import InterviewEngine
from interview_core.export import to_json, to_markdown
from interview_core.providers.gemini import GeminiClient, GeminiProvider
from interview_core.providers.offline import OfflineProvider
from interview_core.store import SqlStore
from tests.app_support import APP, page_text
from tests.gemini_standin import GeminiStandin

SECRET = "AIzaSy-SECRET-never-show-0123456789abcdef"
HOSTILE = (
    '<script>alert("pwned")</script> <img src="http://evil.example/x.png"> '
    "![tracker](http://evil.example/t.png) [claim your prize](https://evil.example/win) www.evil.example"
)


class HostileStandin(GeminiStandin):
    """Answers like the stand-in, with markup and remote links planted in the model's text."""

    def reply_text(self, body, prompt):
        text = super().reply_text(body, prompt)
        try:
            reply = json.loads(text)
        except ValueError:
            return text
        if isinstance(reply, dict) and "evaluation" in reply:
            reply["evaluation"]["strengths"] = HOSTILE
            reply["evaluation"]["weaknesses"] = "Missing depth. " + HOSTILE
        if isinstance(reply, dict) and isinstance(reply.get("next_question"), dict):
            reply["next_question"]["text"] += " " + HOSTILE
        return json.dumps(reply)


def _files_of(database: Path) -> bytes:
    return b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))


def test_the_key_never_leaves_the_request_header(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, urllib3's included
    database = tmp_path / "secure.db"
    with GeminiStandin(api_key=SECRET) as standin:
        client = GeminiClient(SECRET, base_url=standin.base_url, timeout=(2, 5), sleep=lambda _s: None)
        engine = InterviewEngine(GeminiProvider(client), SqlStore(f"sqlite:///{database}"), fallback=OfflineProvider())
        replies = []
        with TestClient(create_app(engine)) as api:
            start = {"field": "Backend", "interview_type": "Technical", "difficulty": 5, "total_rounds": 3}
            replies.append(api.post("/start-interview", json=start))
            session_id = replies[-1].json()["session_id"]

            def submit(answer: str, round_number: int):
                body = {"session_id": session_id, "answer": answer, "round": round_number}
                replies.append(api.post("/submit-answer", json=body))
                return replies[-1]

            standin.inject("429", "500", "malformed")
            assert submit("Cache the hot reads.", 1).status_code == 200
            standin.inject("403")
            assert submit("Shard by customer.", 2).status_code == 502
            standin.inject("429_per_day")
            assert submit("Shard by customer.", 2).status_code == 503
            assert submit("Shard by customer.", 2).status_code == 200
            assert submit(f"My key is not {SECRET[:6]}; queue the emails.", 3).status_code == 200
            replies.append(api.get(f"/sessions/{session_id}"))
            replies.append(api.get(f"/session-summary/{session_id}"))
            replies.append(api.get("/health"))
        session = engine.get_session(session_id)

        for request in standin.requests:
            assert request.headers.get("x-goog-api-key") == SECRET
            assert SECRET not in request.path and SECRET not in request.query
    for reply in replies:
        assert SECRET not in reply.text
    assert any(reply.status_code == 502 and "GEMINI_API_KEY" in reply.json()["detail"] for reply in replies)
    assert SECRET not in caplog.text
    assert SECRET.encode() not in _files_of(database)
    assert SECRET not in to_markdown(session) and SECRET not in to_json(session)


UNESCAPED_MARKUP = re.compile(r"(?<!\\)<|(?<!\\)!(?<!\\)\[|(?i:https?://)|(?<!\u2060)www\.")


@pytest.mark.usefixtures("app_navigation")
def test_a_gemini_interview_in_the_app_never_shows_the_key_and_renders_hostile_text_inert(monkeypatch, tmp_path):
    monkeypatch.setenv("GEMINI_API_KEY", "")
    monkeypatch.setenv("INTERVIEW_DB_URL", f"sqlite:///{tmp_path / 'app.db'}")
    with HostileStandin(api_key=SECRET) as standin:
        at = AppTest.from_file(APP, default_timeout=60)
        at.secrets["GEMINI_API_KEY"] = SECRET
        at.secrets["GEMINI_BASE_URL"] = standin.base_url
        at.run()
        at.text_input(key="setup_field").input("Backend Development")
        at.number_input(key="setup_rounds").set_value(2)
        next(b for b in at.button if b.label == "Start interview").click().run()
        assert not at.exception and not at.error
        answer = next(area for area in at.text_area if area.max_chars)
        answer.input("I would cache hot reads and measure the hit rate.")
        next(b for b in at.button if b.label == "Submit answer").click().run()
        assert not at.exception and not at.error
        assert standin.calls == 2

        shown = page_text(at)
        assert SECRET not in shown
        assert "alert" in shown and "claim your prize" in shown  # the text is there, as text
        # model text reaches the page either as st.text (parses nothing) or as escaped Markdown
        as_plain_text = [e for e in at.text if "alert" in e.value]
        hostile_elements = [e for e in at.markdown if "alert" in e.value or "evil" in e.value]
        assert as_plain_text or hostile_elements
        for element in at.markdown:
            assert not element.proto.allow_html
        for element in hostile_elements:
            assert not UNESCAPED_MARKUP.search(element.value), element.value
