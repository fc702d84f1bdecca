import pytest
from pydantic import ValidationError

from interview_core.models import Evaluation, FinalReport, InterviewConfig, describe_validation_error
from interview_core.results import TurnResult
from tests.contract import FEEDBACK_KEYS


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"total_rounds": 0}, "Number of rounds must be between 1 and 20"),
        ({"total_rounds": 21}, "Number of rounds must be between 1 and 20"),
        ({"difficulty": 11}, "Difficulty must be between 1 and 10"),
        ({"difficulty": 0}, "Difficulty must be between 1 and 10"),
        ({"field": "   "}, "Please name the field"),
        ({"difficulty": "hard"}, "Difficulty must be a whole number"),
        ({"persona": "angry"}, "Persona must be one of friendly, neutral, tough"),
    ],
)
def test_bad_config_is_refused_with_a_readable_message(changes, message):
    values = {"field": "Data Science", "difficulty": 5, "total_rounds": 3} | changes
    with pytest.raises(ValidationError) as caught:
        InterviewConfig(**values)
    assert message in describe_validation_error(caught.value)


def test_config_defaults_match_the_original_body_plus_neutral_persona():
    config = InterviewConfig(field=" Data Science ")
    assert config.field == "Data Science"
    assert config.persona == "neutral"
    assert config.interview_type == "Technical"


def test_evaluation_scores_are_integers_in_range():
    with pytest.raises(ValidationError):
        Evaluation(score=11, communication_score=5, technical_score=5, confidence_score=5)


def _evaluation():
    return Evaluation(
        score=7, communication_score=6, technical_score=8, confidence_score=7, strengths="s", weaknesses="w"
    )


def test_turn_result_dump_has_exactly_the_original_keys():
    ongoing = TurnResult(
        feedback=_evaluation(), interview_complete=False, next_question="Q2", current_round=2, average_score=7.0
    )
    assert set(ongoing.model_dump()) == {
        "feedback",
        "interview_complete",
        "next_question",
        "current_round",
        "average_score",
    }
    assert set(ongoing.model_dump()["feedback"]) == set(FEEDBACK_KEYS)
    done = TurnResult(feedback=_evaluation(), interview_complete=True, final_report="text", average_score=7.0)
    assert set(done.model_dump()) == {"feedback", "interview_complete", "final_report", "average_score"}
    assert '"next_question"' not in done.model_dump_json()


def test_final_report_renders_as_text_with_every_section():
    report = FinalReport(
        summary="Solid.",
        strengths=["clear"],
        areas_to_improve=["depth"],
        practice_plan=["drill caching"],
        recommendation="Hire",
    )
    text = report.to_text()
    for expected in ("Solid.", "Recommendation: Hire", "Strengths:", "- depth", "Practice plan:"):
        assert expected in text
