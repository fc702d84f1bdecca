"""A scripted interviewer for tests: enqueue scores or errors, inspect the call log."""

from __future__ import annotations

from dataclasses import dataclass, field

from interview_core.difficulty import next_difficulty
from interview_core.models import Evaluation, FinalReport, InterviewSession, Question
from interview_core.providers.base import ProviderTurn


def evaluation(score: int, **overrides) -> Evaluation:
    values = {
        "score": score,
        "communication_score": score,
        "technical_score": score,
        "confidence_score": score,
        "strengths": f"strength at {score}",
        "weaknesses": f"weakness at {score}",
    }
    values.update(overrides)
    return Evaluation(**values)


@dataclass
class ScriptedProvider:
    """Each `evaluate` pops the next item: an int score, an Evaluation, or an exception to raise."""

    script: list = field(default_factory=list)
    calls: list[tuple[str, int]] = field(default_factory=list)
    name: str = "scripted"
    label: str = "Scripted test interviewer"
    #: when set, the next first_question call raises it
    start_error: Exception | None = None

    def enqueue(self, *items) -> ScriptedProvider:
        self.script.extend(items)
        return self

    def first_question(self, session: InterviewSession) -> Question:
        self.calls.append(("first_question", session.current_round))
        if self.start_error is not None:
            error, self.start_error = self.start_error, None
            raise error
        return Question(text=f"Q1 at difficulty {session.difficulty}?", meta={"n": 1})

    def evaluate(self, session: InterviewSession, answer: str, on_text=None) -> ProviderTurn:
        self.calls.append(("evaluate", session.current_round))
        if on_text is not None:
            on_text('{"evaluation": ')
            on_text("...}")
        if not self.script:
            raise AssertionError("ScriptedProvider ran out of scripted scores")
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        result = item if isinstance(item, Evaluation) else evaluation(item)
        if session.is_last_round:
            return ProviderTurn(evaluation=result, final_report=self.final_report(session))
        upcoming = next_difficulty(session.difficulty, result.score)
        question = Question(text=f"Q{session.current_round + 1} at difficulty {upcoming}?")
        return ProviderTurn(evaluation=result, note=f"round {session.current_round} note", next_question=question)

    def final_report(self, session: InterviewSession) -> FinalReport:
        return FinalReport(summary=f"Scripted report after {len(session.history)} rounds.", recommendation="Hire")
