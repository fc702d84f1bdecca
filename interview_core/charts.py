"""Plotly figures of an interview and of progress across interviews (pure functions of the data)."""

from __future__ import annotations

import html

import plotly.graph_objects as go

from .difficulty import MAX_DIFFICULTY, MIN_DIFFICULTY
from .models import SCORE_LABELS, InterviewSession
from .results import SessionInfo

#: one colour per series, the same on every chart (overall matches the theme's primary colour)
COLORS = {
    "overall": "#3B5BDB",
    "communication": "#0CA678",
    "technical": "#F08C00",
    "confidence": "#AE3EC9",
    "difficulty": "#495057",
}
#: (colour key, label, Evaluation attribute) of each score series
SCORE_SERIES = tuple(
    (attribute.removesuffix("_score") if attribute != "score" else "overall", label, attribute)
    for attribute, label in SCORE_LABELS.items()
)
_HEIGHT = 340


def _layout(figure: go.Figure, title: str, *, y_title: str, y_range: tuple[float, float]) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        template="plotly_white",
        height=_HEIGHT,
        margin={"l": 48, "r": 16, "t": 64, "b": 44},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        hovermode="x unified",
    )
    figure.update_yaxes(title_text=y_title, range=list(y_range), dtick=2, fixedrange=True)
    figure.update_xaxes(fixedrange=True)
    return figure


def _round_axis(figure: go.Figure, last_round: int) -> None:
    figure.update_xaxes(title_text="Round", tickmode="linear", dtick=1, range=[0.7, max(last_round, 1) + 0.3])


def scores_figure(session: InterviewSession) -> go.Figure:
    """Overall and per-dimension score of each answered round."""
    rounds = [turn.round for turn in session.history]
    figure = go.Figure()
    # Dimensions first, so the overall line is drawn on top of them.
    for key, label, attribute in (*SCORE_SERIES[1:], SCORE_SERIES[0]):
        overall = key == "overall"
        figure.add_trace(
            go.Scatter(
                x=rounds,
                y=[getattr(turn.evaluation, attribute) for turn in session.history],
                name=label,
                mode="lines+markers",
                line={"color": COLORS[key], "width": 3.5 if overall else 2, "dash": "solid" if overall else "dot"},
                marker={"size": 9 if overall else 6},
                hovertemplate="%{y}/10",
                legendrank=0 if overall else 1,
            )
        )
    _layout(figure, "Scores per round", y_title="Score (0–10)", y_range=(0, 10.5))
    _round_axis(figure, max(rounds, default=1))
    return figure


def difficulty_figure(session: InterviewSession) -> go.Figure:
    """The difficulty each question was asked at, as a step line (the current question included)."""
    rounds = [turn.round for turn in session.history]
    levels = [turn.difficulty for turn in session.history]
    if not session.is_complete and session.current_question:
        rounds.append(session.current_round)
        levels.append(session.difficulty)
    figure = go.Figure(
        go.Scatter(
            x=rounds,
            y=levels,
            name="Difficulty",
            mode="lines+markers",
            line={"color": COLORS["difficulty"], "width": 3, "shape": "hv"},
            marker={"size": 9},
            hovertemplate="Difficulty %{y}/10<extra></extra>",
        )
    )
    _layout(
        figure,
        "Difficulty per round",
        y_title="Difficulty (1–10)",
        y_range=(MIN_DIFFICULTY - 0.5, MAX_DIFFICULTY + 0.5),
    )
    _round_axis(figure, max(rounds, default=1))
    figure.update_layout(showlegend=False)
    return figure


def dimension_averages(session: InterviewSession) -> dict[str, float]:
    """Average of each score series over the answered rounds, by label (empty when none)."""
    return {SCORE_LABELS[key]: round(value, 1) for key, value in session.score_averages().items()}


def radar_figure(session: InterviewSession) -> go.Figure:
    """Radar of the average overall, communication, technical and confidence scores."""
    averages = dimension_averages(session)
    labels = list(averages)
    values = list(averages.values())
    figure = go.Figure(
        go.Scatterpolar(
            r=[*values, *values[:1]],
            theta=[*labels, *labels[:1]],
            fill="toself",
            name="Average",
            line={"color": COLORS["overall"], "width": 2.5},
            fillcolor="rgba(59, 91, 219, 0.18)",
            hovertemplate="%{theta}: %{r:.1f}/10<extra></extra>",
        )
    )
    figure.update_layout(
        title={"text": "Average by dimension", "x": 0, "xanchor": "left"},
        template="plotly_white",
        height=_HEIGHT,
        margin={"l": 48, "r": 48, "t": 64, "b": 32},
        polar={"radialaxis": {"range": [0, 10], "dtick": 2}},
        showlegend=False,
    )
    return figure


def progress_figure(sessions: list[SessionInfo]) -> go.Figure:
    """Average score of each interview with answered rounds, oldest first (hollow: still in progress)."""
    scored = sorted((s for s in sessions if s.completed_rounds), key=lambda s: s.created_at)
    labels = [html.escape(s.title) for s in scored]
    figure = go.Figure(
        go.Scatter(
            # evenly spaced in order taken: dates would bunch up practice sessions held on the same day
            x=list(range(1, len(scored) + 1)),
            y=[s.average_score for s in scored],
            text=labels,
            name="Average score",
            mode="lines+markers",
            line={"color": COLORS["overall"], "width": 3},
            marker={
                "size": 10,
                "symbol": ["circle" if s.status == "complete" else "circle-open" for s in scored],
            },
            hovertemplate="%{text}<br>Average %{y:.1f}/10<extra></extra>",
        )
    )
    _layout(figure, "Your progress across interviews", y_title="Average score (0–10)", y_range=(0, 10.5))
    figure.update_xaxes(
        title_text="Interview, oldest first", tickmode="linear", dtick=1, range=[0.7, max(len(scored), 1) + 0.3]
    )
    figure.update_layout(showlegend=False, hovermode="closest")
    return figure
