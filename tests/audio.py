"""Spoken test answers made with espeak-ng and sox, cached on disk, plus WAV and word-error-rate helpers.

Missing espeak-ng/sox skips the test locally but fails it when CI=true, so CI never passes by skipping.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

MIC_RECORDER_RATE = 44_100  # streamlit-mic-recorder's WAV, whatever the microphone's rate
AUDIO_INPUT_RATE = 16_000  # st.audio_input's WAV
CACHE_DIR = Path(tempfile.gettempdir()) / f"interview-coach-test-speech-{os.getuid()}"


def require_speech_tools() -> None:
    """Skip (locally) or fail (CI=true) when espeak-ng or sox is missing."""
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if not missing:
        return
    import pytest

    message = f"{' and '.join(missing)} not installed (apt-get install espeak-ng sox)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


def spoken_wav_path(text: str, *, rate: int = AUDIO_INPUT_RATE, words_per_minute: int = 150) -> Path:
    """A mono 16-bit WAV of `text` spoken by espeak-ng at `rate` Hz (made once, then reused)."""
    require_speech_tools()
    key = hashlib.sha256(f"{text}|{rate}|{words_per_minute}".encode()).hexdigest()[:20]
    target = CACHE_DIR / f"{key}.wav"
    if target.exists():
        return target
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    # Built in a folder beside the cache and moved in one step, so a parallel run never reads half a file.
    with tempfile.TemporaryDirectory(dir=CACHE_DIR) as folder:
        raw, out = Path(folder, "raw.wav"), Path(folder, "out.wav")
        subprocess.run(
            ["espeak-ng", "-w", str(raw), "-s", str(words_per_minute), text],
            check=True,
            capture_output=True,
            timeout=60,
        )
        subprocess.run(
            ["sox", str(raw), "-r", str(rate), "-c", "1", "-b", "16", str(out), "gain", "-1"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        os.replace(out, target)
    return target


def spoken_wav(text: str, *, rate: int = AUDIO_INPUT_RATE, words_per_minute: int = 150) -> bytes:
    return spoken_wav_path(text, rate=rate, words_per_minute=words_per_minute).read_bytes()


def wav_bytes(samples: np.ndarray, rate: int = AUDIO_INPUT_RATE, *, sample_width: int = 2, channels: int = 1) -> bytes:
    """PCM WAV from float samples in [-1, 1] (interleaved when `channels` > 1)."""
    if sample_width == 1:
        frames = (np.clip(samples, -1, 1) * 127 + 128).astype(np.uint8).tobytes()
    else:
        frames = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(sample_width)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def read_samples(data: bytes) -> tuple[np.ndarray, int]:
    """Mono 16-bit WAV -> (float samples, rate)."""
    with wave.open(io.BytesIO(data)) as source:
        assert source.getsampwidth() == 2 and source.getnchannels() == 1
        frames = source.readframes(source.getnframes())
        return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768, source.getframerate()


def silence_wav(seconds: float, rate: int = AUDIO_INPUT_RATE) -> bytes:
    return wav_bytes(np.zeros(int(seconds * rate), dtype=np.float32), rate)


def normalised_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("-", " "))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, by edit distance over words."""
    ref, hyp = normalised_words(reference), normalised_words(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, start=1):
        current = [i]
        for j, hyp_word in enumerate(hyp, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word)))
        previous = current
    return previous[-1] / max(len(ref), 1)
