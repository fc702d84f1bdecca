import json
import logging
import random

import pytest
import requests
import responses

from interview_core.config import Settings
from interview_core.errors import (
    ConfigurationError,
    LLMHTTPError,
    LLMOutputError,
    LLMQuotaExceeded,
    LLMTimeout,
    LLMUnavailable,
)
from interview_core.models import InterviewConfig, InterviewSession
from interview_core.providers.base import Provider
from interview_core.providers.gemini import GeminiClient, GeminiProvider
from interview_core.providers.gemini_wire import LLMCutOff, iter_sse_data

KEY = "AIzaSy-test-secret-key-123"
BASE = "https://gemini.test"
MODEL = "gemini-3-flash-preview"
URL = f"{BASE}/v1beta/models/{MODEL}:generateContent"
STREAM_URL = f"{BASE}/v1beta/models/{MODEL}:streamGenerateContent"
SCHEMA = {"type": "object", "properties": {"score": {"type": "integer"}}, "required": ["score"]}
EVALUATION = {
    "score": 7,
    "communication_score": 6,
    "technical_score": 7,
    "confidence_score": 8,
    "strengths": "Concrete example.",
    "weaknesses": "No numbers.",
}


def reply(text: str | None, finish: str = "STOP", **extra) -> dict:
    content = {"role": "model", "parts": [{"text": text}]} if text is not None else {}
    return {"candidates": [{"content": content, "finishReason": finish, "index": 0}], **extra}


def error(status: int, code: str, message: str = "failed", details: list | None = None) -> dict:
    return {"error": {"code": status, "message": message, "status": code, "details": details or []}}


def retry_info(delay: str) -> dict:
    return {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}


def quota_failure(quota_id: str) -> dict:
    return {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaId": quota_id}]}


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps) -> GeminiClient:
    return GeminiClient(KEY, base_url=BASE, sleep=sleeps.append, rng=random.Random(1))


def body_of(call) -> dict:
    return json.loads(call.request.body)


# -- the request ------------------------------------------------------------


def test_request_uses_structured_output_low_thinking_and_the_key_only_in_a_header(rsps, client):
    rsps.post(URL, json=reply('{"score": 7}'))
    assert (
        client.generate("Be an interviewer.", [{"text": "Hi"}], schema=SCHEMA, max_output_tokens=999) == '{"score": 7}'
    )
    request = rsps.calls[0].request
    assert request.url == URL and KEY not in request.url
    assert request.headers["x-goog-api-key"] == KEY
    assert request.req_kwargs["timeout"] == (5.0, 60.0)
    body = json.loads(request.body)
    assert body["systemInstruction"] == {"parts": [{"text": "Be an interviewer."}]}
    assert body["contents"] == [{"role": "user", "parts": [{"text": "Hi"}]}]
    assert body["generationConfig"] == {
        "maxOutputTokens": 999,
        "thinkingConfig": {"thinkingLevel": "low"},
        "responseMimeType": "application/json",
        "responseJsonSchema": SCHEMA,
    }


def test_a_plain_text_request_such_as_a_transcription_sends_no_json_mode(rsps, client):
    rsps.post(URL, json=reply("hello there"))
    audio = {"inlineData": {"mimeType": "audio/wav", "data": "UklGRg=="}}
    assert client.generate("", [{"text": "Transcribe."}, audio]) == "hello there"
    body = body_of(rsps.calls[0])
    assert "systemInstruction" not in body
    assert body["contents"][0]["parts"][1] == audio
    assert "responseMimeType" not in body["generationConfig"] and body["generationConfig"]["maxOutputTokens"] == 2048


# -- the response -------------------------------------------------------------


def test_thought_parts_are_left_out_and_the_other_parts_joined(rsps, client):
    parts = [{"text": "Let me think", "thought": True}, {"text": '{"score":'}, {"text": " 7}", "thoughtSignature": "x"}]
    rsps.post(URL, json={"candidates": [{"content": {"parts": parts}, "finishReason": "STOP"}]})
    assert client.generate("s", "u") == '{"score": 7}'


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (reply(None), "empty"),
        ({"candidates": [{"content": {"parts": []}, "finishReason": "STOP"}]}, "empty"),
        ({"candidates": []}, "no answer"),
        (reply('{"score": 7, "comm', "MAX_TOKENS"), "MAX_TOKENS"),
        (reply(None, "SAFETY"), "SAFETY"),
        (reply("some text", "RECITATION"), "RECITATION"),
        ({"promptFeedback": {"blockReason": "SAFETY"}}, "blocked"),
    ],
)
def test_unusable_output_is_an_output_error_not_a_crash(rsps, client, payload, words):
    rsps.post(URL, json=payload)
    with pytest.raises(LLMOutputError, match=words):
        client.generate("s", "u")
    assert len(rsps.calls) == 1


def test_a_reply_cut_at_the_token_limit_keeps_its_partial_text(rsps, client):
    rsps.post(URL, json=reply('{"score": 7, "comm', "MAX_TOKENS"))
    with pytest.raises(LLMCutOff) as caught:
        client.generate("s", "u")
    assert caught.value.raw_text == '{"score": 7, "comm'


def test_a_reply_that_is_not_json_is_an_output_error(rsps, client):
    rsps.post(URL, body="<html>proxy error</html>", status=200)
    with pytest.raises(LLMOutputError, match="not JSON"):
        client.generate("s", "u")


# -- retries --------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
def test_transient_http_errors_are_retried_after_about_a_second(rsps, client, sleeps, status):
    rsps.post(URL, json=error(status, "UNAVAILABLE"), status=status)
    rsps.post(URL, json=reply("ok"))
    assert client.generate("s", "u") == "ok"
    assert len(rsps.calls) == 2
    assert len(sleeps) == 1 and 1.0 <= sleeps[0] <= 1.25


def test_backoff_doubles_with_jitter(rsps, client, sleeps):
    for _ in range(4):
        rsps.post(URL, json=error(503, "UNAVAILABLE"), status=503)
    rsps.post(URL, json=reply("ok"))
    assert client.generate("s", "u") == "ok"
    assert all(base <= s <= base * 1.25 for base, s in zip([1, 2, 4, 8], sleeps, strict=True))


def test_exhausted_retries_raise_unavailable_with_a_clear_message(rsps, client, sleeps):
    rsps.post(URL, json=error(503, "UNAVAILABLE", "The model is overloaded."), status=503)
    with pytest.raises(LLMUnavailable, match="overloaded") as caught:
        client.generate("s", "u")
    assert len(rsps.calls) == 5 and len(sleeps) == 4
    assert caught.value.transient


def test_a_rate_limit_waits_for_the_retry_delay_the_server_gives(rsps, client, sleeps):
    rsps.post(URL, json=error(429, "RESOURCE_EXHAUSTED", details=[retry_info("7s")]), status=429)
    rsps.post(URL, json=reply("ok"))
    assert client.generate("s", "u") == "ok"
    assert sleeps == [7.0]


def test_a_rate_limit_without_retry_info_backs_off(rsps, client, sleeps):
    rsps.post(URL, json=error(429, "RESOURCE_EXHAUSTED"), status=429)
    rsps.post(URL, json=reply("ok"))
    assert client.generate("s", "u") == "ok"
    assert 1.0 <= sleeps[0] <= 1.25


def test_a_per_day_quota_stops_at_once_and_says_waiting_will_not_help(rsps, client, sleeps):
    details = [quota_failure("GenerateRequestsPerDayPerProjectPerModel-FreeTier"), retry_info("30s")]
    rsps.post(URL, json=error(429, "RESOURCE_EXHAUSTED", details=details), status=429)
    with pytest.raises(LLMQuotaExceeded, match="daily") as caught:
        client.generate("s", "u")
    assert caught.value.per_day and not caught.value.transient
    assert len(rsps.calls) == 1 and sleeps == []


def test_a_retry_delay_beyond_the_cap_stops_and_says_how_long_to_wait(rsps, client, sleeps):
    details = [quota_failure("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"), retry_info("120s")]
    rsps.post(URL, json=error(429, "RESOURCE_EXHAUSTED", details=details), status=429)
    with pytest.raises(LLMQuotaExceeded, match="120 seconds") as caught:
        client.generate("s", "u")
    assert not caught.value.per_day and caught.value.transient and caught.value.retry_after == 120
    assert len(rsps.calls) == 1 and sleeps == []


def test_a_rate_limit_that_outlasts_the_retries_is_a_transient_quota_error(rsps, client, sleeps):
    rsps.post(URL, json=error(429, "RESOURCE_EXHAUSTED", details=[retry_info("2s")]), status=429)
    with pytest.raises(LLMQuotaExceeded) as caught:
        client.generate("s", "u")
    assert isinstance(caught.value, LLMUnavailable) and not caught.value.per_day
    assert sleeps == [2.0] * 4


@pytest.mark.parametrize(
    ("exception", "expected"),
    [
        (requests.exceptions.ReadTimeout("read timed out"), LLMTimeout),
        (requests.exceptions.ConnectTimeout("connect timed out"), LLMTimeout),
        (requests.exceptions.ConnectionError("connection refused"), LLMUnavailable),
    ],
)
def test_connection_failures_are_retried_then_wrapped(rsps, client, sleeps, exception, expected):
    rsps.post(URL, body=exception)
    with pytest.raises(expected) as caught:
        client.generate("s", "u")
    assert len(rsps.calls) == 5 and len(sleeps) == 4
    assert caught.value.__cause__ is exception


def test_a_timeout_then_an_answer_succeeds(rsps, client):
    rsps.post(URL, body=requests.exceptions.ReadTimeout("slow"))
    rsps.post(URL, json=reply("ok"))
    assert client.generate("s", "u") == "ok"


# -- errors that do not clear by retrying ----------------------------------------


@pytest.mark.parametrize(
    ("status", "payload", "words"),
    [
        (400, error(400, "INVALID_ARGUMENT", "Invalid JSON payload"), "bad request"),
        (400, error(400, "FAILED_PRECONDITION", "User location is not supported"), "region"),
        (
            400,
            error(400, "INVALID_ARGUMENT", "API key not valid.", [{"reason": "API_KEY_INVALID"}]),
            "GEMINI_API_KEY",
        ),
        (401, error(401, "UNAUTHENTICATED"), "GEMINI_API_KEY"),
        (403, error(403, "PERMISSION_DENIED"), ".streamlit/secrets.toml"),
        (404, error(404, "NOT_FOUND"), f"'{MODEL}'.*GEMINI_MODEL"),
        (413, error(413, "INVALID_ARGUMENT", "Request too large"), "HTTP 413"),
    ],
)
def test_permanent_errors_fail_at_once_with_what_to_do(rsps, client, sleeps, status, payload, words):
    rsps.post(URL, json=payload, status=status)
    with pytest.raises(LLMHTTPError, match=words) as caught:
        client.generate("s", "u")
    assert caught.value.status == status and not caught.value.transient
    assert len(rsps.calls) == 1 and sleeps == []


def test_the_key_never_reaches_messages_reprs_or_logs(rsps, sleeps, caplog):
    caplog.set_level(logging.DEBUG)
    client = GeminiClient(KEY, base_url=BASE, sleep=sleeps.append)
    provider = GeminiProvider(client)
    rsps.post(URL, json=error(400, "INVALID_ARGUMENT", f"API key not valid: {KEY}"), status=400)
    with pytest.raises(LLMHTTPError) as bad_key:
        client.generate("s", "u")
    rsps.replace(responses.POST, URL, body=requests.exceptions.ConnectionError("refused"))
    with pytest.raises(LLMUnavailable) as down:
        client.generate("s", "u")
    texts = [str(bad_key.value), str(down.value), repr(client), repr(provider), caplog.text]
    assert caplog.text  # retries were logged
    assert all(KEY not in text for text in texts)


def test_a_missing_key_is_a_configuration_error_saying_how_to_set_it():
    with pytest.raises(ConfigurationError, match="GEMINI_API_KEY"):
        GeminiClient("")


# -- streaming ---------------------------------------------------------------------


def sse(*events: dict, newline: str = "\n") -> bytes:
    return "".join(f"data: {json.dumps(e)}{newline}{newline}" for e in events).encode()


def test_streaming_reads_server_sent_events_with_crlf_and_reports_each_piece(rsps, client):
    thought = {"candidates": [{"content": {"parts": [{"text": "hmm", "thought": True}, {"text": '{"sc'}]}}]}
    rsps.post(
        STREAM_URL,
        body=sse(thought, reply('ore": '), reply("7}", usageMetadata={"totalTokenCount": 9}), newline="\r\n"),
        content_type="text/event-stream",
    )
    pieces = []
    assert client.generate("s", "u", schema=SCHEMA, stream=True, on_text=pieces.append) == '{"score": 7}'
    assert pieces == ['{"sc', 'ore": ', "7}"]
    assert rsps.calls[0].request.url == STREAM_URL + "?alt=sse"
    assert rsps.calls[0].request.headers["x-goog-api-key"] == KEY


def test_a_streamed_error_comes_back_as_plain_json(rsps, client):
    rsps.post(STREAM_URL, json=error(404, "NOT_FOUND"), status=404)
    with pytest.raises(LLMHTTPError, match="GEMINI_MODEL"):
        client.generate("s", "u", stream=True)


def test_a_stream_cut_at_the_token_limit_is_unusable(rsps, client):
    rsps.post(STREAM_URL, body=sse(reply('{"score"', finish=None), reply(": 7", "MAX_TOKENS")))
    with pytest.raises(LLMCutOff):
        client.generate("s", "u", stream=True)


def test_an_error_event_inside_a_stream_is_retried(rsps, client, sleeps):
    rsps.post(STREAM_URL, body=sse({"error": {"code": 503, "status": "UNAVAILABLE", "message": "overloaded"}}))
    rsps.post(STREAM_URL, body=sse(reply("ok")))
    assert client.generate("s", "u", stream=True) == "ok"
    assert len(sleeps) == 1


@pytest.mark.parametrize(
    ("model", "thinking"),
    [
        ("gemini-3-flash-preview", {"thinkingLevel": "low"}),
        ("gemini-3-pro-preview", {"thinkingLevel": "low"}),
        ("gemini-2.5-flash", {"thinkingBudget": 1024}),
        ("gemini-2.0-flash", None),
    ],
)
def test_thinking_is_kept_low_in_the_form_each_model_accepts(model, thinking):
    config = GeminiClient(KEY, model=model).request_body("", [{"text": "u"}], None, 100)["generationConfig"]
    assert config.get("thinkingConfig") == thinking
    assert "temperature" not in config


def test_sse_events_survive_any_chunk_boundary():
    stream = sse(reply("a"), reply("b"), newline="\r\n")
    for size in (1, 2, 3, 7, 50):
        chunks = [stream[i : i + size] for i in range(0, len(stream), size)]
        assert [json.loads(e)["candidates"][0]["content"]["parts"][0]["text"] for e in iter_sse_data(chunks)] == [
            "a",
            "b",
        ]


# -- the provider ---------------------------------------------------------------------


def make_session(rounds: int = 3) -> InterviewSession:
    s = InterviewSession.from_config(InterviewConfig(field="Backend", total_rounds=rounds))
    s.current_question = "How would you cache user profiles?"
    return s


def turn_reply(next_question: str = "How do you invalidate that cache?", **evaluation) -> dict:
    data = {
        "evaluation": {**EVALUATION, **evaluation},
        "note": "Good cache answer.",
        "next_question": {"text": next_question, "topic": "caching", "follow_up": True},
    }
    return reply(json.dumps(data))


@pytest.fixture
def provider(client) -> GeminiProvider:
    return GeminiProvider(client)


def test_the_provider_implements_the_protocol_and_names_its_model(provider, client):
    assert isinstance(provider, Provider)
    assert provider.name == "gemini" and provider.label == f"Gemini ({MODEL})"
    assert provider.client is client


def test_from_settings_uses_the_configured_model_and_address(rsps):
    settings = Settings.from_env({"GEMINI_API_KEY": KEY, "GEMINI_MODEL": "gemini-x", "GEMINI_BASE_URL": BASE + "/"})
    provider = GeminiProvider.from_settings(settings)
    assert provider.label == "Gemini (gemini-x)"
    rsps.post(f"{BASE}/v1beta/models/gemini-x:generateContent", json=reply('{"text": "Q?", "topic": "t"}'))
    assert provider.first_question(make_session()).text == "Q?"
    with pytest.raises(ConfigurationError):
        GeminiProvider.from_settings(Settings.from_env({}))


def test_one_call_scores_the_answer_and_brings_the_next_question(rsps, provider):
    rsps.post(URL, json=turn_reply())
    turn = provider.evaluate(make_session(), "I would use Redis with a TTL.")
    assert len(rsps.calls) == 1
    assert turn.evaluation.score == 7 and turn.evaluation.confidence_score == 8
    assert turn.next_question.text == "How do you invalidate that cache?"
    assert turn.next_question.meta["follow_up"] is True
    assert turn.note == "Good cache answer."
    config = body_of(rsps.calls[0])["generationConfig"]
    assert set(config["responseJsonSchema"]["properties"]) == {"evaluation", "note", "next_question"}


def test_the_last_round_brings_the_final_report_in_the_same_call(rsps, provider):
    report = {"summary": "Done.", "dimensions": [], "strengths": ["a"], "areas_to_improve": ["b"]}
    rsps.post(URL, json=reply(json.dumps({"evaluation": EVALUATION, "note": "n", "final_report": report})))
    session = make_session(rounds=1)
    turn = provider.evaluate(session, "answer")
    assert len(rsps.calls) == 1
    assert turn.final_report.summary == "Done." and turn.next_question is None
    assert "final_report" in body_of(rsps.calls[0])["generationConfig"]["responseJsonSchema"]["properties"]


def test_unusable_output_is_re_asked_showing_the_model_its_error(rsps, provider):
    rsps.post(URL, json=reply('{"evaluation": {"score": 7 "communication_score": }}'))
    rsps.post(URL, json=turn_reply())
    turn = provider.evaluate(make_session(), "answer")
    assert turn.evaluation.score == 7
    second = body_of(rsps.calls[1])["contents"][0]["parts"]
    assert second[0] == body_of(rsps.calls[0])["contents"][0]["parts"][0]
    assert "malformed" in second[1]["text"] and '"score": 7 "communication_score"' in second[1]["text"]


def test_output_that_stays_unusable_raises_after_a_bounded_number_of_asks(rsps, provider):
    rsps.post(URL, json=reply("I'm sorry, I can't evaluate this."))
    with pytest.raises(LLMOutputError) as caught:
        provider.evaluate(make_session(), "answer")
    assert len(rsps.calls) == 3
    assert caught.value.attempts == 3 and caught.value.raw_text == "I'm sorry, I can't evaluate this."
    assert "3 attempts" in str(caught.value)


def test_a_reply_cut_at_the_token_limit_is_re_asked_with_a_bigger_budget(rsps, provider):
    rsps.post(URL, json=reply('{"evaluation": {"score": 7', "MAX_TOKENS"))
    rsps.post(URL, json=turn_reply())
    provider.evaluate(make_session(), "answer")
    budgets = [body_of(c)["generationConfig"]["maxOutputTokens"] for c in rsps.calls]
    assert budgets[1] == 2 * budgets[0]


@pytest.mark.parametrize("payload", [{"promptFeedback": {"blockReason": "OTHER"}}, reply(None, "SAFETY"), reply(None)])
def test_blocked_safety_and_empty_replies_are_re_asked(rsps, provider, payload):
    rsps.post(URL, json=payload)
    rsps.post(URL, json=turn_reply())
    assert provider.evaluate(make_session(), "answer").evaluation.score == 7
    assert len(rsps.calls) == 2


def test_a_repeated_question_is_kept_without_another_call(rsps, provider, caplog):
    session = make_session()
    rsps.post(URL, json=turn_reply(next_question="How would you CACHE user profiles?"))
    assert provider.evaluate(session, "answer").next_question.text == "How would you CACHE user profiles?"
    assert len(rsps.calls) == 1  # one call per answer, even when the model slips
    assert "repeated an earlier question" in caplog.text


def test_http_errors_are_not_re_asked(rsps, provider):
    rsps.post(URL, json=error(403, "PERMISSION_DENIED"), status=403)
    with pytest.raises(LLMHTTPError):
        provider.evaluate(make_session(), "answer")
    assert len(rsps.calls) == 1


def test_a_separate_final_report_can_be_asked_for(rsps, provider):
    rsps.post(URL, json=reply(json.dumps({"summary": "Fine.", "recommendation": "Hire"})))
    report = provider.final_report(make_session())
    assert report.summary == "Fine." and report.recommendation == "Hire"
    assert "summary" in body_of(rsps.calls[0])["generationConfig"]["responseJsonSchema"]["properties"]
