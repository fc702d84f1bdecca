"""Gemini's wire format: the reply text of a response, stream events, error bodies and durations.

Pure functions of what the API sends back (see shared GEMINI_REST.md); the client in
gemini_client.py does the HTTP, retries and error mapping around them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import requests

from ..errors import LLMOutputError


class LLMCutOff(LLMOutputError):
    """The reply stopped at maxOutputTokens, so its JSON is incomplete."""


def parse_duration(value: Any) -> float | None:
    """Seconds from a google.protobuf.Duration string such as "55s" or "1.5s"."""
    if isinstance(value, int | float):
        return float(value)
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)s?\s*", str(value or ""))
    return float(match.group(1)) if match else None


def first_candidate(data: Any) -> dict[str, Any]:
    """The first candidate of a response (empty if none); LLMOutputError when the prompt was blocked."""
    if not isinstance(data, dict):
        raise LLMOutputError("Gemini's reply could not be used: it was not a response object.")
    block = (data.get("promptFeedback") or {}).get("blockReason")
    candidates = data.get("candidates") or []
    if block and not candidates:
        raise LLMOutputError(f"Gemini blocked the request (reason {block}); no answer was produced.")
    return candidates[0] if candidates and isinstance(candidates[0], dict) else {}


def parts_text(candidate: dict[str, Any]) -> str:
    parts = (candidate.get("content") or {}).get("parts") or []
    return "".join(p.get("text") or "" for p in parts if isinstance(p, dict) and not p.get("thought"))


def finished_text(text: str, reason: str | None) -> str:
    """The text of a finished reply; LLMOutputError when it was cut, stopped early or empty."""
    _check_finish(reason, text)
    if not text.strip():
        raise LLMOutputError("Gemini's reply could not be used: it was empty.")
    return text


def response_text(data: Any) -> str:
    """The reply text of a GenerateContentResponse (thought parts excluded), or LLMOutputError."""
    candidate = first_candidate(data)
    if not candidate:
        raise LLMOutputError("Gemini's reply could not be used: it had no answer.")
    return finished_text(parts_text(candidate), candidate.get("finishReason"))


def _check_finish(reason: str | None, text: str) -> None:
    if reason in (None, "STOP", "FINISH_REASON_UNSPECIFIED"):
        return
    if reason == "MAX_TOKENS":
        raise LLMCutOff("Gemini's reply was cut off at the output limit (MAX_TOKENS).", raw_text=text)
    raise LLMOutputError(f"Gemini stopped without a usable answer (finish reason {reason}).", raw_text=text)


def iter_sse_data(chunks: Iterable[bytes]) -> Iterator[str]:
    """The `data:` payload of each server-sent event; LF or CRLF line ends."""
    buffer = b""
    data: list[str] = []
    for chunk in chunks:
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for raw in lines:
            line = raw.rstrip(b"\r").decode("utf-8", errors="replace")
            if not line:
                if data:
                    yield "\n".join(data)
                    data = []
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
    tail = buffer.rstrip(b"\r").decode("utf-8", errors="replace")
    if tail.startswith("data:"):
        data.append(tail[5:].removeprefix(" "))
    if data:
        yield "\n".join(data)


def error_body(response: requests.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, list) and error:  # some proxies wrap it in a list
        error = error[0]
    return error if isinstance(error, dict) else {}


def read_event(payload: str) -> Any:
    try:
        return json.loads(payload)
    except ValueError as exc:
        raise LLMOutputError("Gemini's streamed reply could not be read.", raw_text=payload[:2000]) from exc
