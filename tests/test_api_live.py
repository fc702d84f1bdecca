"""The API as deployed: `uvicorn interview_core.api:app` processes on 127.0.0.1, driven over HTTP.

The original document's example requests with the offline interviewer, the same through a Gemini stand-in,
two API processes sharing one PostgreSQL database, and bursts of duplicate submits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from statistics import mean

import httpx
import pytest

from interview_core.difficulty import next_difficulty
from tests.contract import FEEDBACK_KEYS, FINAL_KEYS, NEXT_KEYS, ORIGINAL_ANSWER, ORIGINAL_START
from tests.gemini_standin import GeminiStandin
from tests.servers import api_server
from tests.test_store_postgres import postgres_server_url, scratch_database


@pytest.fixture(scope="module")
def sqlite_api(tmp_path_factory) -> Iterator[str]:
    """One API process with the offline interviewer and a SQLite file."""
    database = tmp_path_factory.mktemp("api") / "interviews.db"
    with api_server(INTERVIEW_DB_URL=f"sqlite:///{database}") as url:
        yield url


@pytest.fixture(scope="module")
def postgres_apis() -> Iterator[list[str]]:
    """Two API processes with the offline interviewer on one PostgreSQL database."""
    with scratch_database(postgres_server_url()) as database_url, ExitStack() as servers:
        yield [servers.enter_context(api_server(INTERVIEW_DB_URL=database_url)) for _ in range(2)]


def _start(url: str, **overrides) -> dict:
    response = httpx.post(f"{url}/start-interview", json={**ORIGINAL_START, **overrides}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def _submit(url: str, session_id: str, answer: str = ORIGINAL_ANSWER, **extra) -> httpx.Response:
    body = {"session_id": session_id, "answer": answer, **extra}
    return httpx.post(f"{url}/submit-answer", json=body, timeout=60)


def _check_original_interview(urls: list[str], expected_scores: list[int] | None = None) -> str:
    """Run the original document's requests, the i-th call on urls[i % len(urls)], checking every reply."""
    started = _start(urls[0])
    assert set(started) == {"session_id", "question"}
    assert str(uuid.UUID(started["session_id"])) == started["session_id"]
    assert isinstance(started["question"], str) and started["question"].strip()
    session_id, replies = started["session_id"], []
    for round_number in (1, 2, 3):
        response = _submit(urls[round_number % len(urls)], session_id)
        assert response.status_code == 200, response.text
        reply = response.json()
        replies.append(reply)
        assert set(reply["feedback"]) == set(FEEDBACK_KEYS)
        assert all(0 <= reply["feedback"][key] <= 10 for key in FEEDBACK_KEYS[:4])
        scores = [r["feedback"]["score"] for r in replies]
        assert reply["average_score"] == pytest.approx(mean(scores), abs=0.01)
        if round_number < 3:
            assert set(reply) == NEXT_KEYS and reply["interview_complete"] is False
            assert reply["current_round"] == round_number + 1 and reply["next_question"].strip()
        else:
            assert set(reply) == FINAL_KEYS and reply["interview_complete"] is True
            assert isinstance(reply["final_report"], str) and reply["final_report"].strip()
    scores = [r["feedback"]["score"] for r in replies]
    if expected_scores is not None:
        assert scores == expected_scores
    difficulty = ORIGINAL_START["difficulty"]
    for score in scores:
        difficulty = next_difficulty(difficulty, score)
    summary = httpx.get(f"{urls[-1]}/session-summary/{session_id}", timeout=30).json()
    assert summary == {
        "total_rounds": 3,
        "completed_rounds": 3,
        "average_score": pytest.approx(mean(scores), abs=0.01),
        "score_history": scores,
        "difficulty_current": difficulty,
    }
    return session_id


def test_the_original_documents_requests_with_the_offline_interviewer(sqlite_api):
    assert httpx.get(f"{sqlite_api}/").json() == {"message": "AI Interview Backend Running"}
    health = httpx.get(f"{sqlite_api}/health").json()
    assert health["status"] == "ok" and health["store_reachable"] is True and health["brain"]
    session_id = _check_original_interview([sqlite_api])
    session = httpx.get(f"{sqlite_api}/sessions/{session_id}").json()
    assert [turn["answer"] for turn in session["history"]] == [ORIGINAL_ANSWER] * 3
    # (naming the round skips the wait for duplicate copies, which these refusals do not need)
    assert _submit(sqlite_api, session_id, round=4).status_code == 409
    assert _submit(sqlite_api, "no-such-interview", round=1).status_code == 404
    assert httpx.get(f"{sqlite_api}/session-summary/no-such-interview").status_code == 404
    invalid = httpx.post(f"{sqlite_api}/start-interview", json={**ORIGINAL_START, "total_rounds": 0})
    assert invalid.status_code == 422 and "total_rounds" in invalid.json()["detail"]


@pytest.mark.postgres
def test_two_api_processes_on_one_postgres_database_serve_one_interview(postgres_apis):
    first, second = postgres_apis
    started = _start(first)
    answered = _submit(second, started["session_id"])
    assert answered.status_code == 200 and answered.json()["current_round"] == 2
    on_first = httpx.get(f"{first}/sessions/{started['session_id']}").json()
    assert on_first["current_question"] == answered.json()["next_question"]
    _check_original_interview(postgres_apis)


def _burst(urls: list[str], session_id: str, copies: int = 50) -> list[httpx.Response]:
    """`copies` identical submits sent at once, spread over the given API processes."""
    body = {"session_id": session_id, "answer": "The same answer, sent fifty times at once."}
    limits = httpx.Limits(max_connections=copies, max_keepalive_connections=0)
    with httpx.Client(timeout=120, limits=limits) as client, ThreadPoolExecutor(copies) as pool:
        return list(pool.map(lambda i: client.post(f"{urls[i % len(urls)]}/submit-answer", json=body), range(copies)))


def _assert_one_evaluation(urls: list[str], session_id: str, replies: list[httpx.Response]) -> None:
    assert [reply.status_code for reply in replies] == [200] * len(replies), {r.text for r in replies}
    assert len({reply.text for reply in replies}) == 1  # every copy got the one result
    assert replies[0].json()["current_round"] == 2
    session = httpx.get(f"{urls[0]}/sessions/{session_id}").json()
    assert len(session["history"]) == 1 and len(session["score_history"]) == 1
    assert session["current_round"] == 2


def test_fifty_concurrent_duplicate_submits_record_one_evaluation(sqlite_api):
    session_id = _start(sqlite_api)["session_id"]
    _assert_one_evaluation([sqlite_api], session_id, _burst([sqlite_api], session_id))


@pytest.mark.postgres
def test_fifty_duplicate_submits_across_two_processes_record_one_evaluation(postgres_apis):
    session_id = _start(postgres_apis[0])["session_id"]
    _assert_one_evaluation(postgres_apis, session_id, _burst(postgres_apis, session_id))
    # the interview goes on normally afterwards, with the same text scoring the next round
    assert (
        _submit(postgres_apis[1], session_id, "The same answer, sent fifty times at once.").json()["current_round"] == 3
    )


def test_the_original_contract_through_a_gemini_standin(tmp_path):
    with GeminiStandin(scores=(9, 6, 3)) as standin:
        settings = standin.env(INTERVIEW_DB_URL=f"sqlite:///{tmp_path / 'gemini.db'}", INTERVIEW_OFFLINE_FALLBACK="0")
        with api_server(**settings) as url:
            assert httpx.get(f"{url}/health").json()["brain"].startswith("Gemini")
            _check_original_interview([url], expected_scores=[9, 6, 3])
            assert standin.calls == 4  # the first question, then one call per answer

            session_id = _start(url)["session_id"]
            standin.inject("403")  # the key is refused: no retry, no fallback, the answer kept
            refused = _submit(url, session_id, "An answer worth keeping.", round=1)
            assert refused.status_code == 502 and refused.json()["answer_saved"] is True
            assert standin.api_key not in refused.text
            kept = httpx.get(f"{url}/sessions/{session_id}").json()["pending_answer"]
            assert kept["answer"] == "An answer worth keeping."
            assert _submit(url, session_id, "An answer worth keeping.", round=1).json()["current_round"] == 2
