"""The Gemini path against a stand-in that knows nothing of our prompts: it only fills the response schema.

Our own stand-in reads the prompt's round and score bands; this one proves that any server honouring
`responseJsonSchema` (as Gemini does) drives a whole interview through `InterviewEngine.from_env()`.
"""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from interview_core.engine import InterviewEngine
from interview_core.models import InterviewConfig

SCORES = [9, 6, 3, 8, 5]
KEY = "generic-fake-key-42"


def fill(schema: dict[str, Any], score: int, serial: itertools.count) -> Any:
    """A value for `schema`: every *score integer gets the scripted score; strings are unique sentences."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return fill(schema["anyOf"][0], score, serial)
    if kind == "object":
        properties = schema.get("properties", {})
        return {k: score if k.endswith("score") else fill(v, score, serial) for k, v in properties.items()}
    if kind == "array":
        return [fill(schema.get("items", {}), score, serial)]
    if kind == "integer":
        return max(schema.get("minimum", 0), min(schema.get("maximum", 10), score))
    if kind == "boolean":
        return False
    return f"Generic sentence number {next(serial)}?"


def test_any_server_that_honours_the_schema_drives_a_whole_interview():
    calls: list[tuple[str, str | None]] = []
    serial = itertools.count(1)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            calls.append((self.path, self.headers.get("x-goog-api-key")))
            score = SCORES[min(len(SCORES) - 1, max(0, len(calls) - 2))]  # call 1 asks the first question
            text = json.dumps(fill(body["generationConfig"]["responseJsonSchema"], score, serial))
            reply = {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}]}
            data = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        engine = InterviewEngine.from_env(
            {
                "GEMINI_API_KEY": KEY,
                "GEMINI_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}",
                "INTERVIEW_DB_URL": "memory://",
            }
        )
        started = engine.start(InterviewConfig(field="Software Engineering", difficulty=5, total_rounds=5))
        for number in range(1, 6):
            last = engine.submit_answer(started.session_id, f"Answer number {number}.")
    finally:
        server.shutdown()
        server.server_close()
    session = engine.get_session(started.session_id)
    assert len(calls) == 6
    assert session.score_history == SCORES
    assert [turn.difficulty for turn in session.history] + [session.difficulty] == [5, 7, 8, 7, 9, 10]
    assert last.interview_complete and last.final_report and last.average_score == 6.2
    assert {turn.scored_by for turn in session.history} == {"gemini"}
    assert all(key == KEY and KEY not in path for path, key in calls)
