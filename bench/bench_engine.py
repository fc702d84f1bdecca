"""Engine time per turn beyond the model call, on SQLite (goal: under 10 ms median).

The provider is a scripted fake that answers instantly, so every millisecond measured is
the engine's own work: validation, store reads and writes, difficulty, history.
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
from interview_core.store import SqlStore
from tests.fakes import ScriptedProvider

ANSWER = " ".join(["I would put a cache in front of the database and measure the hit rate."] * 15)  # ~200 words


def measure(interviews: int, rounds: int) -> list[float]:
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        store = SqlStore(f"sqlite:///{Path(folder) / 'bench.db'}")
        for _ in range(interviews):
            provider = ScriptedProvider().enqueue(*[(7 + i) % 11 for i in range(rounds)])
            engine = InterviewEngine(provider, store)
            started = engine.start(
                InterviewConfig(field="Backend", total_rounds=rounds, resume="Python developer. " * 300)
            )
            for round_number in range(1, rounds + 1):
                begin = time.perf_counter()
                engine.submit_answer(started.session_id, ANSWER, round=round_number)
                timings.append((time.perf_counter() - begin) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer interviews, for CI")
    args = parser.parse_args()
    interviews, rounds = (5, 5) if args.quick else (40, 10)
    timings = measure(interviews, rounds)
    timings.sort()
    print(
        f"engine time per turn beyond the model call (SQLite, {len(timings)} turns): "
        f"median {statistics.median(timings):.2f} ms, p95 {timings[int(len(timings) * 0.95) - 1]:.2f} ms "
        f"(goal: median < 10 ms)"
    )


if __name__ == "__main__":
    main()
