"""Time the offline rubric scorer: median milliseconds per answer over the labelled answer set.

Usage: python bench/bench_scorer.py [--quick]
Prints one line per figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from interview_core.bank_index import get_index  # noqa: E402
from interview_core.providers.offline import score_answer  # noqa: E402
from interview_core.relevance import question_context  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "labelled_answers.json"


def _pairs() -> list[tuple[str, str, str]]:
    data = json.loads(LABELLED.read_text(encoding="utf-8"))
    return [(q["question"], a["text"], q["interview_type"]) for q in data["questions"] for a in q["answers"]]


def _time_ms(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for CI")
    args = parser.parse_args()
    repeats = 2 if args.quick else 20
    pairs = _pairs()

    build_ms = _time_ms(get_index)
    warm: list[float] = []
    cold: list[float] = []
    for _ in range(repeats):
        for question, answer, qtype in pairs:
            question_context.cache_clear()  # a question the scorer has never seen
            cold.append(_time_ms(lambda q=question, a=answer, t=qtype: score_answer(q, a, interview_type=t)))
            warm.append(_time_ms(lambda q=question, a=answer, t=qtype: score_answer(q, a, interview_type=t)))
    everything = cold + warm
    print(f"scorer median ms per answer: {statistics.median(everything):.2f} ({len(everything)} answers)")
    print(f"scorer median ms per answer, new question: {statistics.median(cold):.2f}")
    print(f"scorer median ms per answer, question seen before: {statistics.median(warm):.2f}")
    print(f"scorer p95 ms per answer: {statistics.quantiles(everything, n=20)[-1]:.2f}")
    print(f"question bank index build ms (once per process): {build_ms:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
