"""Question choice: field and type matching, difficulty bands, no repeats, JD preference, skill questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_core.bank import normalise_text
from interview_core.bank_index import get_index
from interview_core.difficulty import difficulty_band
from interview_core.errors import ConfigurationError
from interview_core.models import InterviewSession, Question, Turn
from interview_core.question_choice import (
    choose_question,
    match_field,
    normalise_interview_type,
    plan_interview,
)
from interview_core.skill_questions import extract_skills
from tests.fakes import evaluation

FIXTURE = Path(__file__).parent / "data" / "bank_fixture"
NURSE_JD = (
    "Registered Nurse, acute medical ward. Requirements: 2+ years of experience in acute care; proficiency with "
    "electronic health records (EHR); strong patient assessment and medication administration skills."
)


@pytest.fixture(scope="module")
def bank():
    return get_index()


@pytest.fixture(scope="module")
def fixture_bank():
    return get_index(FIXTURE)


def make_session(field="Widget Engineering", interview_type="Technical", difficulty=5, **extra) -> InterviewSession:
    return InterviewSession(field=field, interview_type=interview_type, difficulty=difficulty, total_rounds=20, **extra)


def record(session: InterviewSession, question: Question) -> None:
    """Answer `question` in `session` as the engine would, so the next pick sees it as asked."""
    session.history.append(
        Turn(
            round=len(session.history) + 1,
            question=question.text,
            difficulty=session.difficulty,
            answer="an answer",
            evaluation=evaluation(5),
            next_difficulty=session.difficulty,
            question_meta=question.meta,
        )
    )


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("SWE", "software_engineering"),
        ("software developer", "software_engineering"),
        ("Sofware Engneering", "software_engineering"),
        ("ML engineer", "machine_learning"),
        ("data scientist", "data_science"),
        ("backend dev", "backend"),
        ("Senior Back-End Engineer", "backend"),
        ("cloud engineer", "devops_cloud"),
        ("infosec", "cybersecurity"),
        ("Cyber Security Analyst", "cybersecurity"),
        ("prodcut manager", "product_management"),
        ("project mgr", "project_management"),
        ("Markting", "marketing"),
        ("UI/UX", "ux_design"),
        ("Data Analyst", "data_analysis"),
        ("accountant", "finance"),
    ],
)
def test_typed_field_is_matched_to_the_nearest_bank_field(bank, typed, slug):
    match = match_field(typed, bank.fields)
    assert match.field is not None and match.field.slug == slug


@pytest.mark.parametrize("typed", ["Nursing", "Marine Biology", "Teacher", "Civil engineering", "Lawyer"])
def test_unrelated_field_matches_no_bank_field(bank, typed):
    assert match_field(typed, bank.specific).field is None


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("hr", "HR/General"),
        ("HR / general", "HR/General"),
        ("behavioural", "Behavioral"),
        ("Behavioral interview", "Behavioral"),
        ("system-design", "System Design"),
        ("systems design", "System Design"),
        ("case study", "Case"),
        ("tech", "Technical"),
        ("", "Technical"),
        ("interpretive dance", "Technical"),
    ],
)
def test_interview_type_spellings_are_normalised(typed, canonical):
    assert normalise_interview_type(typed) == canonical


@pytest.mark.parametrize("difficulty", range(1, 11))
def test_question_comes_from_the_band_of_the_difficulty_asked_for(fixture_bank, difficulty):
    session = make_session(difficulty=difficulty)
    question = choose_question(session, fixture_bank, difficulty)
    assert question.meta["band"] == difficulty_band(difficulty)
    assert fixture_bank.by_id[question.meta["bank_id"]].question.band == difficulty_band(difficulty)


def test_fifteen_rounds_at_one_band_of_a_small_bank_never_repeat_and_stay_in_the_band(fixture_bank):
    session = make_session(difficulty=10)
    texts = []
    for _ in range(15):
        question = choose_question(session, fixture_bank, 10)
        assert question.meta["band"] == "9-10"
        texts.append(normalise_text(question.meta.get("follow_up_text") or question.text))
        record(session, question)
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize("difficulty", [1, 10])
def test_twenty_rounds_at_an_extreme_difficulty_stay_in_band_for_every_real_field(bank, difficulty):
    for bank_field in bank.specific:
        session = make_session(field=bank_field.field, interview_type=bank_field.types[-1], difficulty=difficulty)
        texts = []
        for _ in range(20):
            question = choose_question(session, bank, difficulty)
            assert question.meta["band"] == difficulty_band(difficulty), (bank_field.slug, question.meta)
            texts.append(normalise_text(question.meta.get("follow_up_text") or question.text))
            record(session, question)
        assert len(set(texts)) == len(texts), bank_field.slug


def test_the_current_question_is_never_asked_again(fixture_bank):
    session = make_session(difficulty=2)
    first = choose_question(session, fixture_bank, 2)
    session.current_question = first.text
    session.current_question_meta = first.meta
    assert choose_question(session, fixture_bank, 2).text != first.text


def test_same_session_gets_the_same_question_and_sessions_vary(bank):
    session = make_session(field="Software Engineering", session_id="fixed-id")
    assert choose_question(session, bank, 5).text == choose_question(session, bank, 5).text
    firsts = {choose_question(make_session(field="Software Engineering"), bank, 5).text for _ in range(30)}
    assert len(firsts) >= 2


def test_questions_naming_the_job_description_skills_are_preferred(fixture_bank):
    for _ in range(10):
        session = make_session(job_description="We run everything on Kubernetes and need strong debugging skills.")
        assert choose_question(session, fixture_bank, 5).meta["bank_id"] == "wid-tech-3"


def test_missing_type_uses_the_closest_substitute_and_says_so(bank):
    question = choose_question(make_session(field="Marketing", interview_type="System Design"), bank, 5)
    assert question.meta["type"] == "Technical"
    assert any("no System Design questions" in note for note in question.meta["notes"])


def test_case_questions_come_from_case_fields(bank):
    question = choose_question(make_session(field="product manager", interview_type="case"), bank, 6)
    assert question.meta["type"] == "Case" and question.meta["field"] == "Product Management"


def test_probe_asks_the_questions_follow_up_at_the_new_band(fixture_bank):
    parent = fixture_bank.by_id["wid-tech-3"].question
    session = make_session(difficulty=5)
    question = choose_question(session, fixture_bank, 4, probe=parent)
    assert question.text == parent.follow_ups[0]
    assert question.meta["source"] == "follow_up" and question.meta["parent_id"] == "wid-tech-3"
    assert question.meta["band"] == "4-6"


def test_unknown_field_asks_about_the_job_descriptions_skills(bank):
    session = make_session(field="Nursing", job_description=NURSE_JD)
    plan = plan_interview(bank, session)
    assert plan.field is None and plan.home is bank.general
    assert {"acute care", "patient assessment", "medication administration"} <= set(plan.skills)
    first = choose_question(session, bank, 5)
    assert first.meta["source"] == "skill"
    assert any(skill in first.text for skill in plan.skills)
    assert first.meta["key_points"] and first.meta["band"] == "4-6"
    assert "not in the offline question bank" in first.meta["notes"][0]


def test_behavioral_skill_questions_read_like_an_interviewer_and_carry_star(bank):
    session = make_session(field="Submarine navigation", interview_type="behavioural", job_description="Kubernetes")
    question = choose_question(session, bank, 2)
    assert question.text.startswith("Tell me about a time you used Kubernetes")
    assert question.meta["star"] is not None


def test_unknown_field_without_a_job_description_uses_the_general_pool(bank):
    session = make_session(field="Marine Biology", interview_type="HR/General")
    question = choose_question(session, bank, 3)
    assert question.meta["field"] == "General" and question.meta["source"] == "bank"


def test_skills_are_extracted_from_job_description_and_resume():
    jd = "Platform engineer.\n- 3+ years of experience with Kubernetes and Docker\n- Terraform\n- Strong Python skills"
    skills = extract_skills(jd, "I run PostgreSQL and Terraform in production.")
    assert skills[0] == "Terraform"  # named in both texts
    assert {"Kubernetes", "Docker", "Python", "PostgreSQL"} <= set(skills)
    assert extract_skills("", "") == []


def test_a_broken_bank_file_does_not_stop_the_interviewer(tmp_path):
    (tmp_path / "widget_engineering.json").write_text((FIXTURE / "widget_engineering.json").read_text())
    (tmp_path / "half_written.json").write_text('{"field": "Half", "slug": "half", "types": [')
    index = get_index(tmp_path)
    assert [f.slug for f in index.fields] == ["widget_engineering"]
    assert choose_question(make_session(), index, 5).meta["bank_id"].startswith("wid-tech")


def test_an_empty_bank_is_reported_as_a_clear_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError, match="no usable questions"):
        get_index(tmp_path)


@pytest.mark.parametrize("persona", ["friendly", "neutral", "tough"])
def test_a_probed_follow_up_is_never_asked_again_whatever_its_lead_in(fixture_bank, persona):
    session = make_session(difficulty=10, persona=persona)
    first = choose_question(session, fixture_bank, 10)
    record(session, first)
    probe = choose_question(session, fixture_bank, 10, probe=fixture_bank.by_id[first.meta["bank_id"]].question)
    assert probe.meta["source"] == "follow_up"
    record(session, probe)
    texts = [normalise_text(first.text), normalise_text(probe.meta["follow_up_text"])]
    for _ in range(12):
        question = choose_question(session, fixture_bank, 10)
        texts.append(normalise_text(question.meta.get("follow_up_text") or question.text))
        record(session, question)
    assert len(set(texts)) == len(texts)
