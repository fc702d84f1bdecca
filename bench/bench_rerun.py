"""Interview page rerun after an answer, app time beyond the model call (goal: under 100 ms median).

The page runs in Streamlit's AppTest (the real app.py and pages, in process). The interviewer is the
real offline provider wrapped in a stopwatch: its evaluate() time stands in for the model call and is
subtracted, so what remains is the app's own work for one answer: the submit run (store the answer,
engine, store the result) plus the rerun that renders the feedback and the next question.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit.testing.v1.app_test

from interview_core.engine import InterviewEngine
from interview_core.models import InterviewConfig
from interview_core.providers.offline import OfflineProvider
from interview_core.store import SqlStore
from tests.app_support import NavigationRegistered, open_page

# AppTest runs pages in "bare mode"; its warnings about that are noise here
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)

ANSWER = (
    "I would start from the access pattern, add a composite index on the filtered columns, check the plan "
    "with EXPLAIN ANALYZE, cache hot reads with a short TTL and invalidate on writes, and compare p95 "
    "latency before and after. For writes I would batch inserts and keep transactions short."
)


class TimedProvider:
    """The offline interviewer with a stopwatch on every call (the stand-in for the model call)."""

    def __init__(self) -> None:
        self.inner = OfflineProvider()
        self.name, self.label = self.inner.name, self.inner.label
        self.seconds = 0.0

    def _timed(self, method, *args, **kwargs):
        begin = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - begin

    def first_question(self, session):
        return self._timed(self.inner.first_question, session)

    def evaluate(self, session, answer, on_text=None):
        return self._timed(self.inner.evaluate, session, answer, on_text=on_text)

    def final_report(self, session):
        return self._timed(self.inner.final_report, session)


def measure(interviews: int, rounds: int) -> list[float]:
    """App milliseconds per answer (model time subtracted), first answer of each interview excluded."""
    samples = []
    with tempfile.TemporaryDirectory() as folder:
        store = SqlStore(f"sqlite:///{Path(folder) / 'bench.db'}")
        for _ in range(interviews):
            provider = TimedProvider()
            engine = InterviewEngine(provider, store)
            session_id = engine.start(InterviewConfig(field="Backend Development", total_rounds=rounds)).session_id
            at = open_page("pages/interview.py", engine, session_id)
            for round_number in range(1, rounds + 1):
                box = next(area for area in at.text_area if area.key.startswith("answer:"))
                box.input(ANSWER)
                next(button for button in at.button if button.label == "Submit answer").click()
                provider.seconds = 0.0
                begin = time.perf_counter()
                at.run()
                elapsed = time.perf_counter() - begin
                if at.exception or at.error or engine.get_session(session_id).completed_rounds != round_number:
                    raise SystemExit(f"round {round_number} did not go through: {at.exception or at.error}")
                if round_number > 1:  # the first includes imports and caches warming up
                    samples.append((elapsed - provider.seconds) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one short interview, for CI")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    streamlit.testing.v1.app_test.PagesManager = NavigationRegistered
    interviews, rounds = (1, 6) if args.quick else (4, 12)
    samples = sorted(measure(interviews, rounds))
    print(
        f"interview page rerun after an answer, app time beyond the model call ({len(samples)} answers): "
        f"median {statistics.median(samples):.1f} ms, p90 {samples[int(len(samples) * 0.9) - 1]:.1f} ms "
        f"(goal: median < 100 ms)"
    )


if __name__ == "__main__":
    main()
