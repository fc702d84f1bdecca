"""The REST contract, in process, with a scripted interviewer (real servers: test_api_live.py)."""

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from interview_core.api import ROOT_MESSAGE, create_app
from interview_core.engine import InterviewEngine
from interview_core.errors import (
    ConcurrentUpdate,
    LLMHTTPError,
    LLMOutputError,
    LLMQuotaExceeded,
    LLMTimeout,
    LLMUnavailable,
)
from interview_core.store import MemoryStore
from tests.contract import FEEDBACK_KEYS, ORIGINAL_START


@pytest.fixture
def client(engine):
    with TestClient(create_app(engine, duplicate_window=0)) as client:
        yield client


def start(client, **overrides) -> str:
    response = client.post("/start-interview", json={**ORIGINAL_START, **overrides})
    assert response.status_code == 200, response.text
    return response.json()["session_id"]


def test_root_answers_the_original_message(client):
    assert client.get("/").json() == {"message": ROOT_MESSAGE}


def test_a_whole_interview_follows_the_original_contract(client, provider):
    provider.enqueue(6, 8, 9)
    started = client.post("/start-interview", json=ORIGINAL_START).json()
    assert set(started) == {"session_id", "question"} and started["question"] == "Q1 at difficulty 5?"
    sid = started["session_id"]

    first = client.post("/submit-answer", json={"session_id": sid, "answer": "Candidate response..."}).json()
    assert set(first) == {"feedback", "interview_complete", "next_question", "current_round", "average_score"}
    assert set(first["feedback"]) == set(FEEDBACK_KEYS)
    assert first["interview_complete"] is False and first["current_round"] == 2
    assert first["next_question"] == "Q2 at difficulty 6?" and first["average_score"] == 6.0

    second = client.post("/submit-answer", json={"session_id": sid, "answer": "Candidate response..."}).json()
    assert second["current_round"] == 3 and second["average_score"] == 7.0

    last = client.post("/submit-answer", json={"session_id": sid, "answer": "Candidate response..."}).json()
    assert set(last) == {"feedback", "interview_complete", "final_report", "average_score"}
    assert last["interview_complete"] is True and last["average_score"] == 7.67
    assert "Recommendation: Hire" in last["final_report"]

    assert client.get(f"/session-summary/{sid}").json() == {
        "total_rounds": 3,
        "completed_rounds": 3,
        "average_score": 7.67,
        "score_history": [6, 8, 9],
        "difficulty_current": 10,
    }


def test_the_whole_session_comes_back_with_its_history(client, provider):
    provider.enqueue(7)
    sid = start(client, persona="Tough")
    client.post("/submit-answer", json={"session_id": sid, "answer": "I would add an index."})
    session = client.get(f"/sessions/{sid}").json()
    assert session["persona"] == "tough" and session["resume"] == "..."
    assert [turn["answer"] for turn in session["history"]] == ["I would add an index."]
    assert session["history"][0]["evaluation"]["score"] == 7
    assert session["current_question"] == "Q2 at difficulty 6?"


def test_the_open_questions_grading_notes_are_not_shown(client, engine):
    sid = start(client)
    assert engine.get_session(sid).current_question_meta == {"n": 1, "difficulty": 5}
    assert client.get(f"/sessions/{sid}").json()["current_question_meta"] == {}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/submit-answer", {"session_id": "no-such-id", "answer": "hello"}),
        ("get", "/session-summary/no-such-id", None),
        ("get", "/sessions/no-such-id", None),
    ],
)
def test_an_unknown_session_is_404_with_a_sentence(client, method, path, body):
    response = client.request(method.upper(), path, json=body)
    assert response.status_code == 404
    assert response.json() == {"detail": "No interview with id 'no-such-id' was found."}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"difficulty": 11}, "difficulty", "between 1 and 10"),
        ({"total_rounds": 0}, "total_rounds", "between 1 and 20"),
        ({"total_rounds": "three"}, "total_rounds", "whole number"),
        ({"field": "   "}, "field", "name the field"),
        ({"field": None}, "field", "string"),
        ({"persona": "rude"}, "persona", "friendly, neutral, tough"),
        ({"resume": "x" * 20_001}, "resume", "too long"),
    ],
)
def test_an_invalid_start_is_422_naming_the_field(client, provider, change, field, words):
    response = client.post("/start-interview", json={**ORIGINAL_START, **change})
    assert response.status_code == 422
    body = response.json()
    assert [problem["field"] for problem in body["errors"]] == [field]
    assert field in body["detail"] and words in body["detail"]
    assert provider.calls == []


def test_a_missing_field_and_a_broken_body_are_explained(client):
    missing = client.post("/start-interview", json={"difficulty": 5}).json()
    assert missing["detail"] == "'field' is required."
    broken = client.post("/start-interview", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["detail"] == "The request body is not valid JSON."
    listed = client.post("/submit-answer", json=["a", "b"])
    assert listed.status_code == 422 and "JSON object" in listed.json()["detail"]


@pytest.mark.parametrize("answer", ["", "   ", "x" * 8_001])
def test_an_empty_or_oversized_answer_is_422_and_costs_no_model_call(client, provider, answer):
    sid = start(client)
    response = client.post("/submit-answer", json={"session_id": sid, "answer": answer})
    assert response.status_code == 422 and response.json()["detail"]
    assert [name for name, _ in provider.calls] == ["first_question"]


def test_an_answer_to_a_finished_interview_is_409(client, provider):
    provider.enqueue(5)
    sid = start(client, total_rounds=1)
    assert client.post("/submit-answer", json={"session_id": sid, "answer": "a"}).json()["interview_complete"]
    response = client.post("/submit-answer", json={"session_id": sid, "answer": "one more"})
    assert response.status_code == 409 and "already complete" in response.json()["detail"]


def test_a_model_outage_is_503_and_the_answer_waits_for_the_retry(client, provider):
    provider.enqueue(LLMUnavailable("The interviewer model is overloaded; try again in a minute."), 7)
    sid = start(client)
    body = {"session_id": sid, "answer": "An answer I typed for ten minutes."}
    failed = client.post("/submit-answer", json=body)
    assert failed.status_code == 503
    assert failed.json()["answer_saved"] is True
    assert failed.json()["detail"].startswith("The interviewer model is overloaded")
    kept = client.get(f"/sessions/{sid}").json()["pending_answer"]
    assert kept["answer"] == "An answer I typed for ten minutes." and kept["last_error"]
    retried = client.post("/submit-answer", json=body)
    assert retried.status_code == 200 and retried.json()["current_round"] == 2


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (LLMHTTPError("The Gemini API key was refused; set a valid GEMINI_API_KEY and restart.", status=403), 502),
        (LLMTimeout("The interviewer model did not answer in time; try again."), 503),
        (LLMOutputError("The model's reply could not be read; try again.", raw_text="{oops"), 503),
    ],
)
def test_model_failures_map_to_gateway_errors_with_what_to_do(client, provider, error, status):
    provider.enqueue(error)
    sid = start(client)
    response = client.post("/submit-answer", json={"session_id": sid, "answer": "kept"})
    assert response.status_code == status
    assert response.json()["detail"].startswith(str(error)) and response.json()["answer_saved"] is True
    assert "Traceback" not in response.text and "{oops" not in response.text


def test_a_quota_error_says_when_to_come_back(client, provider):
    provider.enqueue(LLMQuotaExceeded("The model's per-minute quota is used up; wait a minute.", retry_after=42.4))
    sid = start(client)
    response = client.post("/submit-answer", json={"session_id": sid, "answer": "a"})
    assert response.status_code == 503 and response.headers["retry-after"] == "42"


def test_a_failed_first_question_is_503(client, provider):
    provider.start_error = LLMTimeout("The interviewer model did not answer in time; try again.")
    response = client.post("/start-interview", json=ORIGINAL_START)
    assert response.status_code == 503
    assert response.json() == {"detail": "The interviewer model did not answer in time; try again."}


def test_resending_a_scored_round_returns_the_same_result_without_a_second_evaluation(client, provider):
    provider.enqueue(6, 9)
    sid = start(client)
    first = client.post("/submit-answer", json={"session_id": sid, "answer": "same", "round": 1})
    again = client.post("/submit-answer", json={"session_id": sid, "answer": "same", "round": 1})
    assert again.json() == first.json()
    assert [name for name, _ in provider.calls].count("evaluate") == 1
    not_open = client.post("/submit-answer", json={"session_id": sid, "answer": "x", "round": 3})
    assert not_open.status_code == 409 and "Round 3 is not open" in not_open.json()["detail"]


def test_copies_sent_together_are_scored_once(provider):
    provider.enqueue(7, 7, 7)
    app = create_app(InterviewEngine(provider, MemoryStore()), duplicate_window=0.3)
    with TestClient(app) as client:
        sid = start(client)
        replies = []
        barrier = threading.Barrier(6)

        def send():
            barrier.wait()
            replies.append(client.post("/submit-answer", json={"session_id": sid, "answer": "double click"}))

        threads = [threading.Thread(target=send) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [reply.status_code for reply in replies] == [200] * 6
        assert {reply.json()["current_round"] for reply in replies} == {2}
        assert client.get(f"/session-summary/{sid}").json()["completed_rounds"] == 1
        # the same text sent after the replies arrived is a new answer, as the original examples do
        assert (
            client.post("/submit-answer", json={"session_id": sid, "answer": "double click"}).json()["current_round"]
            == 3
        )
    assert [name for name, _ in provider.calls].count("evaluate") == 2


class _RaceLostStore(MemoryStore):
    """A store where another replica saves a different answer just before ours."""

    def save(self, session, *, expected_completed):
        if session.pending_answer is not None:
            raise ConcurrentUpdate("This round was already answered in another window or request.")
        super().save(session, expected_completed=expected_completed)


def test_losing_a_race_to_another_answer_is_409(provider):
    with TestClient(create_app(InterviewEngine(provider, _RaceLostStore()), duplicate_window=0)) as client:
        sid = start(client)
        response = client.post("/submit-answer", json={"session_id": sid, "answer": "mine"})
    assert response.status_code == 409 and "already answered" in response.json()["detail"]


class _DownStore(MemoryStore):
    def get(self, session_id):
        raise OperationalError("SELECT", {}, ConnectionRefusedError("password=hunter2"))

    def list_sessions(self, limit=200):
        self.get("any")


def test_a_database_outage_is_503_without_driver_details(provider):
    with TestClient(create_app(InterviewEngine(provider, _DownStore()), duplicate_window=0)) as client:
        summary = client.get("/session-summary/abc")
        health = client.get("/health")
    assert summary.status_code == 503 and "database is not reachable" in summary.json()["detail"]
    assert "hunter2" not in summary.text
    assert health.status_code == 503 and health.json()["store_reachable"] is False


def test_an_unexpected_failure_is_a_500_sentence_not_a_traceback(provider):
    provider.enqueue(RuntimeError("internal detail with GEMINI_API_KEY=AIza-secret"))
    app = create_app(InterviewEngine(provider, MemoryStore()), duplicate_window=0)
    with TestClient(app, raise_server_exceptions=False) as client:
        sid = start(client)
        response = client.post("/submit-answer", json={"session_id": sid, "answer": "a"})
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on the server; try again, and report it if it keeps happening."
    }


def test_nul_characters_never_reach_the_database(client):
    sid = start(client, field="Data\x00 Science")
    assert client.get(f"/sessions/{sid}").json()["field"] == "Data Science"
    assert client.get("/session-summary/abc%00def").status_code == 404


def test_health_names_the_interviewer_and_the_store(client):
    assert client.get("/health").json() == {
        "status": "ok",
        "brain": "Scripted test interviewer",
        "store_reachable": True,
        "detail": None,
    }


def test_without_a_usable_configuration_every_endpoint_says_what_to_fix(monkeypatch):
    monkeypatch.setenv("INTERVIEW_DB_URL", "nosuchdriver://nowhere")
    with TestClient(create_app()) as client:
        assert client.get("/").status_code == 200
        health = client.get("/health")
        replies = [
            client.post("/start-interview", json=ORIGINAL_START),
            client.post("/submit-answer", json={"session_id": "abc", "answer": "a", "round": 1}),
            client.get("/session-summary/abc"),
            client.get("/sessions/abc"),
        ]
    assert health.status_code == 503 and health.json()["status"] == "unavailable"
    assert "INTERVIEW_DB_URL" in health.json()["detail"]
    for reply in replies:
        assert reply.status_code == 503 and "Check INTERVIEW_DB_URL" in reply.json()["detail"]


def test_with_a_token_set_every_interview_endpoint_needs_it(monkeypatch, engine, provider):
    monkeypatch.setenv("INTERVIEW_API_TOKEN", "s3cret-token")
    provider.enqueue(7)
    with TestClient(create_app(engine, duplicate_window=0)) as client:
        assert client.get("/").status_code == 200
        assert client.get("/health").status_code == 200
        refused = client.post("/start-interview", json=ORIGINAL_START)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        assert "Authorization: Bearer" in refused.json()["detail"]
        wrong = {"Authorization": "Bearer s3cret-tokeN"}
        assert client.post("/start-interview", json=ORIGINAL_START, headers=wrong).status_code == 401
        assert client.get("/sessions/x", headers={"Authorization": "Basic s3cret-token"}).status_code == 401
        auth = {"Authorization": "Bearer s3cret-token"}
        sid = client.post("/start-interview", json=ORIGINAL_START, headers=auth).json()["session_id"]
        for path in (f"/session-summary/{sid}", f"/sessions/{sid}"):
            assert client.get(path).status_code == 401
            assert client.get(path, headers=auth).status_code == 200
        body = {"session_id": sid, "answer": "a"}
        assert client.post("/submit-answer", json=body).status_code == 401
        assert client.post("/submit-answer", json=body, headers=auth).status_code == 200
        assert "s3cret-token" not in client.get("/openapi.json").text


def test_cors_allows_only_the_configured_origins(monkeypatch, engine):
    monkeypatch.setenv("INTERVIEW_CORS_ORIGINS", "https://coach.example, http://localhost:3000/")
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    with TestClient(create_app(engine)) as client:
        allowed = client.options("/start-interview", headers={"Origin": "http://localhost:3000", **preflight})
        other = client.get("/", headers={"Origin": "https://evil.example"})
        simple = client.get("/", headers={"Origin": "https://coach.example"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "access-control-allow-origin" not in other.headers
    assert simple.headers["access-control-allow-origin"] == "https://coach.example"


def test_no_origin_is_allowed_by_default(client):
    response = client.get("/", headers={"Origin": "https://coach.example"})
    assert "access-control-allow-origin" not in response.headers


def test_the_docs_show_the_original_requests_and_both_reply_shapes(client):
    assert "swagger" in client.get("/docs").text.lower()
    spec = client.get("/openapi.json").json()
    assert {"/", "/start-interview", "/submit-answer", "/session-summary/{session_id}", "/sessions/{session_id}",
            "/health"} <= set(spec["paths"])  # fmt: skip
    start_op = spec["paths"]["/start-interview"]["post"]
    assert start_op["requestBody"]["content"]["application/json"]["examples"]["original"]["value"] == ORIGINAL_START
    submit_op = spec["paths"]["/submit-answer"]["post"]
    replies = submit_op["responses"]["200"]["content"]["application/json"]["examples"]
    assert replies["next_question"]["value"]["interview_complete"] is False
    assert replies["final"]["value"]["interview_complete"] is True
    assert {"404", "409", "422", "503"} <= set(submit_op["responses"])
    limits = spec["components"]["schemas"]["StartInterviewRequest"]["properties"]["difficulty"]
    assert (limits["minimum"], limits["maximum"]) == (1, 10)
    assert "idempotent" in spec["components"]["schemas"]["SubmitAnswerRequest"]["properties"]["round"]["description"]
