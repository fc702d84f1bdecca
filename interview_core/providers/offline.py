"""The offline interviewer: the built-in question bank plus the rubric scorer, no key and no network.

It implements the same Provider protocol as Gemini, so the engine, the difficulty rule, the store
and the results pages are shared. It is also the fallback that scores a round when Gemini stays down.
"""

from __future__ import annotations

from pathlib import Path

from ..bank_index import BankIndex, get_index
from ..difficulty import difficulty_band, next_difficulty
from ..models import FinalReport, InterviewSession, Question
from ..offline_report import build_report
from ..question_choice import choose_question, question_for_meta
from ..rubric import Assessment, assess_asked, score_answer
from ..rubric_feedback import NO_ATTEMPT
from .base import ProviderTurn, TextSink

__all__ = ["OfflineProvider", "score_answer"]

#: (key-point coverage below, technical score at most) at which each persona probes with a follow-up:
#: a tough interviewer presses on any real gap, a friendly one only on a thin answer.
#: Scores are the same for every persona; only the pressure differs.
PROBE_WHEN = {"friendly": (0.34, 4), "neutral": (0.5, 5), "tough": (0.8, 7)}


class OfflineProvider:
    """Asks bank questions at the current difficulty and scores answers with the rubric."""

    name = "offline"
    label = "Offline practice mode (rubric scoring, no AI)"

    def __init__(self, bank_dir: Path | str | None = None) -> None:
        # the bank is loaded on first use, so building the provider costs nothing
        self._bank_dir = Path(bank_dir) if bank_dir is not None else None

    @property
    def index(self) -> BankIndex:
        return get_index(self._bank_dir)

    def first_question(self, session: InterviewSession) -> Question:
        return choose_question(session, self.index, session.difficulty)

    def evaluate(self, session: InterviewSession, answer: str, on_text: TextSink | None = None) -> ProviderTurn:
        assessment = self.assess(session, answer)
        evaluation = assessment.evaluation
        note = _note(assessment)
        if session.is_last_round:
            # the engine stores this round, then asks final_report() so the report includes it
            return ProviderTurn(evaluation=evaluation, note=note)
        upcoming = next_difficulty(session.difficulty, evaluation.score)
        question = choose_question(session, self.index, upcoming, probe=self._probe(session, assessment, upcoming))
        return ProviderTurn(evaluation=evaluation, note=note, next_question=question)

    def final_report(self, session: InterviewSession) -> FinalReport:
        return build_report(session, self.index)

    def assess(self, session: InterviewSession, answer: str) -> Assessment:
        """The rubric's full verdict on `answer` to the session's current question."""
        return assess_asked(
            session.current_question or "",
            answer,
            session.current_question_meta,
            interview_type=session.interview_type,
            job_description=session.job_description,
            index=self.index,
        )

    def _probe(self, session: InterviewSession, assessment: Assessment, upcoming: int):
        """The current question, when a shallow answer deserves its follow-up (once in a row, same band)."""
        meta = session.current_question_meta or {}
        coverage, technical = PROBE_WHEN.get(session.persona, PROBE_WHEN["neutral"])
        if meta.get("source") == "follow_up" or not assessment.worth_probing(coverage, technical):
            return None
        source = question_for_meta(self.index, meta)
        if source is None or source.band != difficulty_band(upcoming):
            return None
        return source


def _note(assessment: Assessment) -> str:
    """Key points covered, for the compact history; empty lets the engine use the feedback's first sentence."""
    points = assessment.points
    if not points or assessment.flags & NO_ATTEMPT:
        return ""
    note = f"Covered {len(assessment.covered)}/{len(points)} key points"
    if assessment.missed:
        note += f"; missed: {assessment.missed[0].point}"
    return note
