import pytest

from interview_core.difficulty import band_outcomes, difficulty_band, next_difficulty


@pytest.mark.parametrize(
    ("current", "score", "expected"),
    [
        (5, 9, 7),
        (5, 8, 7),
        (5, 7, 6),
        (5, 5, 6),
        (5, 4, 4),
        (5, 0, 4),
        (9, 10, 10),
        (10, 6, 10),
        (1, 2, 1),
        (2, 3, 1),
    ],
)
def test_rule_moves_difficulty_by_score_band_and_clamps(current, score, expected):
    assert next_difficulty(current, score) == expected


def test_the_original_documents_sequence():
    difficulty, seen = 5, [5]
    for score in [9, 6, 3, 8, 5]:
        difficulty = next_difficulty(difficulty, score)
        seen.append(difficulty)
    assert seen == [5, 7, 8, 7, 9, 10]


def test_band_outcomes_tell_the_model_each_bands_next_difficulty():
    assert band_outcomes(9) == {"8-10": 10, "5-7": 10, "0-4": 8}


@pytest.mark.parametrize(("difficulty", "band"), [(1, "1-3"), (3, "1-3"), (4, "4-6"), (7, "7-8"), (9, "9-10")])
def test_bank_bands(difficulty, band):
    assert difficulty_band(difficulty) == band
