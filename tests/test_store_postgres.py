"""The SQL store against a real PostgreSQL server: what several app or API replicas rely on.

The server comes from INTERVIEW_TEST_PG_URL (`source .ci/postgres.sh` starts a throwaway one on 127.0.0.1).
Without it these tests skip on a workstation and fail under CI=true, so CI cannot silently not run them.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from interview_core.engine import InterviewEngine
from interview_core.errors import ConcurrentUpdate, ConfigurationError, SessionNotFound
from interview_core.models import InterviewConfig, InterviewSession, Turn, utcnow
from interview_core.store import SqlStore
from tests.fakes import ScriptedProvider, evaluation


def postgres_server_url() -> str:
    """The test server's URL; skips locally and fails in CI when there is none."""
    url = os.environ.get("INTERVIEW_TEST_PG_URL", "").strip()
    if url:
        return url
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail("CI must run the PostgreSQL tests: `source .ci/postgres.sh` sets INTERVIEW_TEST_PG_URL.")
    pytest.skip("INTERVIEW_TEST_PG_URL is not set; `source .ci/postgres.sh` starts a throwaway server.")


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards, so test files never share rows."""
    name = f"interview_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    with scratch_database(postgres_server_url()) as url:
        yield url


@pytest.fixture
def stores(database_url) -> Iterator[list[SqlStore]]:
    """Two stores on one emptied database, each with its own connection pool, like two replicas."""
    opened = [SqlStore(database_url), SqlStore(database_url)]
    with opened[0].engine.begin() as connection:
        connection.execute(text("DELETE FROM interview_sessions"))
    yield opened
    for store in opened:
        store.engine.dispose()


@pytest.fixture
def store(stores) -> SqlStore:
    return stores[0]


def _session(field: str = "Backend", rounds: int = 3) -> InterviewSession:
    return InterviewSession.from_config(InterviewConfig(field=field, total_rounds=rounds), provider="scripted")


def _scored(session: InterviewSession, score: int) -> InterviewSession:
    round_number = len(session.history) + 1
    session.history.append(
        Turn(
            round=round_number,
            question=f"Q{round_number}",
            difficulty=5,
            answer="an answer",
            evaluation=evaluation(score),
            next_difficulty=6,
        )
    )
    session.score_history.append(score)
    session.current_round = round_number + 1
    return session


@pytest.mark.postgres
def test_a_created_session_reads_back_whole(store):
    session = _scored(_session(), 8)
    session.resume = "Résumé: ünïcode, 'quotes', \"doubles\", emoji 🚀 and a NUL-free backslash \\"
    session.job_description = "x" * 10_000
    store.create(session)
    assert store.get(session.session_id) == session


@pytest.mark.postgres
def test_save_is_a_compare_and_set_on_scored_rounds(stores):
    first, second = stores
    session = _session()
    first.create(session)
    stale = second.get(session.session_id)
    first.save(_scored(session, 7), expected_completed=0)
    with pytest.raises(ConcurrentUpdate):
        second.save(_scored(stale, 3), expected_completed=0)
    assert second.get(session.session_id).score_history == [7]
    second.save(_scored(second.get(session.session_id), 9), expected_completed=1)
    assert first.get(session.session_id).score_history == [7, 9]


@pytest.mark.postgres
def test_unknown_ids_raise_session_not_found(store):
    with pytest.raises(SessionNotFound):
        store.get("missing")
    with pytest.raises(SessionNotFound):
        store.save(_session(), expected_completed=0)
    with pytest.raises(SessionNotFound):
        store.delete("missing")


@pytest.mark.postgres
def test_the_list_is_newest_first_with_its_summary_and_delete_removes(stores):
    first, second = stores
    older, newer = _session("First"), _session("Second")
    first.create(older)
    second.create(_scored(newer, 6))
    listed = first.list_sessions()
    assert [(info.field, info.completed_rounds, info.average_score) for info in listed] == [
        ("Second", 1, 0.0),
        ("First", 0, 0.0),
    ]
    assert listed[1].created_at == older.created_at  # the instant survives timestamptz
    assert [info.field for info in first.list_sessions(limit=1)] == ["Second"]
    second.delete(newer.session_id)
    assert [info.field for info in first.list_sessions()] == ["First"]
    with pytest.raises(SessionNotFound):
        first.get(newer.session_id)


@pytest.mark.postgres
def test_of_many_concurrent_saves_of_one_round_exactly_one_wins(stores):
    session = _session()
    stores[0].create(session)
    copies = [stores[i % 2].get(session.session_id) for i in range(12)]
    barrier = threading.Barrier(len(copies))
    outcomes: list[str] = []

    def save(index: int) -> None:
        barrier.wait()
        try:
            stores[index % 2].save(_scored(copies[index], index % 11), expected_completed=0)
            outcomes.append("saved")
        except ConcurrentUpdate:
            outcomes.append("refused")

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(copies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 11 + ["saved"]
    assert len(stores[1].get(session.session_id).history) == 1


@pytest.mark.postgres
def test_duplicate_submits_through_two_replicas_record_one_evaluation(stores):
    engines = [InterviewEngine(ScriptedProvider().enqueue(7, 7), stores[i % 2]) for i in range(8)]
    started = engines[0].start(InterviewConfig(field="Backend", total_rounds=3))
    barrier = threading.Barrier(len(engines))
    results, errors = [], []

    def submit(engine: InterviewEngine) -> None:
        arrived = utcnow()  # as the API stamps a request when it arrives
        barrier.wait()
        try:
            results.append(engine.submit_answer(started.session_id, "same answer", received_at=arrived))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {result.current_round for result in results} == {2}
    assert stores[1].get(started.session_id).score_history == [7]


def test_an_unreachable_server_says_what_to_set_without_the_password():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConfigurationError) as caught:
        SqlStore(f"postgresql+psycopg://coach:pa55word@127.0.0.1:{port}/interviews?connect_timeout=2")
    assert "INTERVIEW_DB_URL" in str(caught.value) and "pa55word" not in str(caught.value)
