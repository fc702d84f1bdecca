"""The offline interviewer's final report: numbers from the stored scores, advice from the rubric.

Each answered round is re-assessed (deterministically) to recover what it covered and missed, so
the practice plan names the exact key points to revise, whoever scored the round.
"""

from __future__ import annotations

from collections import Counter
from statistics import mean

from .answer_text import STOPWORDS, tokens
from .bank_index import BankIndex
from .difficulty import difficulty_band
from .models import DIMENSIONS, DimensionAssessment, FinalReport, InterviewSession, Recommendation, Turn
from .question_choice import normalise_interview_type
from .rubric import Assessment, PointCheck, assess_asked
from .rubric_feedback import HABITS

_HABIT_LABELS = {
    "star": "Complete STAR stories",
    "example": "Grounding answers in concrete examples",
    "reasoning": "Explaining the reasoning behind your choices",
    "structure": "A clear, ordered structure",
    "direct": "Direct, confident delivery",
}

MAX_ITEMS = 5
#: (lowest average, recommendation), best first
RECOMMENDATIONS: tuple[tuple[float, Recommendation], ...] = (
    (8.5, "Strong hire"),
    (7.0, "Hire"),
    (5.5, "Lean hire"),
    (4.0, "Lean no hire"),
    (0.0, "No hire"),
)


def recommendation_for(average: float) -> Recommendation:
    """The hiring signal an average score (0-10) maps to."""
    return next(label for floor, label in RECOMMENDATIONS if average >= floor)


def build_report(session: InterviewSession, index: BankIndex | None = None) -> FinalReport:
    """Summary, per-dimension comments, strengths, areas and a practice plan.

    The numbers (dimension averages, best and weakest rounds) are the engine's: apply_report_stats fills
    them in from the stored scores for every provider.
    """
    turns = session.history
    if not turns:
        return FinalReport(
            summary="No question was answered, so there is nothing to assess yet. Answer at least one round.",
            recommendation="No hire",
        )
    assessed = [(turn, _reassess(session, turn, index)) for turn in turns]
    average = mean(t.evaluation.score for t in turns)
    worst = min(turns, key=lambda t: (t.evaluation.score, t.round))
    return FinalReport(
        summary=_summary(session, average),
        dimensions=_dimensions(assessed),
        strengths=_strengths(assessed),
        areas_to_improve=_areas(assessed, worst),
        practice_plan=_practice_plan(session, assessed),
        recommendation=recommendation_for(average),
    )


def _reassess(session: InterviewSession, turn: Turn, index: BankIndex | None) -> Assessment:
    return assess_asked(
        turn.question,
        turn.answer,
        turn.question_meta,
        interview_type=session.interview_type,
        job_description=session.job_description,
        index=index,
    )


def _summary(session: InterviewSession, average: float) -> str:
    turns = session.history
    scores = [t.evaluation.score for t in turns]
    start, end = turns[0].difficulty, session.difficulty
    if end > start:
        trend = f"difficulty rose from {start} to {end} as you did well"
    elif end < start:
        trend = f"difficulty eased from {start} to {end} to match your answers"
    else:
        trend = f"difficulty held at {start}"
    rounds = "round" if len(turns) == 1 else "rounds"
    summary = (
        f"You completed {len(turns)} {normalise_interview_type(session.interview_type)} {rounds} for {session.field} "
        "and averaged "
        f"{average:.1f}/10 (scores {', '.join(map(str, scores))}); {trend}."
    )
    if len(scores) >= 3:
        first_half, second_half = mean(scores[: len(scores) // 2]), mean(scores[len(scores) // 2 :])
        if second_half - first_half >= 1:
            summary += " You got stronger as the interview went on."
        elif first_half - second_half >= 1:
            summary += " Your answers weakened in the later, harder rounds."
    return summary + " Scored offline by the rubric (no AI): treat it as practice feedback."


def _dimensions(assessed: list[tuple[Turn, Assessment]]) -> list[DimensionAssessment]:
    turns = [turn for turn, _ in assessed]
    points = [p for _, a in assessed for p in a.points]
    covered = sum(len(a.covered) for _, a in assessed)
    technical = f"Covered {covered} of {len(points)} key points." if points else "Scored on relevance to each question."
    words = mean(len(t.answer.split()) for t in turns)
    hedged = sum("hedging" in a.flags for _, a in assessed)
    comments = {
        "technical": technical,
        "communication": f"Answers averaged {words:.0f} words.",
        "confidence": f"Hedging in {hedged} of {len(turns)} answers." if hedged else "Direct, without hedging.",
    }
    return [DimensionAssessment(dimension=d, average=0.0, comment=comments[d]) for d in DIMENSIONS]


def _strengths(assessed: list[tuple[Turn, Assessment]]) -> list[str]:
    found: list[str] = []
    for turn, assessment in sorted(assessed, key=lambda item: -item[0].evaluation.score):
        if turn.evaluation.score >= 6 and assessment.covered:
            found.append(f"Round {turn.round} ({turn.evaluation.score}/10): covered {assessment.covered[0].point}.")
    habits = Counter(habit for _, assessment in assessed for habit in assessment.habits)
    for habit, count in sorted(habits.items(), key=lambda item: (-item[1], list(HABITS).index(item[0]))):
        found.append(f"{_HABIT_LABELS[habit]} ({count} of {len(assessed)} answers): keep it.")
    if not found:
        best = max(assessed, key=lambda item: item[0].evaluation.score)[0]
        found.append(
            f"Your best answer was round {best.round} ({best.evaluation.score}/10); build on what worked there."
        )
    return found[:MAX_ITEMS]


_AREA_FLAGS = (
    ("non_answer", "no real attempt; reason out loud towards an answer instead of passing"),
    ("off_topic", "the answer drifted away from the question"),
    ("stuffed", "a list of keywords instead of an explanation"),
    ("injection", "the answer addressed the scorer instead of the question"),
    ("unmeasured_result", "a STAR story without a measurable result"),
    ("no_result", "a STAR story that never said how things ended"),
    ("hypothetical", "what you would do rather than what you did"),
)


def _times(count: int) -> str:
    return "Once" if count == 1 else f"{count} times"


def _areas(assessed: list[tuple[Turn, Assessment]], worst: Turn) -> list[str]:
    areas = []
    worst_assessment = next(a for t, a in assessed if t.round == worst.round)
    first_weakness = (worst_assessment.evaluation.weaknesses or worst.evaluation.weaknesses).split(". ")[0].strip()
    if first_weakness:
        areas.append(f"Weakest round {worst.round} ({worst.evaluation.score}/10): {first_weakness.rstrip('.')}.")
    flags = Counter(flag for _, a in assessed for flag in a.flags)
    for flag, description in _AREA_FLAGS:
        if flags[flag]:
            areas.append(f"{_times(flags[flag])}: {description}.")
    short = sum(len(t.answer.split()) < 40 for t, _ in assessed)
    if short:
        areas.append(f"{_times(short)}: answers under 40 words; add the how, the why and an example.")
    return areas[:MAX_ITEMS]


_DISCOURSE = frozenset({"for example", "for instance", "first", "then", "use it", "used it", "step", "because"})


def _initials(term: str) -> str:
    return "".join(word[0] for word in tokens(term))


def _practice_item(point: PointCheck, round_number: int) -> str:
    """A concrete revision task for a missed key point, naming two distinct terms a strong answer would use."""
    chosen: list[str] = []
    for term in dict.fromkeys(point.terms):
        words = set(tokens(term))
        if term.lower() in _DISCOURSE or len(term) < 3 or words <= STOPWORDS:
            continue
        if any(words & set(tokens(other)) or _initials(term) == other.lower() for other in chosen):
            continue  # a spelling variant or the expansion of an acronym already chosen
        chosen.append(term)
        if len(chosen) == 2:
            return f"Revise: {point.point} — practise explaining {chosen[0]} and {chosen[1]} out loud, with an example."
    if chosen:
        return f"Revise: {point.point} — practise explaining {chosen[0]} out loud, with an example."
    return f"Practise round {round_number} again: {point.point}."


def _practice_plan(session: InterviewSession, assessed: list[tuple[Turn, Assessment]]) -> list[str]:
    plan: list[str] = []
    seen: set[str] = set()
    for turn, assessment in sorted(assessed, key=lambda item: (item[0].evaluation.score, item[0].round)):
        for point in assessment.missed:
            if point.point not in seen:
                seen.add(point.point)
                plan.append(_practice_item(point, turn.round))
        if not assessment.points and assessment.missing_focus and turn.evaluation.score < 6:
            words = ", ".join(assessment.missing_focus[:3])
            plan.append(f"Revise round {turn.round}'s topic: answer it again covering {words}.")
    plan = plan[: MAX_ITEMS - 2]
    flags = Counter(flag for _, a in assessed for flag in a.flags)
    if flags["unmeasured_result"] or flags["no_result"]:
        plan.append("Prepare two STAR stories that end with a measured result (a number, a date, a before and after).")
    if any(a.flags & {"hedging", "fillers"} for _, a in assessed):
        plan.append("Record yourself answering one question a day and cut hedges and filler words on the replay.")
    band = difficulty_band(session.difficulty)
    qtype = normalise_interview_type(session.interview_type)
    plan.append(f"Next session: practise {qtype} questions at difficulty {session.difficulty} ({band}).")
    return plan[:MAX_ITEMS]
