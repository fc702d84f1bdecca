"""Streaming: the model's reply reaches the page piece by piece while it is being written."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from interview_core.api import create_app
from interview_core.engine import InterviewEngine
from interview_core.errors import LLMUnavailable
from interview_core.models import InterviewConfig
from interview_core.parsing import parse_turn, partial_feedback
from interview_core.providers.gemini import GeminiClient, GeminiProvider
from interview_core.store import MemoryStore
from tests.contract import NEXT_KEYS
from tests.gemini_standin import DEFAULT_KEY, GeminiStandin
from ui.widgets import live_feedback_lines


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_an_answer_scored_with_a_listener_streams_the_reply_in_pieces(crlf):
    with GeminiStandin(crlf=crlf) as standin:
        client = GeminiClient(DEFAULT_KEY, base_url=standin.base_url, timeout=(2, 10), sleep=lambda _s: None)
        engine = InterviewEngine(GeminiProvider(client), MemoryStore())
        started = engine.start(InterviewConfig(field="Backend", total_rounds=2))
        pieces: list[str] = []
        turn = engine.submit_answer(started.session_id, "Cache the hot reads.", round=1, on_text=pieces.append)
        methods = [request.path.rsplit(":", 1)[1] for request in standin.requests]
        assert methods == ["generateContent", "streamGenerateContent"]  # only a listener makes it stream
        assert standin.requests[1].query == "alt=sse"
        assert len(pieces) == 3
        assert parse_turn("".join(pieces)).evaluation == turn.feedback


def test_the_reply_is_read_as_it_forms_scores_only_once_complete():
    reply = '{"evaluation": {"score": 7, "communication_score": 8, "technical_score": 1'
    assert partial_feedback(reply) == {"score": "7", "communication_score": "8"}  # "1" may still become "10"
    reply += '0, "confidence_score": 6, "strengths": "Named the \\"cache-aside\\" pat'
    assert partial_feedback(reply)["technical_score"] == "10"
    assert partial_feedback(reply)["strengths"] == 'Named the "cache-aside" pat'


def test_the_page_shows_what_can_be_read_so_far_or_how_much_has_arrived():
    assert live_feedback_lines('{"evalu') == "Receiving the interviewer's reply… 7 characters"
    lines = live_feedback_lines('{"score": 7, "communication_score": 8, "weaknesses": "No numbers')
    assert lines == "Overall 7/10 · Communication 8/10\nWeaknesses: No numbers"


def _events(body: str) -> list[tuple[str, dict]]:
    events = []
    for block in body.strip().split("\n\n"):
        kind = data = None
        for line in block.splitlines():
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data = json.loads(line.removeprefix("data: "))
        events.append((kind, data))
    return events


def test_the_api_streams_the_reply_then_the_original_payload():
    with GeminiStandin() as standin:
        client = GeminiClient(DEFAULT_KEY, base_url=standin.base_url, timeout=(2, 10), sleep=lambda _s: None)
        app = create_app(InterviewEngine(GeminiProvider(client), MemoryStore()))
        with TestClient(app) as api:
            started = api.post("/start-interview", json={"field": "Backend", "total_rounds": 2}).json()
            body = {"session_id": started["session_id"], "answer": "Cache the hot reads.", "round": 1}
            reply = api.post("/submit-answer/stream", json=body)
    assert reply.headers["content-type"].startswith("text/event-stream")
    events = _events(reply.text)
    kinds = [kind for kind, _ in events]
    assert kinds == ["text", "text", "text", "result"]
    streamed = parse_turn("".join(data["text"] for _, data in events[:-1]))
    result = events[-1][1]
    assert set(result) == NEXT_KEYS and result["current_round"] == 2
    assert result["feedback"] == streamed.evaluation.model_dump()


def test_a_failure_after_the_stream_started_is_an_error_event_and_the_answer_is_kept(provider):
    provider.enqueue(LLMUnavailable("The model is overloaded."))
    engine = InterviewEngine(provider, MemoryStore())
    with TestClient(create_app(engine)) as api:
        started = api.post("/start-interview", json={"field": "Backend", "total_rounds": 2}).json()
        body = {"session_id": started["session_id"], "answer": "kept", "round": 1}
        events = _events(api.post("/submit-answer/stream", json=body).text)
        assert events[-1][0] == "error" and events[-1][1]["status"] == 503
        assert "saved" in events[-1][1]["detail"]
        assert api.post("/submit-answer/stream", json={**body, "session_id": "missing"}).status_code == 404
    assert engine.get_session(started["session_id"]).pending_answer.answer == "kept"


def test_a_re_asked_reply_is_not_streamed_after_an_unusable_one():
    with GeminiStandin() as standin:
        client = GeminiClient(DEFAULT_KEY, base_url=standin.base_url, timeout=(2, 10), sleep=lambda _s: None)
        engine = InterviewEngine(GeminiProvider(client), MemoryStore())
        started = engine.start(InterviewConfig(field="Backend", total_rounds=2))
        standin.inject("malformed")
        pieces: list[str] = []
        turn = engine.submit_answer(started.session_id, "Cache the hot reads.", round=1, on_text=pieces.append)
        methods = [request.path.rsplit(":", 1)[1] for request in standin.requests]
        assert methods == ["generateContent", "streamGenerateContent", "generateContent"]
        assert turn.current_round == 2
        assert len(pieces) == 3  # only the first, unusable reply reached the listener
