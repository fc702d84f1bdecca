"""An API process killed (SIGKILL) while the model is thinking loses nothing: the interview resumes."""

from __future__ import annotations

import threading
import time

import httpx

from tests.gemini_standin import DEFAULT_KEY, GeminiStandin
from tests.servers import api_process

ANSWERS = [
    "I would index the foreign key and check the query plan.",
    "Read replicas for the reporting traffic, with lag monitoring.",
    "A queue between checkout and email so a slow provider never blocks payment.",
    "Idempotency keys on the payment call so retries never double charge.",
]


def _wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_killed_api_process_resumes_the_interview_with_every_stored_answer(tmp_path):
    database = f"sqlite:///{tmp_path / 'restart.db'}"
    with GeminiStandin() as standin:
        settings = {
            "GEMINI_API_KEY": DEFAULT_KEY,
            "GEMINI_BASE_URL": standin.base_url,
            "INTERVIEW_DB_URL": database,
            "INTERVIEW_OFFLINE_FALLBACK": "0",
        }
        with api_process(**settings) as (url, process):
            start = {"field": "Backend", "interview_type": "Technical", "difficulty": 5, "total_rounds": 4}
            session_id = httpx.post(f"{url}/start-interview", json=start, timeout=30).json()["session_id"]
            for number, answer in enumerate(ANSWERS[:2], start=1):
                body = {"session_id": session_id, "answer": answer, "round": number}
                assert httpx.post(f"{url}/submit-answer", json=body, timeout=30).status_code == 200

            standin.latency = 30  # the model "thinks" while the process is killed
            calls_before = standin.calls
            in_flight = {"session_id": session_id, "answer": ANSWERS[2], "round": 3}
            outcome: list[object] = []

            def submit() -> None:
                try:
                    outcome.append(httpx.post(f"{url}/submit-answer", json=in_flight, timeout=60))
                except httpx.TransportError as exc:
                    outcome.append(exc)

            worker = threading.Thread(target=submit)
            worker.start()
            _wait_for(lambda: standin.calls > calls_before)  # the answer reached the model call
            process.kill()
            worker.join(timeout=30)
            assert outcome and isinstance(outcome[0], httpx.TransportError)
        standin.latency = 0

        with api_process(**settings) as (url, _process):
            stored = httpx.get(f"{url}/sessions/{session_id}", timeout=30).json()
            assert [turn["answer"] for turn in stored["history"]] == ANSWERS[:2]
            assert stored["pending_answer"]["answer"] == ANSWERS[2]
            assert stored["current_round"] == 3

            resumed = httpx.post(f"{url}/submit-answer", json=in_flight, timeout=30).json()
            assert resumed["current_round"] == 4
            body = {"session_id": session_id, "answer": ANSWERS[3], "round": 4}
            done = httpx.post(f"{url}/submit-answer", json=body, timeout=30).json()
            assert done["interview_complete"] is True

            final = httpx.get(f"{url}/sessions/{session_id}", timeout=30).json()
            assert [turn["answer"] for turn in final["history"]] == ANSWERS
            assert [turn["round"] for turn in final["history"]] == [1, 2, 3, 4]
