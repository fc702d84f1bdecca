"""Whole interviews with the offline interviewer, through the engine, with no API key."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_core.bank import normalise_text
from interview_core.difficulty import difficulty_band, next_difficulty
from interview_core.engine import InterviewEngine
from interview_core.models import InterviewConfig, InterviewSession
from interview_core.providers.base import Provider
from interview_core.providers.offline import OfflineProvider
from interview_core.question_choice import FOLLOW_UP_PREFIX
from interview_core.store import MemoryStore

FIXTURE = Path(__file__).parent / "data" / "bank_fixture"
STRONG = (
    "First I would clarify the requirements and constraints, because they decide the design. For example, in my "
    "last project we measured latency and error rates before and after each change, compared two options and chose "
    "the cheaper one; as a result response time fell by 40 percent. The trade-off was extra complexity, which we "
    "handled with monitoring, alerts and tests, and I documented the decision for the team."
)
VAGUE = "It depends on the situation. I would follow best practices and talk to the team to decide what to do."
ANSWERS = [STRONG, VAGUE, "I don't know, sorry.", STRONG, STRONG, VAGUE]
#: a strong answer to the fixture bank's question that a Kubernetes job description selects (wid-tech-3)
SLOW_RENDER_ANSWER = (
    "First I'd compare the render metrics on the dashboard before and after the release to confirm the baseline "
    "moved and for which requests. Then I'd profile the render path with a profiler and read the flame graph to "
    "find the hot spot. To find the change itself I'd git bisect the release diff, and if customers are hurting "
    "I'd roll back first and investigate afterwards, because restoring service matters more than the root cause."
)


def run_interview(engine: InterviewEngine, config: InterviewConfig, answers=ANSWERS) -> InterviewSession:
    started = engine.start(config)
    for number in range(config.total_rounds):
        result = engine.submit_answer(started.session_id, answers[number % len(answers)])
        assert result.interview_complete == (number == config.total_rounds - 1)
    return engine.get_session(started.session_id)


def assert_sound_interview(session: InterviewSession) -> None:
    """No repeats, each question at the adapted band, scores in range, a report covering every round."""
    asked = [normalise_text(t.question.removeprefix(FOLLOW_UP_PREFIX)) for t in session.history]
    assert len(set(asked)) == len(asked)
    difficulty = session.starting_difficulty
    for turn in session.history:
        assert turn.difficulty == difficulty
        assert turn.question_meta["band"] == difficulty_band(turn.difficulty), turn.question_meta
        values = turn.evaluation.model_dump()
        assert all(0 <= values[k] <= 10 for k in ("score", "technical_score", "communication_score"))
        assert turn.scored_by == "offline"
        difficulty = next_difficulty(difficulty, turn.evaluation.score)
    report = session.final_report
    assert session.status == "complete" and report is not None
    assert report.summary and report.practice_plan and report.strengths and report.areas_to_improve
    assert f"{len(session.history)} " in report.summary
    assert report.best_round in range(1, len(session.history) + 1)
    assert [d.dimension for d in report.dimensions] == ["communication", "technical", "confidence"]


def test_offline_provider_implements_the_provider_protocol():
    provider = OfflineProvider()
    assert isinstance(provider, Provider)
    assert provider.name == "offline"
    assert provider.label == "Offline practice mode (rubric scoring, no AI)"


@pytest.mark.parametrize(
    ("field", "interview_type", "difficulty"),
    [
        ("Software Engineering", "Technical", 5),
        ("backend dev", "system-design", 8),
        ("Product Manager", "Case", 3),
        ("data scientist", "behavioural", 6),
        ("Marketing", "hr", 1),
        ("infosec", "System Design", 10),
    ],
)
def test_full_offline_interviews_adapt_difficulty_without_repeats(field, interview_type, difficulty):
    engine = InterviewEngine(OfflineProvider(), MemoryStore())
    config = InterviewConfig(field=field, interview_type=interview_type, difficulty=difficulty, total_rounds=6)
    assert_sound_interview(run_interview(engine, config))


def test_unknown_field_interview_asks_about_the_job_descriptions_skills():
    engine = InterviewEngine(OfflineProvider(), MemoryStore())
    jd = "Requirements: experience with Kubernetes and Terraform; strong incident response skills."
    config = InterviewConfig(field="Marine Biology", difficulty=4, total_rounds=5, job_description=jd)
    session = run_interview(engine, config)
    assert_sound_interview(session)
    sources = [t.question_meta["source"] for t in session.history]
    assert "skill" in sources and "bank" in sources
    assert any("Kubernetes" in t.question or "Terraform" in t.question for t in session.history)


def test_from_env_without_a_key_runs_a_whole_offline_interview_stored_in_sqlite():
    engine = InterviewEngine.from_env()  # conftest removes GEMINI_API_KEY and points the store at a temp file
    assert isinstance(engine.provider, OfflineProvider)
    assert engine.label == "Offline practice mode (rubric scoring, no AI)"
    session = run_interview(engine, InterviewConfig(field="Frontend", difficulty=5, total_rounds=4))
    assert_sound_interview(session)


def test_a_question_from_another_interviewer_is_scored_by_relevance_and_followed_by_a_fresh_bank_question():
    provider = OfflineProvider()
    session = InterviewSession(field="Backend", interview_type="Technical", difficulty=5, total_rounds=3)
    session.current_question = "How do TLS certificates let a browser trust a website?"
    answer = (
        "The server presents a certificate containing its public key and domain name, signed by a certificate "
        "authority. The browser checks the signature chain up to a root CA it already trusts, checks the domain and "
        "expiry date, and checks revocation with OCSP. Then the TLS handshake uses the key to agree on session keys."
    )
    turn = provider.evaluate(session, answer)
    assert turn.evaluation.score >= 5
    weak = provider.evaluate(session, "Certificates are for security.")
    assert weak.evaluation.score < turn.evaluation.score
    expected = next_difficulty(5, turn.evaluation.score)
    assert turn.next_question.meta["band"] == difficulty_band(expected)
    assert turn.next_question.meta["bank_id"] and turn.next_question.text != session.current_question


def test_last_round_leaves_the_report_to_the_engine_so_it_includes_that_round():
    engine = InterviewEngine(OfflineProvider(FIXTURE), MemoryStore())
    config = InterviewConfig(field="Widget Engineering", total_rounds=2, job_description="Kubernetes")
    session = run_interview(engine, config, answers=[SLOW_RENDER_ANSWER, "No idea."])
    report = session.final_report
    assert [t.evaluation.score >= 7 for t in session.history] == [True, False]
    assert report.best_round == 1 and report.weakest_round == 2
    assert "2 Technical rounds" in report.summary


def test_shallow_answer_is_probed_with_the_questions_follow_up_once_in_a_row():
    provider = OfflineProvider(FIXTURE)
    engine = InterviewEngine(provider, MemoryStore())
    config = InterviewConfig(field="widget engineer", difficulty=5, total_rounds=4, job_description="Kubernetes")
    started = engine.start(config)
    assert started.question.startswith("How would you find out why widget rendering became slow")
    engine.submit_answer(started.session_id, "I would check the metrics dashboard.")
    session = engine.get_session(started.session_id)
    assert session.current_question == "What if the slowdown only happens for one customer?"
    assert session.current_question_meta["source"] == "follow_up"
    assert session.current_question_meta["band"] == difficulty_band(session.difficulty)
    engine.submit_answer(started.session_id, "I would check the metrics dashboard for that customer.")
    assert engine.get_session(started.session_id).current_question_meta["source"] != "follow_up"


def test_report_turns_missed_key_points_into_a_practice_plan():
    engine = InterviewEngine(OfflineProvider(FIXTURE), MemoryStore())
    config = InterviewConfig(field="Widget Engineering", difficulty=2, total_rounds=1, job_description="caching")
    session = run_interview(engine, config, answers=["It is a thing that helps with widgets."])
    assert session.history[0].question.startswith("What is a widget cache")
    plan = session.final_report.practice_plan
    revise = [item for item in plan if item.startswith("Revise: ")]
    assert revise and all("practise explaining" in item for item in revise)
    assert any("a cache keeps recent results in memory" in item for item in revise)
    assert plan[-1].startswith("Next session: practise Technical questions at difficulty")
    assert session.final_report.recommendation == "No hire"


def test_strong_answers_earn_a_better_recommendation_than_non_answers():
    def report(answer):
        engine = InterviewEngine(OfflineProvider(FIXTURE), MemoryStore())
        config = InterviewConfig(field="Widget Engineering", total_rounds=1, job_description="Kubernetes")
        return run_interview(engine, config, answers=[answer]).final_report

    order = ["No hire", "Lean no hire", "Lean hire", "Hire", "Strong hire"]
    good, bad = report(SLOW_RENDER_ANSWER), report("I don't know.")
    assert order.index(good.recommendation) >= order.index("Hire") and bad.recommendation == "No hire"


def _session_on(provider: OfflineProvider, question_id: str, persona: str) -> InterviewSession:
    question = provider.index.by_id[question_id].question
    session = InterviewSession.from_config(
        InterviewConfig(field="Software Engineering", difficulty=question.difficulty, total_rounds=3, persona=persona)
    )
    session.session_id = "persona-check"
    session.current_question = question.text
    session.current_question_meta = {"bank_id": question.id, "source": "bank", "difficulty": question.difficulty}
    return session


HALF_ANSWER = (  # two of five key points: separate address spaces and synchronisation
    "Processes have separate address spaces, while threads inside one process share memory. Because threads share "
    "memory you need a lock or mutex around shared state, otherwise you get race conditions."
)


def test_persona_changes_pressure_and_tone_but_never_the_scores():
    provider = OfflineProvider()
    turns = {
        persona: provider.evaluate(_session_on(provider, "swe-tech-003", persona), HALF_ANSWER)
        for persona in ("friendly", "neutral", "tough")
    }
    assert len({turn.evaluation.model_dump_json() for turn in turns.values()}) == 1  # same answer, same scores
    assert turns["tough"].next_question.meta["source"] == "follow_up"  # presses on the gaps
    assert turns["tough"].next_question.text.startswith("That answer left gaps")
    assert turns["friendly"].next_question.meta["source"] != "follow_up"  # moves on after a fair attempt


def test_a_new_interview_prefers_questions_not_met_in_earlier_interviews_of_the_field():
    engine = InterviewEngine(OfflineProvider(), MemoryStore())
    config = InterviewConfig(field="Backend Development", difficulty=5, total_rounds=3)
    openers = [engine.start(config).question for _ in range(3)]
    assert len(set(openers)) == 3  # the 4-6 band holds three Technical backend questions
    other_field = engine.start(InterviewConfig(field="Data Science", difficulty=5, total_rounds=3))
    assert engine.get_session(other_field.session_id).seen_questions == []
