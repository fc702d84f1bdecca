"""The shipped question bank: every file valid, enough fields and questions, every band covered."""

from __future__ import annotations

from itertools import combinations

import pytest

from interview_core.answer_text import content_stems
from interview_core.bank import BANDS, BANK_DIR, check_bank, load_field_file, normalise_text

FILES = sorted(BANK_DIR.glob("*.json"))
ENGINEERING = ("software_engineering", "backend", "frontend", "devops_cloud", "machine_learning", "cybersecurity")
CASE_STYLE = ("product_management", "finance", "marketing", "data_science")


@pytest.fixture(scope="module")
def fields():
    return [load_field_file(path) for path in FILES]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_bank_file_passes_the_schema(path):
    bank_field = load_field_file(path)
    assert bank_field.slug == path.stem


def test_bank_has_at_least_fourteen_fields_plus_a_general_pool_and_450_questions(fields):
    slugs = {f.slug for f in fields}
    assert "general" in slugs
    assert len(slugs - {"general"}) >= 14
    assert sum(len(f.questions) for f in fields) >= 450


def test_no_duplicate_ids_texts_or_slugs_across_files(fields):
    assert check_bank(fields) == []


def test_no_two_questions_are_near_duplicates(fields):
    texts = [(q.id, frozenset(content_stems(q.text))) for f in fields for q in f.questions]
    near = [
        (a, b)
        for (a, words_a), (b, words_b) in combinations(texts, 2)
        if words_a and words_b and len(words_a & words_b) / len(words_a | words_b) >= 0.8
    ]
    assert near == []


def test_every_field_offers_technical_behavioral_and_hr_questions(fields):
    for bank_field in fields:
        assert {"Technical", "Behavioral", "HR/General"} <= set(bank_field.types), bank_field.slug


def test_engineering_fields_have_system_design_and_business_fields_have_case_questions(fields):
    by_slug = {f.slug: f for f in fields}
    for slug in ENGINEERING:
        assert "System Design" in by_slug[slug].types, slug
    for slug in CASE_STYLE:
        assert "Case" in by_slug[slug].types, slug


def test_every_field_and_type_has_questions_in_every_difficulty_band(fields):
    for bank_field in fields:
        for qtype in bank_field.types:
            bands = {q.band for q in bank_field.questions if q.type == qtype}
            assert bands == set(BANDS), (bank_field.slug, qtype, bands)


def test_every_question_carries_key_points_with_terms_and_one_or_two_follow_ups(fields):
    for question in (q for f in fields for q in f.questions):
        assert 3 <= len(question.key_points) <= 6, question.id
        assert all(kp.terms and all(t.strip() for t in kp.terms) for kp in question.key_points), question.id
        assert 1 <= len(question.follow_ups) <= 2, question.id
        assert all(normalise_text(f) != normalise_text(question.text) for f in question.follow_ups), question.id


def test_behavioral_questions_carry_all_four_star_elements(fields):
    behavioral = [q for f in fields for q in f.questions if q.type == "Behavioral"]
    assert behavioral
    for question in behavioral:
        star = question.star
        assert star and all([star.situation, star.task, star.action, star.result]), question.id
