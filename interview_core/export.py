"""The whole interview as a Markdown document, JSON or a table (downloads, report and history).

Exports carry what the candidate saw (questions, answers, feedback, scores,
difficulty, speech metrics, the report) and never a key or any setting.
Model and candidate text is escaped in the Markdown, so a viewer that
renders the file fetches nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from .models import SCORED_BY_LABELS, InterviewSession, Turn
from .results import SessionInfo
from .safe_text import escape_markdown, markdown_list


def export_filename(session: InterviewSession, extension: str) -> str:
    """e.g. interview-2025-05-01-backend.md"""
    slug = "".join(ch if ch.isalnum() else "-" for ch in session.field.lower()).strip("-")
    slug = "-".join(part for part in slug.split("-") if part)[:40] or "interview"
    return f"interview-{session.created_at:%Y-%m-%d}-{slug}.{extension}"


def to_json(session: InterviewSession) -> str:
    """Pretty JSON of the interview: setup, every round, the report."""
    return json.dumps(export_data(session), indent=2, ensure_ascii=False)


def export_data(session: InterviewSession) -> dict[str, Any]:
    data = session.model_dump(
        mode="json",
        include={
            "session_id",
            "field",
            "interview_type",
            "persona",
            "starting_difficulty",
            "difficulty",
            "total_rounds",
            "current_round",
            "status",
            "resume",
            "job_description",
            "score_history",
            "average_score",
            "current_question",
            "created_at",
            "updated_at",
        },
    )
    data["completed_rounds"] = session.completed_rounds
    data["rounds"] = [_round_data(turn) for turn in session.history]
    data["final_report"] = session.final_report.model_dump(mode="json") if session.final_report else None
    data["final_report_text"] = session.final_report.to_text() if session.final_report else None
    return data


def _round_data(turn: Turn) -> dict[str, Any]:
    return {
        "round": turn.round,
        "question": turn.question,
        "difficulty": turn.difficulty,
        "answer": turn.answer,
        "feedback": turn.evaluation.model_dump(mode="json"),
        "next_difficulty": turn.next_difficulty,
        "scored_by": turn.scored_by,
        "speech": turn.speech.model_dump(mode="json") if turn.speech else None,
        "answered_at": turn.answered_at.isoformat(),
    }


def to_markdown(session: InterviewSession) -> str:
    """A readable Markdown document of the whole interview."""
    e = escape_markdown
    lines = [
        f"# Mock interview: {e(session.field)} ({e(session.interview_type)})",
        "",
        f"- Date: {session.created_at:%Y-%m-%d %H:%M} UTC",
        f"- Interviewer: {session.persona}, starting difficulty {session.starting_difficulty}/10",
        f"- Rounds answered: {session.completed_rounds} of {session.total_rounds}",
        f"- Average score: {session.average_score:.1f}/10",
        f"- Status: {'complete' if session.is_complete else 'in progress'}",
    ]
    report = session.final_report
    if report:
        lines += ["", "## Final report", "", e(report.summary), "", f"**Recommendation:** {e(report.recommendation)}"]
        if report.dimensions:
            lines += ["", "| Dimension | Average | Comment |", "|---|---|---|"]
            lines += [
                f"| {e(d.dimension.title())} | {d.average:.1f}/10 | {e(' '.join(d.comment.split()))} |"
                for d in report.dimensions
            ]
        if report.best_round is not None:
            lines += ["", f"Best round: {report.best_round}. Weakest round: {report.weakest_round}."]
        for title, items in (
            ("Strengths", report.strengths),
            ("Areas to improve", report.areas_to_improve),
            ("Practice plan", report.practice_plan),
        ):
            if items:
                lines += ["", f"### {title}", "", markdown_list(items)]
    lines += ["", "## Rounds"]
    for turn in session.history:
        lines += ["", *_round_markdown(turn)]
    return "\n".join(lines).rstrip() + "\n"


def _round_markdown(turn: Turn) -> list[str]:
    e = escape_markdown
    ev = turn.evaluation
    lines = [
        f"### Round {turn.round} (difficulty {turn.difficulty} → {turn.next_difficulty})",
        "",
        f"**Question:** {e(turn.question)}",
        "",
        "**Answer:**",
        "",
        e(turn.answer),
        "",
        f"**Scores:** overall {ev.score}/10, communication {ev.communication_score}/10, "
        f"technical {ev.technical_score}/10, confidence {ev.confidence_score}/10 "
        f"(scored by {SCORED_BY_LABELS.get(turn.scored_by, e(turn.scored_by))})",
        "",
        f"**Strengths:** {e(ev.strengths) or '-'}",
        "",
        f"**Weaknesses:** {e(ev.weaknesses) or '-'}",
    ]
    if turn.speech:
        fillers = ", ".join(f"{e(word)} ×{count}" for word, count in turn.speech.filler_words.items()) or "none"
        lines += [
            "",
            f"**Spoken answer:** {turn.speech.duration_seconds:.0f} s, "
            f"{turn.speech.words_per_minute:.0f} words per minute, filler words: {fillers}",
        ]
    return lines


def rounds_frame(session: InterviewSession) -> pd.DataFrame:
    """One row per answered round: difficulty, the four scores, who scored it, and pace when spoken."""
    rows = [
        {
            "Round": turn.round,
            "Difficulty": turn.difficulty,
            "Score": turn.evaluation.score,
            "Communication": turn.evaluation.communication_score,
            "Technical": turn.evaluation.technical_score,
            "Confidence": turn.evaluation.confidence_score,
            "Scored by": SCORED_BY_LABELS.get(turn.scored_by, turn.scored_by),
            "Words/min": round(turn.speech.words_per_minute) if turn.speech else None,
        }
        for turn in session.history
    ]
    frame = pd.DataFrame(rows, columns=list(_ROUND_COLUMNS))
    # A column of nothing but blanks says nothing: drop pace when no answer was spoken.
    return frame.drop(columns="Words/min") if frame["Words/min"].isna().all() else frame


_ROUND_COLUMNS = ("Round", "Difficulty", "Score", "Communication", "Technical", "Confidence", "Scored by", "Words/min")


def history_frame(sessions: list[SessionInfo]) -> pd.DataFrame:
    """One row per interview for the history list, newest first."""
    rows = [
        {
            "Date": info.created_at,
            "Field": info.field,
            "Type": info.interview_type,
            "Rounds": f"{info.completed_rounds}/{info.total_rounds}",
            "Average": info.average_score if info.completed_rounds else None,
            "Status": "Complete" if info.status == "complete" else "In progress",
        }
        for info in sorted(sessions, key=lambda s: s.created_at, reverse=True)
    ]
    return pd.DataFrame(rows, columns=["Date", "Field", "Type", "Rounds", "Average", "Status"])
