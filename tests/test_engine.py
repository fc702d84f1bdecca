import threading

import pytest

from interview_core.engine import InterviewEngine
from interview_core.errors import (
    InterviewComplete,
    InvalidInput,
    LLMHTTPError,
    LLMOutputError,
    LLMQuotaExceeded,
    LLMUnavailable,
    SessionNotFound,
)
from interview_core.models import InterviewConfig, utcnow
from interview_core.store import MemoryStore, SqlStore
from tests.fakes import ScriptedProvider


def test_five_rounds_follow_the_original_flow(engine, provider):
    provider.enqueue(9, 6, 3, 8, 5)
    started = engine.start(InterviewConfig(field="Backend", difficulty=5, total_rounds=5))
    assert started.question == "Q1 at difficulty 5?"
    rounds = []
    for _ in range(5):
        turn = engine.submit_answer(started.session_id, "my answer")
        rounds.append(turn)
    assert [t.current_round for t in rounds[:4]] == [2, 3, 4, 5]
    assert rounds[-1].interview_complete and rounds[-1].final_report
    assert rounds[-1].average_score == 6.2
    session = engine.get_session(started.session_id)
    assert session.score_history == [9, 6, 3, 8, 5]
    assert [t.difficulty for t in session.history] == [5, 7, 8, 7, 9]
    summary = engine.session_summary(started.session_id)
    assert summary.model_dump() == {
        "total_rounds": 5,
        "completed_rounds": 5,
        "average_score": 6.2,
        "score_history": [9, 6, 3, 8, 5],
        "difficulty_current": 10,
    }
    assert [name for name, _ in provider.calls] == ["first_question"] + ["evaluate"] * 5


def test_next_question_is_stored_at_the_rule_difficulty_not_the_models(engine, provider, config):
    provider.enqueue(9)
    started = engine.start(config)
    engine.submit_answer(started.session_id, "answer")
    session = engine.get_session(started.session_id)
    assert session.difficulty == 7
    assert session.current_question_meta["difficulty"] == 7


def test_final_report_numbers_come_from_the_scores(engine, provider):
    provider.enqueue(8, 4)
    started = engine.start(InterviewConfig(field="x", total_rounds=2))
    engine.submit_answer(started.session_id, "a")
    done = engine.submit_answer(started.session_id, "b")
    assert done.report.best_round == 1 and done.report.weakest_round == 2
    assert [d.average for d in done.report.dimensions] == [6.0, 6.0, 6.0]


def test_failed_call_keeps_the_answer_and_the_same_submit_continues(engine, provider, config):
    provider.enqueue(LLMUnavailable("model overloaded"), 7, 7, 7)
    started = engine.start(config)
    with pytest.raises(LLMUnavailable):
        engine.submit_answer(started.session_id, "an answer I typed for a long time")
    session = engine.get_session(started.session_id)
    assert session.pending_answer.answer == "an answer I typed for a long time"
    assert session.pending_answer.last_error == "model overloaded"
    assert session.current_round == 1 and session.score_history == []
    turn = engine.submit_answer(started.session_id, "an answer I typed for a long time")
    assert turn.current_round == 2
    assert engine.get_session(started.session_id).pending_answer is None


def test_duplicate_submit_of_a_scored_round_never_skips_a_round(engine, provider, config):
    provider.enqueue(6, 8, 8)
    started = engine.start(config)
    first = engine.submit_answer(started.session_id, "same text", round=1)
    again = engine.submit_answer(started.session_id, "same text", round=1)
    assert again == first
    assert engine.session_summary(started.session_id).completed_rounds == 1
    by_round = engine.submit_answer(started.session_id, "different text", round=1)
    assert by_round.feedback == first.feedback
    assert engine.session_summary(started.session_id).completed_rounds == 1


def test_identical_answers_sent_one_after_another_each_score_a_round(engine, provider, config):
    provider.enqueue(2, 2, 2)
    started = engine.start(config)
    engine.submit_answer(started.session_id, "Candidate response...")
    second = engine.submit_answer(started.session_id, "Candidate response...")
    assert second.current_round == 3


def test_answers_to_a_finished_interview_are_refused(engine, provider):
    provider.enqueue(5)
    started = engine.start(InterviewConfig(field="x", total_rounds=1))
    engine.submit_answer(started.session_id, "a")
    with pytest.raises(InterviewComplete):
        engine.submit_answer(started.session_id, "another")


@pytest.mark.parametrize("answer", ["", "   ", "x" * 8001])
def test_empty_or_oversized_answers_are_refused_before_any_call(engine, provider, config, answer):
    started = engine.start(config)
    with pytest.raises(InvalidInput):
        engine.submit_answer(started.session_id, answer)
    assert [name for name, _ in provider.calls] == ["first_question"]


def test_unknown_session(engine):
    with pytest.raises(SessionNotFound):
        engine.session_summary("nope")


def test_fallback_scores_a_round_offline_when_the_model_stays_down(config):
    model, offline = ScriptedProvider(name="gemini"), ScriptedProvider(name="offline")
    model.enqueue(LLMOutputError("bad json"), 7)
    offline.enqueue(4)
    engine = InterviewEngine(model, MemoryStore(), fallback=offline)
    started = engine.start(config)
    engine.submit_answer(started.session_id, "a")
    engine.submit_answer(started.session_id, "b")
    history = engine.get_session(started.session_id).history
    assert [t.scored_by for t in history] == ["offline-fallback", "gemini"]
    assert [t.evaluation.score for t in history] == [4, 7]


@pytest.mark.parametrize(
    "error",
    [LLMHTTPError("API key not valid", status=403), LLMQuotaExceeded("daily quota used up", per_day=True)],
)
def test_bad_key_or_daily_quota_stops_without_fallback_and_stays_resumable(config, error):
    model, offline = ScriptedProvider(name="gemini"), ScriptedProvider(name="offline")
    model.enqueue(error, 6)
    engine = InterviewEngine(model, MemoryStore(), fallback=offline)
    started = engine.start(config)
    with pytest.raises(type(error)):
        engine.submit_answer(started.session_id, "kept answer")
    assert engine.get_session(started.session_id).pending_answer.answer == "kept answer"
    assert engine.submit_answer(started.session_id, "kept answer").current_round == 2
    assert offline.calls == []


def test_sessions_survive_a_new_engine_on_the_same_database(tmp_path, config):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    first = InterviewEngine(ScriptedProvider().enqueue(8), SqlStore(url))
    started = first.start(config)
    first.submit_answer(started.session_id, "persisted")
    second = InterviewEngine(ScriptedProvider().enqueue(5), SqlStore(url))
    assert second.get_session(started.session_id).history[0].answer == "persisted"
    assert second.submit_answer(started.session_id, "next").current_round == 3
    assert [info.session_id for info in second.list_sessions()] == [started.session_id]


def test_concurrent_duplicate_submits_record_one_evaluation(tmp_path, config):
    store = SqlStore(f"sqlite:///{tmp_path / 'db.sqlite'}")
    engines = [InterviewEngine(ScriptedProvider().enqueue(*[7] * 3), store) for _ in range(10)]
    started = engines[0].start(config)
    results, errors = [], []

    def submit(engine, received_at):
        try:
            results.append(engine.submit_answer(started.session_id, "dup", received_at=received_at))
        except Exception as exc:
            errors.append(exc)

    barrier = threading.Barrier(len(engines))

    def submit_together(engine):
        received_at = utcnow()  # as the API stamps a request when it arrives
        barrier.wait()
        submit(engine, received_at)

    threads = [threading.Thread(target=submit_together, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    session = store.get(started.session_id)
    assert session.completed_rounds == 1 and len(session.history) == 1
    assert all(r.current_round == 2 for r in results)
