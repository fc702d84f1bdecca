"""Fault suite: interviews against a Gemini stand-in that fails 30% of calls.

Every interview must complete (by retries, re-asks, or an offline-scored round
that says so), no answer may be lost, and no round skipped or scored twice. A
daily quota or a bad key stops the interview with a message and leaves it
resumable at the same round.
"""

from __future__ import annotations

import pytest

from interview_core.engine import InterviewEngine
from interview_core.errors import LLMError, LLMHTTPError, LLMQuotaExceeded
from interview_core.models import InterviewConfig
from interview_core.providers.gemini import GeminiClient, GeminiProvider
from interview_core.store import SqlStore
from tests.gemini_standin import DEFAULT_KEY, GeminiStandin

ROUNDS = 5
INTERVIEWS = 50


def _engine(standin: GeminiStandin, store, *, fallback: bool) -> InterviewEngine:
    client = GeminiClient(
        DEFAULT_KEY,
        base_url=standin.base_url,
        timeout=(2, 0.5),  # the stand-in's "slow" fault answers after 3 s: beyond this read timeout
        sleep=lambda _seconds: None,  # back-off waits are counted, not slept
    )
    offline = None
    if fallback:
        from interview_core.providers.offline import OfflineProvider

        offline = OfflineProvider()
    return InterviewEngine(GeminiProvider(client), store, fallback=offline)


def _answer(interview: int, round_number: int) -> str:
    return f"Interview {interview}, round {round_number}: I would cache hot reads and measure the hit rate."


def _run_interview(engine: InterviewEngine, number: int, *, max_tries: int) -> tuple[str, int]:
    """Answer every round like a candidate who presses Submit again after an error; returns (id, retries)."""
    started = None
    for _ in range(max_tries):
        try:
            started = engine.start(InterviewConfig(field="Backend", difficulty=5, total_rounds=ROUNDS))
            break
        except LLMError:
            continue
    assert started is not None, "could not start an interview"
    retries = 0
    for round_number in range(1, ROUNDS + 1):
        answer = _answer(number, round_number)
        for _ in range(max_tries):
            try:
                engine.submit_answer(started.session_id, answer, round=round_number)
                break
            except LLMError:
                retries += 1
                stored = engine.get_session(started.session_id)
                assert stored.pending_answer is not None and stored.pending_answer.answer == answer
                assert stored.completed_rounds == round_number - 1
        else:
            pytest.fail(f"round {round_number} of interview {number} never succeeded after {max_tries} tries")
    return started.session_id, retries


def _assert_intact(engine: InterviewEngine, session_id: str, number: int) -> None:
    session = engine.get_session(session_id)
    assert session.is_complete and session.final_report is not None
    assert [turn.round for turn in session.history] == list(range(1, ROUNDS + 1))
    assert [turn.answer for turn in session.history] == [_answer(number, r) for r in range(1, ROUNDS + 1)]
    assert len(session.score_history) == ROUNDS
    assert all(0 <= score <= 10 for score in session.score_history)
    assert session.pending_answer is None


@pytest.mark.parametrize("fallback", [True, False], ids=["offline-fallback", "candidate-retries"])
def test_fifty_interviews_survive_thirty_percent_faulted_calls(tmp_path, fallback):
    with GeminiStandin(fault_rate=0.3, seed=7, slow_seconds=3.0) as standin:
        store = SqlStore(f"sqlite:///{tmp_path / 'faults.db'}")
        engine = _engine(standin, store, fallback=fallback)
        total_retries, ids = 0, []
        for number in range(INTERVIEWS):
            session_id, retries = _run_interview(engine, number, max_tries=1 if fallback else 10)
            total_retries += retries
            ids.append((session_id, number))
        for session_id, number in ids:
            _assert_intact(engine, session_id, number)
        scored_by = [turn.scored_by for session_id, _ in ids for turn in engine.get_session(session_id).history]
        assert standin.calls > INTERVIEWS * (ROUNDS + 1)  # faults really happened and were retried
        if fallback:
            assert total_retries == 0  # the candidate never had to press Submit twice
            assert set(scored_by) <= {"gemini", "offline-fallback"}
        else:
            assert set(scored_by) == {"gemini"}


def test_offline_scored_rounds_are_marked_in_the_feedback_record_and_the_report(tmp_path):
    with GeminiStandin() as standin:
        engine = _engine(standin, SqlStore(f"sqlite:///{tmp_path / 'marked.db'}"), fallback=True)
        started = engine.start(InterviewConfig(field="Backend", total_rounds=2))
        standin.inject(*["503"] * 5)  # every attempt of round 1 fails
        engine.submit_answer(started.session_id, "I would add an index on the join column.", round=1)
        done = engine.submit_answer(started.session_id, "I would shard by customer id.", round=2)
        session = engine.get_session(started.session_id)
        assert [turn.scored_by for turn in session.history] == ["offline-fallback", "gemini"]
        assert "Round 1 was scored by the offline rubric" in done.final_report


@pytest.mark.parametrize(
    ("fault", "error", "advice"),
    [("429_per_day", LLMQuotaExceeded, "quota"), ("403", LLMHTTPError, "GEMINI_API_KEY")],
)
def test_daily_quota_or_bad_key_stops_with_advice_and_resumes_at_the_same_round(tmp_path, fault, error, advice):
    with GeminiStandin() as standin:
        engine = _engine(standin, SqlStore(f"sqlite:///{tmp_path / 'stop.db'}"), fallback=True)
        started = engine.start(InterviewConfig(field="Backend", total_rounds=3))
        engine.submit_answer(started.session_id, "first answer", round=1)
        standin.inject(fault)
        with pytest.raises(error) as caught:
            engine.submit_answer(started.session_id, "second answer, typed with care", round=2)
        assert advice.lower() in str(caught.value).lower()
        assert DEFAULT_KEY not in str(caught.value)
        stored = engine.get_session(started.session_id)
        assert stored.pending_answer.answer == "second answer, typed with care"
        assert stored.completed_rounds == 1
        assert all(turn.scored_by == "gemini" for turn in stored.history)  # no silent offline scoring
        resumed = engine.submit_answer(started.session_id, stored.pending_answer.answer, round=2)
        assert resumed.current_round == 3
