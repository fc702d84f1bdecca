import json

import pytest

from interview_core.errors import InterviewError, LLMOutputError
from interview_core.models import Evaluation
from interview_core.parsing import parse_evaluation, parse_question, parse_report, parse_turn

CLEAN = {
    "score": 8,
    "communication_score": 7,
    "technical_score": 8,
    "confidence_score": 9,
    "strengths": "Clear example of a cache.",
    "weaknesses": "No mention of invalidation.",
}


def scores(evaluation: Evaluation) -> list[int]:
    return [
        evaluation.score,
        evaluation.communication_score,
        evaluation.technical_score,
        evaluation.confidence_score,
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (json.dumps(CLEAN), [8, 7, 8, 9]),
        ("```json\n" + json.dumps(CLEAN) + "\n```", [8, 7, 8, 9]),
        ("```\n" + json.dumps(CLEAN) + "\n```", [8, 7, 8, 9]),
        ("Here is my evaluation:\n" + json.dumps(CLEAN) + "\nLet me know if you need more.", [8, 7, 8, 9]),
        (
            '{"score": "8", "communication_score": "7/10", "technical_score": 6.6, "confidence_score": 4.5}',
            [8, 7, 7, 5],
        ),
        (
            '{"score": 12, "communication_score": -3, "technical_score": 10.4, "confidence_score": "11/10"}',
            [10, 0, 10, 10],
        ),
        (
            '{"score": "8 out of 10", "communication_score": "4/5", "technical_score": "70%", "confidence_score": 7}',
            [8, 8, 7, 7],
        ),
        (
            "{'score': 6, 'communication_score': 5, 'technical_score': 6, 'confidence_score': 7, 'strengths': None}",
            [6, 5, 6, 7],
        ),
        ('{"score": 6, "communication_score": 5, "technical_score": 6, "confidence_score": 7,}', [6, 5, 6, 7]),
        (
            '{"evaluation": {"score": 3, "communication_score": 4, "technical_score": 2, "confidence_score": 5}}',
            [3, 4, 2, 5],
        ),
        ('{"Score": 9, "communicationScore": 8, "Technical Score": 9, "confidence-score": 8}', [9, 8, 9, 8]),
        ('[{"score": 5, "communication_score": 5, "technical_score": 5, "confidence_score": 5}]', [5, 5, 5, 5]),
    ],
)
def test_usable_replies_give_the_right_scores(text, expected):
    assert scores(parse_evaluation(text)) == expected


def test_lists_where_text_was_expected_are_joined():
    text = json.dumps({**CLEAN, "strengths": ["Clear structure", "Good example"], "weaknesses": ["No metrics."]})
    evaluation = parse_evaluation(text)
    assert evaluation.strengths == "Clear structure; Good example"
    assert evaluation.weaknesses == "No metrics."


def test_python_literals_and_single_quotes_inside_text_survive():
    text = (
        "{'score': 7, 'communication_score': 7, 'technical_score': 7, 'confidence_score': 7, "
        "'strengths': 'Said \"True\" things', 'weaknesses': None}"
    )
    evaluation = parse_evaluation(text)
    assert evaluation.strengths == 'Said "True" things'
    assert evaluation.weaknesses == ""


def test_a_stray_brace_in_the_prose_does_not_hide_the_json():
    text = "Scores below {as requested}: " + json.dumps(CLEAN)
    assert parse_evaluation(text).score == 8


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("I'm sorry, but I can't help with evaluating this answer.", "declined"),
        ("The candidate did well overall, I would say an eight.", "no JSON"),
        ('{"score": 8, "communication_score": 7, "technical_sc', "cut off"),
        ('```json\n{"score": 8, "communication_score": 7,\n', "cut off"),
        ('{"strengths": "good", "weaknesses": "none"}', "no scores"),
        ("{}", "no scores"),
        (
            '{"score": "excellent", "communication_score": 7, "technical_score": 7, "confidence_score": 7}',
            "not a number",
        ),
        ('{"score": 7, "communication_score": 7, "technical_score": 7}', "confidence_score"),
        ('{"score": true, "communication_score": 7, "technical_score": 7, "confidence_score": 7}', "not a number"),
        ('{"score": 7, "communication_score": [7], "technical_score": 7, "confidence_score": 7}', "not a number"),
        ('{"score": 8 "communication_score": 7}', "malformed"),
    ],
)
def test_unusable_replies_raise_an_interview_error_saying_why(text, reason):
    with pytest.raises(LLMOutputError) as caught:
        parse_evaluation(text)
    assert isinstance(caught.value, InterviewError)
    assert reason in str(caught.value)
    assert caught.value.raw_text == text


@pytest.mark.parametrize("value", [None, 42, ["a list"], {"nested": "dict"}])
def test_non_text_input_raises_an_interview_error_not_a_type_error(value):
    with pytest.raises(LLMOutputError):
        parse_evaluation(value)


def test_a_combined_turn_brings_the_evaluation_note_and_next_question():
    text = json.dumps(
        {
            "evaluation": CLEAN,
            "note": "Solid cache answer\nsecond line dropped",
            "next_question": {"text": "How would you invalidate it?", "topic": "caching", "follow_up": True},
        }
    )
    turn = parse_turn(text)
    assert turn.evaluation.score == 8
    assert turn.note == "Solid cache answer"
    assert turn.next_question.text == "How would you invalidate it?"
    assert turn.next_question.meta == {"topic": "caching", "follow_up": True}
    assert turn.final_report is None


def test_a_turn_without_a_next_question_is_unusable_before_the_last_round():
    with pytest.raises(LLMOutputError, match="no next question"):
        parse_turn(json.dumps({"evaluation": CLEAN, "note": "x"}))


def test_a_next_question_given_as_a_plain_string_is_accepted():
    turn = parse_turn(json.dumps({**CLEAN, "next_question": "What is a B-tree?"}))
    assert turn.next_question.text == "What is a B-tree?"


def test_the_last_turn_brings_a_structured_final_report():
    report = {
        "summary": "Steady interview.",
        "dimensions": [{"dimension": "Technical", "comment": "Accurate."}, {"dimension": "unknown", "comment": "x"}],
        "strengths": "- clear\n- calm",
        "areas_to_improve": ["depth"],
        "practice_plan": ["mock system design", "read DDIA"],
        "recommendation": "LEAN_NO_HIRE",
    }
    turn = parse_turn(json.dumps({"evaluation": CLEAN, "note": "n", "final_report": report}), last_round=True)
    assert turn.next_question is None
    assert turn.final_report.summary == "Steady interview."
    assert [d.dimension for d in turn.final_report.dimensions] == ["technical"]
    assert turn.final_report.strengths == ["clear", "calm"]
    assert turn.final_report.recommendation == "Lean no hire"


def test_a_broken_report_on_the_last_turn_keeps_the_evaluation():
    turn = parse_turn(json.dumps({"evaluation": CLEAN, "final_report": {"summary": ""}}), last_round=True)
    assert turn.evaluation.score == 8 and turn.final_report is None


def test_a_report_without_summary_is_unusable():
    with pytest.raises(LLMOutputError, match="no summary"):
        parse_report(json.dumps({"strengths": ["x"]}))


def test_a_question_without_text_is_unusable():
    with pytest.raises(LLMOutputError, match="no question"):
        parse_question(json.dumps({"topic": "caching"}))
    assert parse_question('{"question": "Why?"}').text == "Why?"


def test_a_question_in_plain_text_is_taken_as_it_is_but_a_refusal_is_not():
    assert parse_question("What is a B-tree?\n").text == "What is a B-tree?"
    with pytest.raises(LLMOutputError, match="declined"):
        parse_question("I'm sorry, I cannot ask that.")


def test_a_next_question_under_the_plain_key_question_is_accepted():
    text = json.dumps({**CLEAN, "question": "How would you shard the orders table?"})
    assert parse_turn(text).next_question.text == "How would you shard the orders table?"


@pytest.mark.parametrize(
    "reply",
    [
        '{"next_question": "How do you size a thread pool?"}',
        '{"first_question": {"text": "How do you size a thread pool?"}}',
        '{"question": "How do you size a thread pool?"}',
        "How do you size a thread pool?",
    ],
)
def test_an_opening_question_is_found_under_the_names_models_use(reply):
    assert parse_question(reply).text == "How do you size a thread pool?"
