"""Model calls per interview, prompt size by round, and wall time against a Gemini stand-in.

Goals (issue 7): N + 1 calls for an N-round interview; round 10's prompt at most
1.3 x round 2's (200-word answers, a 2-page resume); a 5-round interview with
500 ms model latency within 5% of 6 x 500 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interview_core.engine import InterviewEngine
from interview_core.models import InterviewConfig
from interview_core.providers.gemini import GeminiClient, GeminiProvider
from interview_core.store import SqlStore
from tests.gemini_standin import DEFAULT_KEY, GeminiStandin

RESUME_LINE = (
    "Senior backend engineer, 8 years. Built payment APIs in Python and Go on PostgreSQL and Kafka; "
    "led a migration to Kubernetes that cut deploy time from 40 to 6 minutes; mentored four engineers. "
)
TWO_PAGE_RESUME = RESUME_LINE * 40  # about 1,000 words, two printed pages
JOB_DESCRIPTION = "We are hiring a backend engineer to own high-throughput payment services. " * 8
ANSWER_200_WORDS = " ".join(
    ["I would start by clarifying the read and write ratio, then put a cache in front of the database."] * 11
)[:1300]


def _engine(standin: GeminiStandin, folder: Path) -> InterviewEngine:
    client = GeminiClient(DEFAULT_KEY, base_url=standin.base_url, timeout=(2, 30))
    return InterviewEngine(GeminiProvider(client), SqlStore(f"sqlite:///{folder / 'bench.db'}"))


def _interview(engine: InterviewEngine, rounds: int) -> None:
    config = InterviewConfig(
        field="Backend", total_rounds=rounds, resume=TWO_PAGE_RESUME, job_description=JOB_DESCRIPTION
    )
    started = engine.start(config)
    for round_number in range(1, rounds + 1):
        engine.submit_answer(started.session_id, ANSWER_200_WORDS, round=round_number)


def calls_per_interview(folder: Path, sizes: list[int]) -> None:
    for rounds in sizes:
        with GeminiStandin(scores=(7,)) as standin:
            _interview(_engine(standin, folder), rounds)
            print(f"model calls for a {rounds}-round interview: {standin.calls} (goal: {rounds + 1})")


def prompt_growth(folder: Path) -> None:
    with GeminiStandin(scores=(7, 4, 9, 6, 8)) as standin:
        _interview(_engine(standin, folder), 10)
        sizes = [len(request.prompt) for request in standin.requests]
    by_round = ", ".join(f"r{n}={size}" for n, size in enumerate(sizes[1:], start=1))
    print(f"prompt characters per answer call by round: {by_round}")
    print(f"prompt growth round 10 / round 2: {sizes[10] / sizes[2]:.2f}x (goal: <= 1.30x)")


def wall_time(folder: Path, repeats: int) -> None:
    latency = 0.5
    with GeminiStandin(latency_ms=latency * 1000) as standin:
        engine = _engine(standin, folder)
        _interview(engine, 1)  # warm the connection pool and the database
        timings = []
        for _ in range(repeats):
            begin = time.perf_counter()
            _interview(engine, 5)
            timings.append(time.perf_counter() - begin)
    ideal = 6 * latency
    median = statistics.median(timings)
    print(
        f"wall time of a 5-round interview at {latency * 1000:.0f} ms model latency: {median:.3f} s "
        f"(ideal {ideal:.1f} s, overhead {100 * (median / ideal - 1):.1f}%, goal: within 5%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for CI")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        calls_per_interview(folder, [5] if args.quick else [1, 3, 5, 10])
        prompt_growth(folder)
        wall_time(folder, 1 if args.quick else 5)


if __name__ == "__main__":
    main()
