import pytest

from interview_core.errors import ConcurrentUpdate, ConfigurationError, SessionNotFound
from interview_core.models import InterviewConfig, InterviewSession
from interview_core.store import MemoryStore, SqlStore, store_from_url


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        return MemoryStore()
    return SqlStore(f"sqlite:///{tmp_path / 'store.db'}")


def _session(field="Backend") -> InterviewSession:
    return InterviewSession.from_config(InterviewConfig(field=field, total_rounds=3), provider="scripted")


def test_a_created_session_reads_back_whole(store):
    session = _session()
    session.resume = "Résumé with ünïcode and 'quotes'"
    store.create(session)
    assert store.get(session.session_id) == session


def test_save_is_a_compare_and_set_on_scored_rounds(store):
    session = _session()
    store.create(session)
    session.score_history.append(7)
    store.save(session, expected_completed=0)
    stale = _session()
    stale.session_id = session.session_id
    with pytest.raises(ConcurrentUpdate):
        store.save(stale, expected_completed=0)
    assert store.get(session.session_id).score_history == [7]


def test_unknown_ids_raise_session_not_found(store):
    with pytest.raises(SessionNotFound):
        store.get("missing")
    with pytest.raises(SessionNotFound):
        store.save(_session(), expected_completed=0)
    with pytest.raises(SessionNotFound):
        store.delete("missing")


def test_list_is_newest_first_and_delete_removes(store):
    first, second = _session("First"), _session("Second")
    store.create(first)
    store.create(second)
    assert [info.field for info in store.list_sessions()] == ["Second", "First"]
    store.delete(second.session_id)
    assert [info.field for info in store.list_sessions()] == ["First"]


def test_a_bad_database_url_says_what_to_set():
    with pytest.raises(ConfigurationError, match="INTERVIEW_DB_URL"):
        store_from_url("nosuchdriver://x")


def test_memory_url_gives_a_throwaway_store():
    assert isinstance(store_from_url("memory://"), MemoryStore)


def test_listed_times_keep_their_utc_offset(store):
    session = _session()
    store.create(session)
    assert store.list_sessions()[0].created_at == session.created_at
