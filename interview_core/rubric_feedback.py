"""The rubric's delivery scores (communication, confidence, STAR) and the feedback sentences it writes."""

from __future__ import annotations

from collections.abc import Sequence

from .answer_text import TextFeatures

# -- delivery -------------------------------------------------------------------------------------


def _length_score(words: int) -> float:
    for limit, score in ((5, 1.0), (15, 3.0), (30, 5.0), (60, 7.0), (250, 9.0), (450, 8.0)):
        if words < limit:
            return score
    return 7.0


def communication_score(features: TextFeatures, qtype: str) -> float:
    score = _length_score(features.n_words)
    if features.sentences >= 2 and 8 <= features.avg_sentence_words <= 30:
        score += 0.5
    elif features.avg_sentence_words > 40:
        score -= 1.5
    if features.structure >= 2 or features.reasoning >= 2:
        score += 0.5
    if not 0.25 <= features.stop_ratio <= 0.7:
        score -= 2
    if features.repetition > 0.3:
        score -= 2
    if qtype == "Behavioral" and features.n_words >= 15:
        star = sum(features.star.values()) / 4
        score = 0.5 * score + 0.5 * 10 * star
    return max(0.0, min(10.0, score))


def confidence_score(features: TextFeatures) -> float:
    per_100 = 100 / max(features.n_words, 25)
    hedges = sum(features.hedges.values()) * per_100
    fillers = sum(features.fillers.values()) * per_100
    score = 8.0 - min(5.0, 1.2 * hedges) - min(4.0, 0.8 * fillers) + min(1.5, 0.5 * features.assertive)
    if features.n_words < 15:
        score = min(score, 4.0)
    elif features.n_words < 40:
        score = min(score, 7.0)
    return max(0.0, min(10.0, score))


def star_flags(features: TextFeatures) -> set[str]:
    flags = {f"no_{name}" for name, present in features.star.items() if not present}
    if features.star.get("result") and not features.measured_result:
        flags.add("unmeasured_result")
    if features.hypothetical:
        flags.add("hypothetical")
    return flags


# -- feedback text --------------------------------------------------------------------------------


def _join(items: Sequence[str], limit: int = 3) -> str:
    return "; ".join(items[:limit]) + ("" if len(items) <= limit else f" (+{len(items) - limit} more)")


#: delivery habits worth keeping, as the feedback and the final report name them
HABITS = {
    "star": "Complete STAR story",
    "example": "Grounded the answer in a concrete example",
    "reasoning": "Explained the reasoning behind the choices",
    "structure": "Clear, ordered structure",
    "direct": "Direct, confident delivery",
}


#: flags that mean there was no real attempt at the question: no credit for habits, no probing follow-up
NO_ATTEMPT = frozenset({"empty", "non_answer", "injection", "off_topic", "stuffed"})


def habits_of(features: TextFeatures, qtype: str, flags: set[str]) -> frozenset[str]:
    """The good delivery habits an answer shows (none for refusals, tricks and keyword lists)."""
    if flags & NO_ATTEMPT:
        return frozenset()
    found = {
        "star": qtype == "Behavioral" and all(features.star.values()),
        "example": features.examples > 0,
        "reasoning": features.reasoning >= 2,
        "structure": features.structure >= 2,
        "direct": not features.hedges and not features.fillers and features.n_words >= 40,
    }
    return frozenset(name for name, present in found.items() if present)


def strengths_text(
    features: TextFeatures,
    flags: set[str],
    habits: frozenset[str],
    *,
    covered: Sequence[str],
    scored_on_points: bool,
    focus_share: float,
    focus_words: Sequence[str],
) -> str:
    """What went well, specifically: key points covered, then delivery habits."""
    if flags & {"injection", "non_answer", "off_topic"}:
        return ""
    found = []
    if covered:
        found.append(f"Covered: {_join(covered)}.")
    elif not scored_on_points and focus_share >= 0.5:
        found.append(f"Engaged with the question's focus ({', '.join(focus_words[:4])}).")
    for name, sentence in HABITS.items():
        if name in habits:
            measured = name == "star" and features.measured_result
            found.append(sentence + (" with a measurable result." if measured else "."))
    return " ".join(found)


def weaknesses_text(
    features: TextFeatures,
    qtype: str,
    flags: set[str],
    *,
    missed: Sequence[str],
    scored_on_points: bool,
    focus_share: float,
    missing_focus: Sequence[str],
) -> str:
    """What to fix, specifically: refusals and gates first, then missed points, STAR, length and delivery."""
    notes = []
    technical = qtype not in ("Behavioral", "HR/General")
    if "injection" in flags:
        notes.append("The answer tries to instruct the scorer; that is ignored and marked down. Answer the question.")
    if "non_answer" in flags:
        notes.append("No real attempt at the question: say what you do know and reason towards an answer.")
    elif "off_topic" in flags:
        notes.append("The answer does not address the question that was asked.")
    if "stuffed" in flags:
        notes.append("Reads as a list of keywords, not an explanation: connect the ideas in full sentences.")
    if missed:
        notes.append(f"Missed: {_join(missed)}.")
    elif missing_focus and focus_share < 0.5 and not scored_on_points and "off_topic" not in flags and technical:
        notes.append(f"Did not address: {', '.join(missing_focus[:4])}.")
    if qtype == "Behavioral" and not flags & {"non_answer", "off_topic", "injection"}:
        absent = [name for name in ("situation", "task", "action", "result") if f"no_{name}" in flags]
        if "no_result" in flags:
            notes.append("No result in the STAR answer: say what changed, ideally with a number.")
        elif "unmeasured_result" in flags:
            notes.append("No measurable result in the STAR answer: add a number (time saved, %, customers).")
        if absent and absent != ["result"]:
            notes.append(f"STAR elements missing or unclear: {', '.join(a for a in absent if a != 'result')}.")
        if "hypothetical" in flags:
            notes.append("Describe a real past situation, not what you would do.")
    if 0 < features.n_words < 40 and not flags & {"non_answer", "injection"}:
        notes.append(f"Too short to show depth ({features.n_words} words): add how and why, with an example.")
    if features.hedges:
        listed = ", ".join(f"'{h}'" for h, _ in features.hedges.most_common(3))
        notes.append(f"Hedging ({listed}) undercuts the answer: state what you know plainly.")
    if features.fillers:
        listed = ", ".join(f"'{f}' ×{n}" for f, n in features.fillers.most_common(3))
        notes.append(f"Filler words: {listed}.")
    return " ".join(notes)
