"""A scripted local Gemini stand-in: generateContent and streamGenerateContent (SSE) on 127.0.0.1.

It checks the `x-goog-api-key` header, records every request, answers from a
script of scores (valid structured JSON shaped by the request's schema: the
next question at the difficulty the prompt gives for the score, or the final
report), and injects faults on demand or at a seeded random rate.

As a pytest fixture (import it explicitly in a test module):
    from tests.gemini_standin import gemini_standin  # noqa: F401
As a command, for benchmarks (stops by itself after --max-seconds):
    python -m tests.gemini_standin --port 8765 --latency-ms 500 --fault-rate 0.3 --seed 1
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import random
import re
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from interview_core.models import DIMENSIONS

#: faults an interview is expected to survive (by retries or re-asks)
TRANSIENT_FAULTS = ("429", "500", "503", "slow", "malformed", "truncated", "safety", "blocked", "empty")
#: odd replies that are usable as they come
ODD_REPLIES = ("thoughts", "fenced")
#: faults that stop an interview with a message (it stays resumable)
STOPPING_FAULTS = ("429_per_day", "400", "403", "404")
FAULTS = TRANSIENT_FAULTS + ODD_REPLIES + STOPPING_FAULTS
#: the default mix for a random fault rate
RANDOM_POOL = TRANSIENT_FAULTS + ODD_REPLIES
DEFAULT_KEY = "standin-fake-key-0123456789"
_PATH_RE = re.compile(r"^/v1beta/models/(?P<model>[^/:]+):(?P<method>generateContent|streamGenerateContent)$")
_ROUND_RE = re.compile(r"Round (\d+) of (\d+)")
_BAND_RE = re.compile(r"if your score is (\d+)-(\d+) the next question is at difficulty (\d+)")
_DIFFICULTY_RE = re.compile(r"at difficulty (\d+)")
_TOPICS = ("caching", "indexes", "queues", "testing", "observability", "concurrency", "APIs", "data models")
_ERRORS = {
    400: ("INVALID_ARGUMENT", "Invalid JSON payload received."),
    403: ("PERMISSION_DENIED", "Method doesn't allow unregistered callers."),
    404: ("NOT_FOUND", "models/unknown is not found for API version v1beta."),
    429: ("RESOURCE_EXHAUSTED", "You exceeded your current quota."),
    500: ("INTERNAL", "An internal error has occurred."),
    503: ("UNAVAILABLE", "The model is overloaded. Please try again later."),
}


@dataclass
class RecordedRequest:
    """One request as the stand-in saw it."""

    path: str
    query: str
    headers: dict[str, str]
    body: Any
    fault: str | None = None

    @property
    def prompt(self) -> str:
        """The system instruction and every user text part, joined."""
        body = self.body if isinstance(self.body, dict) else {}
        texts = [p.get("text", "") for p in (body.get("systemInstruction") or {}).get("parts", [])]
        for content in body.get("contents") or []:
            texts += [p.get("text", "") for p in content.get("parts", []) if isinstance(p, dict)]
        return "\n".join(texts)


def _error(status: int, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    code, message = _ERRORS[status]
    return {"error": {"code": status, "message": message, "status": code, "details": details or []}}


def _quota(per_day: bool, retry_delay: str) -> dict[str, Any]:
    quota_id = f"GenerateRequests{'PerDay' if per_day else 'PerMinute'}PerProjectPerModel-FreeTier"
    failure = {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaId": quota_id}]}
    return _error(429, [failure, {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}])


def _response(parts: list[dict[str, Any]] | None, finish: str | None = "STOP", **extra: Any) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts} if parts else {}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    return {"candidates": [candidate], "modelVersion": "standin", **extra}


class GeminiStandin:
    """The server; `start()` / `stop()` or use it as a context manager."""

    def __init__(
        self,
        *,
        api_key: str | None = DEFAULT_KEY,
        scores: tuple[int, ...] | list[int] = (9, 6, 3, 8, 5),
        latency_ms: float = 0,
        fault_rate: float = 0.0,
        fault_pool: tuple[str, ...] = RANDOM_POOL,
        seed: int | None = None,
        retry_delay: str = "0.05s",
        slow_seconds: float = 3.0,
        crlf: bool = False,
        port: int = 0,
        transcript: str = "This is the stand-in transcript.",
    ) -> None:
        self.api_key = api_key
        self.scores = list(scores)
        self.latency = latency_ms / 1000
        self.fault_rate = fault_rate
        self.fault_pool = tuple(fault_pool)
        self.retry_delay = retry_delay
        self.slow_seconds = slow_seconds
        self.newline = "\r\n" if crlf else "\n"
        self.transcript = transcript
        self._port = port
        self._rng = random.Random(seed)
        self._forced: list[str] = []
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._serial = itertools.count(1)
        self._sequential = itertools.count(0)
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> GeminiStandin:
        handler = type("Handler", (_Handler,), {"standin": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="gemini-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases handlers sleeping on latency or a slow fault
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> GeminiStandin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the stand-in first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for InterviewEngine.from_env pointing at this stand-in."""
        return {"GEMINI_API_KEY": self.api_key or DEFAULT_KEY, "GEMINI_BASE_URL": self.base_url, **extra}

    # -- script -----------------------------------------------------------------

    def inject(self, *faults: str) -> GeminiStandin:
        """Make the next calls fail with these faults, in order."""
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault(s): {sorted(unknown)}; choose from {FAULTS}")
        with self._lock:
            self._forced.extend(faults)
        return self

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def calls(self) -> int:
        """Generate requests received (faulted ones included)."""
        return len(self.requests)

    def _next_fault(self) -> str | None:
        with self._lock:
            if self._forced:
                return self._forced.pop(0)
            if self.fault_rate and self._rng.random() < self.fault_rate:
                return self._rng.choice(self.fault_pool)
        return None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def wait(self, seconds: float) -> bool:
        """Sleep unless stopping; True when the stand-in is stopping."""
        return self._stopping.wait(seconds) if seconds > 0 else self._stopping.is_set()

    # -- answers ----------------------------------------------------------------

    def score_for(self, prompt: str) -> int:
        """The scripted score: by the prompt's "Round N of M", else the next in line."""
        rounds = _ROUND_RE.findall(prompt)
        index = int(rounds[-1][0]) - 1 if rounds else next(self._sequential)
        return self.scores[index % len(self.scores)]

    def reply_text(self, body: dict[str, Any], prompt: str) -> str:
        """A valid reply for the request's schema."""
        schema = (body.get("generationConfig") or {}).get("responseJsonSchema")
        if not isinstance(schema, dict):
            return self.transcript
        properties = schema.get("properties") or {}
        if "evaluation" in properties or "score" in properties:
            score = self.score_for(prompt)
            evaluation = {
                "score": score,
                "communication_score": score,
                "technical_score": score,
                "confidence_score": score,
                "strengths": f"Scripted strength for a {score}.",
                "weaknesses": f"Scripted weakness for a {score}.",
            }
            if "score" in properties:
                return json.dumps(evaluation)
            reply: dict[str, Any] = {"evaluation": evaluation, "note": f"Scripted note: scored {score}."}
            if "final_report" in properties:
                reply["final_report"] = self._report()
            else:
                reply["next_question"] = self._question(self._next_difficulty(prompt, score))
            return json.dumps(reply)
        if "summary" in properties:
            return json.dumps(self._report())
        found = _DIFFICULTY_RE.findall(prompt)
        return json.dumps(self._question(int(found[-1]) if found else 5))

    @staticmethod
    def _next_difficulty(prompt: str, score: int) -> int:
        for low, high, level in _BAND_RE.findall(prompt):
            if int(low) <= score <= int(high):
                return int(level)
        return 0

    def _question(self, difficulty: int) -> dict[str, Any]:
        serial = next(self._serial)
        topic = _TOPICS[serial % len(_TOPICS)]
        text = f"Stand-in question {serial} at difficulty {difficulty}: how would you approach {topic} here?"
        return {"text": text, "topic": topic, "follow_up": False}

    @staticmethod
    def _report() -> dict[str, Any]:
        return {
            "summary": "Scripted final report from the stand-in.",
            "dimensions": [{"dimension": d, "comment": f"Scripted {d} comment."} for d in DIMENSIONS],
            "strengths": ["Scripted strength"],
            "areas_to_improve": ["Scripted area"],
            "practice_plan": ["Scripted exercise one", "Scripted exercise two"],
            "recommendation": "Hire",
        }

    def render(self, fault: str | None, body: dict[str, Any], prompt: str) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON response) for a call with this fault (None: a clean answer)."""
        if fault in ("429", "429_per_day"):
            return 429, _quota(fault == "429_per_day", self.retry_delay)
        if fault in ("400", "403", "404", "500", "503"):
            return int(fault), _error(int(fault))
        text = self.reply_text(body, prompt)
        usage = {"usageMetadata": {"promptTokenCount": len(prompt) // 4, "candidatesTokenCount": len(text) // 4}}
        if fault == "malformed":
            return 200, _response([{"text": text[: len(text) // 2] + '", "oops": , }'}], **usage)
        if fault == "truncated":
            return 200, _response([{"text": text[: len(text) * 3 // 5]}], "MAX_TOKENS", **usage)
        if fault == "safety":
            return 200, _response(None, "SAFETY")
        if fault == "blocked":
            return 200, {"promptFeedback": {"blockReason": "SAFETY"}}
        if fault == "empty":
            return 200, _response(None, "STOP")
        if fault == "thoughts":
            thought = {"text": "Weighing the answer against the rubric first.", "thought": True}
            return 200, _response([thought, {"text": text, "thoughtSignature": "c2ln"}], **usage)
        if fault == "fenced":
            return 200, _response([{"text": f"Here is the result:\n```json\n{text}\n```\n"}], **usage)
        return 200, _response([{"text": text}], **usage)


class _Handler(BaseHTTPRequestHandler):
    standin: GeminiStandin
    protocol_version = "HTTP/1.1"
    timeout = 10  # idle keep-alive connections end by themselves
    disable_nagle_algorithm = True  # headers and body go out in two writes; Nagle would add ~40 ms

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        standin = self.standin
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        request = RecordedRequest(path, query, dict(self.headers.items()), body)
        standin._record(request)
        match = _PATH_RE.match(path)
        stream = bool(match) and match.group("method") == "streamGenerateContent"
        key = self.headers.get("x-goog-api-key")
        if not match:
            return self._json(404, _error(404))
        if not key:
            return self._json(403, _error(403))
        if standin.api_key is not None and key != standin.api_key:
            reason = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}
            return self._json(
                400, {"error": {**_error(400)["error"], "message": "API key not valid.", "details": [reason]}}
            )
        if not isinstance(body, dict):
            return self._json(400, _error(400))
        request.fault = standin._next_fault()
        if standin.wait(standin.latency) or (request.fault == "slow" and standin.wait(standin.slow_seconds)):
            return None
        status, payload = standin.render(request.fault, body, request.prompt)
        if stream and status == 200:
            return self._sse(payload)
        return self._json(status, payload)

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (timeout) before the answer came
            self.close_connection = True

    def _sse(self, payload: dict[str, Any]) -> None:
        """Split the reply's last text part over three events; the last carries finishReason."""
        newline = self.standin.newline
        events = []
        candidate = (payload.get("candidates") or [{}])[0]
        parts = (candidate.get("content") or {}).get("parts") or []
        if parts:
            text = parts[-1]["text"]
            cut = [0, len(text) // 3, 2 * len(text) // 3, len(text)]
            for i in range(3):
                event_parts = parts[:-1] if i == 0 else []
                event_parts = [*event_parts, {"text": text[cut[i] : cut[i + 1]]}]
                event = _response(event_parts, candidate.get("finishReason") if i == 2 else None)
                events.append(event)
        else:
            events.append(payload)
        self.close_connection = True
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            for event in events:
                self.wfile.write(f"data: {json.dumps(event)}{newline}{newline}".encode())
                self.wfile.flush()
        except OSError:
            pass


@pytest.fixture
def gemini_standin() -> Iterator[GeminiStandin]:
    """A started stand-in (scores 9, 6, 3, 8, 5; no latency, no faults), stopped after the test."""
    standin = GeminiStandin().start()
    try:
        yield standin
    finally:
        standin.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a scripted Gemini stand-in on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port (0: any free port, printed)")
    parser.add_argument("--latency-ms", type=float, default=0, help="delay before every answer")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of calls given a random fault")
    parser.add_argument("--faults", default=",".join(RANDOM_POOL), help="comma-separated random fault pool")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--scores", default="9,6,3,8,5", help="scripted scores by round")
    parser.add_argument("--api-key", default=None, help="accept only this key (default: any non-empty key)")
    parser.add_argument("--slow-seconds", type=float, default=3.0)
    parser.add_argument("--max-seconds", type=float, default=3600, help="stop by itself after this long")
    args = parser.parse_args(argv)
    standin = GeminiStandin(
        api_key=args.api_key,
        scores=[int(s) for s in args.scores.split(",")],
        latency_ms=args.latency_ms,
        fault_rate=args.fault_rate,
        fault_pool=tuple(f for f in args.faults.split(",") if f),
        seed=args.seed,
        slow_seconds=args.slow_seconds,
        port=args.port,
    )
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with standin:
        print(f"Gemini stand-in listening on {standin.base_url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            done.wait(args.max_seconds)
        print(f"Gemini stand-in stopped after {standin.calls} calls", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
