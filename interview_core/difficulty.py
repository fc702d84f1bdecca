"""The adaptive difficulty rule of the original backend."""

from __future__ import annotations

MIN_DIFFICULTY = 1
MAX_DIFFICULTY = 10


def clamp_difficulty(value: int) -> int:
    """Keep a difficulty inside 1-10."""
    return max(MIN_DIFFICULTY, min(MAX_DIFFICULTY, int(value)))


def next_difficulty(current: int, score: int) -> int:
    """Score >= 8 -> +2, 5-7 -> +1, <= 4 -> -1, clamped to 1-10."""
    if score >= 8:
        step = 2
    elif score >= 5:
        step = 1
    else:
        step = -1
    return clamp_difficulty(current + step)


def band_outcomes(current: int) -> dict[str, int]:
    """The next difficulty for each score band, as told to the model."""
    return {
        "8-10": next_difficulty(current, 8),
        "5-7": next_difficulty(current, 5),
        "0-4": next_difficulty(current, 0),
    }


def difficulty_band(difficulty: int) -> str:
    """The bank's band name for a difficulty: 1-3, 4-6, 7-8 or 9-10."""
    d = clamp_difficulty(difficulty)
    if d <= 3:
        return "1-3"
    if d <= 6:
        return "4-6"
    if d <= 8:
        return "7-8"
    return "9-10"
