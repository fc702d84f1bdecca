"""A small Gemini REST client: one generateContent call with retries, error mapping and streaming.

The key travels only in the `x-goog-api-key` header: never in a URL, a log
line, an exception message or a repr.
"""

from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Callable
from typing import Any

import requests

from ..config import DEFAULT_BASE_URL, DEFAULT_MODEL, Settings
from ..errors import (
    ConfigurationError,
    LLMError,
    LLMHTTPError,
    LLMOutputError,
    LLMQuotaExceeded,
    LLMRateLimited,
    LLMTimeout,
    LLMUnavailable,
)
from .gemini_wire import (
    error_body,
    finished_text,
    first_candidate,
    iter_sse_data,
    parse_duration,
    parts_text,
    read_event,
    response_text,
)

log = logging.getLogger("interview_core.gemini")

#: (connect, read) seconds; never None, so a stalled server cannot hang a page
DEFAULT_TIMEOUT = (5.0, 60.0)
DEFAULT_MAX_ATTEMPTS = 5
RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
FIRST_DELAY = 1.0
#: the backoff cap, and the longest server-requested delay worth waiting for inside one request
MAX_DELAY = 60.0
THINKING_LEVEL = "low"
#: Gemini 2.5 takes a token budget instead of a level (never both: that is a 400)
THINKING_BUDGET_2_5 = 1024
KEY_HELP = (
    "Set a valid key in the GEMINI_API_KEY environment variable or in .streamlit/secrets.toml "
    "(create one at https://aistudio.google.com/apikey)."
)

Timeout = tuple[float, float]


class _Retryable(Exception):
    """A failure worth another attempt; `error` is raised when attempts run out."""

    def __init__(self, reason: str, error: LLMError, delay: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.error = error
        self.delay = delay


def thinking_config(model: str) -> dict[str, Any] | None:
    """Low thinking for Gemini 3 (and newer); older models reject thinkingLevel with a 400."""
    if model.startswith("gemini-2.5"):
        return {"thinkingBudget": THINKING_BUDGET_2_5}
    if re.match(r"gemini-(1\.|2\.0)", model):
        return None
    return {"thinkingLevel": THINKING_LEVEL}


class GeminiClient:
    """POST generateContent (or streamGenerateContent) and return the model's text."""

    def __init__(
        self,
        api_key: str,
        model: str = DEFAULT_MODEL,
        base_url: str = DEFAULT_BASE_URL,
        session: requests.Session | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if not api_key or not api_key.strip():
            raise ConfigurationError(f"No Gemini API key is set. {KEY_HELP}")
        self._api_key = api_key.strip()
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = (float(timeout[0]), float(timeout[1]))
        self.max_attempts = max(1, int(max_attempts))
        self._sleep = sleep
        self._rng = rng or random.Random()

    @classmethod
    def from_settings(cls, settings: Settings, session: requests.Session | None = None) -> GeminiClient:
        """A client for the configured key, model, API address and read timeout."""
        if not settings.gemini_api_key:
            raise ConfigurationError(f"No Gemini API key is set. {KEY_HELP}")
        return cls(
            settings.gemini_api_key,
            model=settings.gemini_model,
            base_url=settings.gemini_base_url,
            session=session,
            timeout=(DEFAULT_TIMEOUT[0], settings.gemini_timeout),
        )

    def __repr__(self) -> str:
        return f"GeminiClient(model={self.model!r}, base_url={self.base_url!r})"

    def url(self, stream: bool = False) -> str:
        method = "streamGenerateContent?alt=sse" if stream else "generateContent"
        return f"{self.base_url}/v1beta/models/{self.model}:{method}"

    def request_body(
        self, system: str, parts: list[dict[str, Any]], schema: dict[str, Any] | None, max_output_tokens: int
    ) -> dict[str, Any]:
        """The JSON body: no temperature override (Gemini 3 wants its default), low thinking, a token cap."""
        config: dict[str, Any] = {"maxOutputTokens": int(max_output_tokens)}
        thinking = thinking_config(self.model)
        if thinking:
            config["thinkingConfig"] = thinking
        if schema is not None:
            config["responseMimeType"] = "application/json"
            config["responseJsonSchema"] = schema
        body: dict[str, Any] = {"contents": [{"role": "user", "parts": list(parts)}], "generationConfig": config}
        if system:
            body["systemInstruction"] = {"parts": [{"text": system}]}
        return body

    def generate(
        self,
        system: str,
        parts: list[dict[str, Any]],
        schema: dict[str, Any] | None = None,
        max_output_tokens: int = 2048,
        stream: bool = False,
        on_text: Callable[[str], None] | None = None,
    ) -> str:
        """The model's text for one request, retrying transient failures; thought parts are left out."""
        body = self.request_body(system, parts, schema, max_output_tokens)
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._stream(body, on_text) if stream else self._call(body)
            except _Retryable as failure:
                if attempt >= self.max_attempts:
                    raise failure.error from failure.__cause__
                delay = failure.delay if failure.delay is not None else self.backoff(attempt)
                log.warning(
                    "Gemini %s (attempt %d/%d); retry in %.1f s", failure.reason, attempt, self.max_attempts, delay
                )
                self._sleep(delay)
        raise AssertionError("unreachable")  # the loop returns or raises

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: about 1 s, 2 s, 4 s ... capped at MAX_DELAY."""
        base = min(MAX_DELAY, FIRST_DELAY * 2 ** (attempt - 1))
        return min(MAX_DELAY, base + self._rng.uniform(0, base / 4))

    # -- one attempt --------------------------------------------------------

    def _post(self, body: dict[str, Any], stream: bool) -> requests.Response:
        headers = {"x-goog-api-key": self._api_key, "Content-Type": "application/json"}
        try:
            return self.session.post(self.url(stream), headers=headers, json=body, timeout=self.timeout, stream=stream)
        except requests.Timeout as exc:
            raise _Retryable("timed out", self._timeout_error()) from exc
        except requests.ConnectionError as exc:
            raise _Retryable("connection failed", self._connection_error()) from exc
        except requests.RequestException as exc:
            raise ConfigurationError(
                f"The Gemini address {self.base_url!r} cannot be used; check GEMINI_BASE_URL."
            ) from exc

    def _call(self, body: dict[str, Any]) -> str:
        started = time.perf_counter()
        response = self._post(body, stream=False)
        if response.status_code != 200:
            self._raise_for_status(response)
        try:
            data = response.json()
        except ValueError as exc:
            raise LLMOutputError(
                "Gemini's reply could not be used: it was not JSON.", raw_text=response.text[:2000]
            ) from exc
        text = response_text(data)
        usage = {k.removesuffix("TokenCount"): v for k, v in (data.get("usageMetadata") or {}).items()}
        log.info("Gemini %s answered in %.2f s; tokens %s", self.model, time.perf_counter() - started, usage)
        return text

    def _stream(self, body: dict[str, Any], on_text: Callable[[str], None] | None) -> str:
        response = self._post(body, stream=True)
        with response:
            if response.status_code != 200:
                self._raise_for_status(response)
            pieces: list[str] = []
            finish: str | None = None
            try:
                for payload in iter_sse_data(response.iter_content(chunk_size=None)):
                    event = read_event(payload)
                    if isinstance(event, dict) and isinstance(event.get("error"), dict):
                        self._stream_error(event["error"], started=bool(pieces))
                    candidate = first_candidate(event)
                    piece = parts_text(candidate)
                    if piece:
                        pieces.append(piece)
                        if on_text is not None:
                            on_text(piece)
                    finish = candidate.get("finishReason") or finish
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                if pieces:  # text already shown cannot be taken back: fail instead of repeating it
                    raise LLMUnavailable("The connection to Gemini dropped in the middle of its reply.") from exc
                raise _Retryable("stream broke", self._connection_error()) from exc
        text = "".join(pieces)
        if finish is None:
            raise LLMOutputError("Gemini's reply could not be used: the stream ended early.", raw_text=text)
        return finished_text(text, finish)

    # -- errors -------------------------------------------------------------

    def _timeout_error(self) -> LLMTimeout:
        return LLMTimeout(
            f"Gemini did not answer within {self.timeout[1]:g} s ({self.max_attempts} attempts); try again in a minute."
        )

    def _connection_error(self) -> LLMUnavailable:
        return LLMUnavailable(
            f"Gemini could not be reached ({self.max_attempts} attempts); check the internet connection and try again."
        )

    def _stream_error(self, error: dict[str, Any], started: bool) -> None:
        """An error event inside a 200 stream: retry it unless text was already handed out."""
        status = error.get("code")
        failure = LLMUnavailable(f"Gemini failed in the middle of its reply (HTTP {status}); try again in a minute.")
        if started or status not in RETRYABLE_STATUS:
            raise failure
        raise _Retryable(f"stream reported HTTP {status}", failure)

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, "[redacted]")[:300]

    def _raise_for_status(self, response: requests.Response) -> None:
        status = response.status_code
        error = error_body(response)
        message = self._redact(str(error.get("message") or response.reason or "").strip())
        details = [d for d in error.get("details") or [] if isinstance(d, dict)]
        if status == 429:
            self._raise_quota(response, message, details)
        if status in RETRYABLE_STATUS:
            raise _Retryable(
                f"returned HTTP {status}",
                LLMUnavailable(
                    f"Gemini is unavailable or overloaded (HTTP {status}) after {self.max_attempts} attempts; "
                    "try again in a minute."
                ),
            )
        reasons = {str(d.get("reason", "")) for d in details}
        if status in (401, 403) or "API_KEY_INVALID" in reasons or "api key not valid" in message.lower():
            raise LLMHTTPError(f"Gemini refused the API key (HTTP {status}). {KEY_HELP}", status=status)
        if status == 404:
            raise LLMHTTPError(
                f"The Gemini model '{self.model}' was not found (HTTP 404). Set GEMINI_MODEL to a model id your "
                f"key can use (default {DEFAULT_MODEL}).",
                status=status,
            )
        if status == 400 and error.get("status") == "FAILED_PRECONDITION":
            raise LLMHTTPError(
                "Gemini refused the request (HTTP 400, FAILED_PRECONDITION): the API is probably not available "
                f"in your region or for this project without billing. Details: {message}",
                status=status,
            )
        if status == 400:
            raise LLMHTTPError(
                f"Gemini rejected a bad request (HTTP 400: {message}). This is a bug in the app, not in your "
                "answer; please report it.",
                status=status,
            )
        raise LLMHTTPError(f"Gemini returned HTTP {status}: {message or 'no details'}.", status=status)

    def _raise_quota(self, response: requests.Response, message: str, details: list[dict[str, Any]]) -> None:
        for detail in details:
            for violation in detail.get("violations") or []:
                quota = f"{violation.get('quotaId', '')} {violation.get('quotaMetric', '')}"
                if "PerDay" in quota:
                    raise LLMQuotaExceeded(
                        "The daily Gemini quota for this API key is used up; waiting minutes will not help. "
                        "Try again tomorrow, or set another key in GEMINI_API_KEY.",
                        per_day=True,
                    )
        delay = None
        for detail in details:
            if str(detail.get("@type", "")).endswith("google.rpc.RetryInfo"):
                delay = parse_duration(detail.get("retryDelay"))
        if delay is None:
            delay = parse_duration(response.headers.get("Retry-After"))
        if delay is not None and delay > MAX_DELAY:
            raise LLMQuotaExceeded(
                f"Gemini's rate limit is reached; wait about {math.ceil(delay)} seconds and try again.",
                retry_after=delay,
            )
        raise _Retryable(
            "is rate limited (HTTP 429)",
            LLMRateLimited(
                f"Gemini's rate limit is still reached after {self.max_attempts} attempts; wait a minute and "
                "try again.",
                retry_after=delay,
            ),
            delay,
        )
