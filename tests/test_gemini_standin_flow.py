"""The engine end to end against the local Gemini stand-in, as the issue's checks drive it."""

import json
import logging
from collections.abc import Callable

import pytest

from interview_core.engine import InterviewEngine
from interview_core.errors import LLMError, LLMHTTPError, LLMQuotaExceeded
from interview_core.models import InterviewConfig
from interview_core.providers.gemini import GeminiClient, GeminiProvider
from interview_core.store import SqlStore
from tests.gemini_standin import DEFAULT_KEY, GeminiStandin, gemini_standin  # noqa: F401

CONFIG = InterviewConfig(field="Backend Engineering", interview_type="Technical", difficulty=5, total_rounds=5)


@pytest.fixture
def env(monkeypatch, gemini_standin):  # noqa: F811
    """Point the engine's environment at the stand-in, with no offline fallback to hide failures."""
    for name, value in gemini_standin.env(INTERVIEW_OFFLINE_FALLBACK="0").items():
        monkeypatch.setenv(name, value)
    return gemini_standin


def run_interview(
    engine: InterviewEngine,
    config: InterviewConfig = CONFIG,
    retries: int = 0,
    before_round: Callable[[int], object] = lambda _: None,
) -> tuple[str, list[str]]:
    """Answer every round; after a failure submit the same answer again, as the candidate would.

    `before_round(n)` runs before round n is submitted (n = 0: before the start).
    """
    before_round(0)
    session_id = engine.start(config).session_id
    answers = []
    for round_number in range(1, config.total_rounds + 1):
        before_round(round_number)
        answer = f"My answer for round {round_number}: measure first, then add a cache with a TTL."
        for attempt in range(retries + 1):
            try:
                engine.submit_answer(session_id, answer)
                break
            except LLMError:
                session = engine.get_session(session_id)
                assert session.pending_answer.answer == answer  # nothing typed is lost
                if attempt == retries:
                    raise
        answers.append(answer)
    return session_id, answers


def test_a_five_round_interview_costs_six_calls_and_follows_the_rule(env):
    engine = InterviewEngine.from_env()
    assert engine.label == "Gemini (gemini-3-flash-preview)"
    session_id, answers = run_interview(engine)
    session = engine.get_session(session_id)
    summary = engine.session_summary(session_id)
    assert env.calls == 6
    assert summary.score_history == [9, 6, 3, 8, 5]
    assert [turn.difficulty for turn in session.history] + [summary.difficulty_current] == [5, 7, 8, 7, 9, 10]
    assert summary.average_score == 6.2 and summary.completed_rounds == 5
    assert session.is_complete and session.final_report.summary == "Scripted final report from the stand-in."
    assert [turn.answer for turn in session.history] == answers
    assert all(turn.scored_by == "gemini" for turn in session.history)
    for request, answer in zip(env.requests[1:], answers, strict=True):
        assert answer in request.prompt


def test_the_key_travels_only_in_the_header_and_never_in_logs(env, caplog):
    caplog.set_level(logging.DEBUG)
    env.inject("503", "malformed")
    run_interview(InterviewEngine.from_env())
    assert "retry in" in caplog.text and DEFAULT_KEY not in caplog.text
    for request in env.requests:
        assert request.headers["x-goog-api-key"] == DEFAULT_KEY
        assert DEFAULT_KEY not in request.path + request.query + json.dumps(request.body)
        assert request.path == "/v1beta/models/gemini-3-flash-preview:generateContent"


def test_the_next_question_is_asked_at_the_difficulty_the_prompt_gives_for_the_score(env):
    engine = InterviewEngine.from_env()
    session_id, _ = run_interview(engine)
    questions = [turn.question for turn in engine.get_session(session_id).history]
    assert [q.split(":")[0].split()[-1] for q in questions] == ["5", "7", "8", "7", "9"]


def test_injected_faults_are_survived_without_losing_an_answer(env):
    plan = {
        0: ("503",),
        1: ("429", "malformed"),
        2: ("truncated",),
        3: ("empty", "safety"),
        4: ("blocked", "thoughts"),
        5: ("fenced",),
    }
    engine = InterviewEngine.from_env()
    session_id, answers = run_interview(engine, before_round=lambda n: env.inject(*plan.get(n, ())))
    faults = [fault for planned in plan.values() for fault in planned]
    session = engine.get_session(session_id)
    assert session.is_complete and session.score_history == [9, 6, 3, 8, 5]
    assert [turn.answer for turn in session.history] == answers
    assert [turn.round for turn in session.history] == [1, 2, 3, 4, 5]
    assert all(turn.scored_by == "gemini" for turn in session.history)
    assert env.calls == 6 + len(faults) - 2  # thought parts and fenced JSON are usable as they come
    assert [r.fault for r in env.requests if r.fault] == faults


def test_random_faults_at_a_seeded_rate_never_lose_skip_or_double_a_round(tmp_path):
    with GeminiStandin(fault_rate=0.3, seed=7, slow_seconds=2.0) as standin:
        client = GeminiClient(DEFAULT_KEY, base_url=standin.base_url, timeout=(2, 0.5), sleep=lambda _: None)
        engine = InterviewEngine(GeminiProvider(client), SqlStore(f"sqlite:///{tmp_path / 'db.sqlite'}"))
        for _ in range(4):
            session_id, answers = run_interview(engine, retries=3)
            session = engine.get_session(session_id)
            assert session.is_complete and [t.round for t in session.history] == [1, 2, 3, 4, 5]
            assert [t.answer for t in session.history] == answers
            assert session.score_history == [9, 6, 3, 8, 5]
        faulted = [r.fault for r in standin.requests if r.fault]
    assert len(faulted) >= 5 and "slow" in faulted


def test_a_daily_quota_stops_with_a_message_and_the_interview_resumes_later(env):
    engine = InterviewEngine.from_env()
    session_id = engine.start(CONFIG).session_id
    env.inject("429_per_day")
    with pytest.raises(LLMQuotaExceeded, match="daily") as caught:
        engine.submit_answer(session_id, "kept answer")
    assert caught.value.per_day
    assert engine.get_session(session_id).pending_answer.answer == "kept answer"
    turn = engine.submit_answer(session_id, "kept answer")
    assert turn.current_round == 2 and engine.get_session(session_id).history[0].answer == "kept answer"


def test_a_wrong_key_fails_at_once_saying_how_to_set_one(env, monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "not-the-right-key")
    with pytest.raises(LLMHTTPError, match="GEMINI_API_KEY") as caught:
        InterviewEngine.from_env().start(CONFIG)
    assert "not-the-right-key" not in str(caught.value)
    assert env.calls == 1


def test_streaming_through_the_standin_delivers_the_text_in_pieces(tmp_path):
    with GeminiStandin(crlf=True) as standin:
        client = GeminiClient(DEFAULT_KEY, base_url=standin.base_url)
        pieces: list[str] = []
        schema = {"type": "object", "properties": {"text": {"type": "string"}}}
        text = client.generate("s", "Ask at difficulty 4.", schema=schema, stream=True, on_text=pieces.append)
        assert json.loads(text)["text"].startswith("Stand-in question")
        assert len(pieces) == 3 and "".join(pieces) == text
        assert standin.requests[0].query == "alt=sse"
