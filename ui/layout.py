"""What every page shares: page config, navigation targets and the sidebar."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from interview_core.errors import InterviewError
from interview_core.models import InterviewSession
from interview_core.safe_text import escape_markdown
from interview_core.speech import BACKEND_LABELS, available_backends
from interview_core.speech_backends import DEFAULT_WHISPER_MODEL, WHISPER_MODEL_ENV

from . import state, widgets

APP_TITLE = "Mock Interview Coach"
APP_ICON = ":material/record_voice_over:"
SETUP_PAGE = "pages/setup.py"
INTERVIEW_PAGE = "pages/interview.py"
REPORT_PAGE = "pages/report.py"
HISTORY_PAGE = "pages/history.py"

#: session-state keys of the sidebar's voice settings (read by the interview page)
BACKEND_CHOICE_KEY = "voice_backend"
WHISPER_MODEL_KEY = "voice_whisper_model"
AUTOMATIC = "automatic"
#: Gemini (True) or offline mode (False)
BRAIN_ICONS = {True: ":material/psychology:", False: ":material/menu_book:"}
#: set while app.py runs a page; a page run without it was opened straight from its URL on a fresh server
_ENTRY_FLAG = "_entry_script_running"
_HANDOVER_TRIED = "_navigation_handover_tried"

HOW_TO_ADD_A_KEY = """\
The interviewer uses Google's Gemini when a key is set. Either put this line in
`.streamlit/secrets.toml` (next to `app.py`):

```toml
GEMINI_API_KEY = "your-key"
```

or set the `GEMINI_API_KEY` environment variable, then restart the app.
Get a key at Google AI Studio. Without a key you practise in offline mode: questions from a
built-in bank, scored with a rubric.
"""


def configure_page() -> None:
    st.set_page_config(page_title=APP_TITLE, page_icon=APP_ICON, layout="centered")


def navigation() -> StreamlitPage:
    """The app's pages (st.navigation); app.py runs the one the URL names."""
    return st.navigation(
        [
            st.Page(SETUP_PAGE, title="New interview", icon=":material/edit_note:", url_path="setup", default=True),
            st.Page(INTERVIEW_PAGE, title="Interview", icon=":material/record_voice_over:", url_path="interview"),
            st.Page(REPORT_PAGE, title="Report", icon=":material/insights:", url_path="report"),
            st.Page(HISTORY_PAGE, title="History", icon=":material/history:", url_path="history"),
        ]
    )


def run_entry(page: StreamlitPage) -> None:
    """Run the navigated-to page from app.py, marking that the shared set-up already happened."""
    st.session_state[_ENTRY_FLAG] = True
    try:
        page.run()
    finally:
        st.session_state[_ENTRY_FLAG] = False


def page_setup() -> None:
    """First call of every page: makes sure the page runs under app.py's navigation and shared set-up."""
    if st.session_state.get(_ENTRY_FLAG):
        return
    # On a fresh server Streamlit runs a page opened by its URL on its own (pages/ discovery) until some
    # session has called st.navigation. Registering the navigation switches the whole server over, and
    # the rerun comes back to this page (same URL path) through app.py. Tried once per browser session;
    # if the page still runs on its own, it does the shared set-up itself.
    if not st.session_state.get(_HANDOVER_TRIED):
        st.session_state[_HANDOVER_TRIED] = True
        navigation()
        st.rerun()
    configure_page()
    sidebar()


def sidebar() -> None:
    with st.sidebar:
        st.markdown("**Interviewer**")
        brain_panel()
        _voice_panel()
        st.divider()
        st.page_link(HISTORY_PAGE, label="Past interviews and progress", icon=":material/trending_up:")


def brain_panel(*, compact: bool = False) -> None:
    """Which interviewer is active (Gemini or offline mode) and how to add a key; never the key."""
    try:
        active = state.engine()
    except InterviewError as exc:
        widgets.show_error(exc)
        return
    uses_gemini = active.provider.name == "gemini"
    if compact:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"{BRAIN_ICONS[uses_gemini]} **Interviewer:** {escape_markdown(active.label)}")
            if not uses_gemini:
                with st.popover("How to use Gemini"):
                    st.markdown(HOW_TO_ADD_A_KEY)
        return
    if uses_gemini:
        st.success(escape_markdown(active.label), icon=BRAIN_ICONS[True])
        st.caption(f"Key read from {state.key_source() or 'the environment'}.")
    else:
        st.info(escape_markdown(active.label), icon=BRAIN_ICONS[False])
        with st.expander("Use Gemini instead"):
            st.markdown(HOW_TO_ADD_A_KEY)


def _voice_panel() -> None:
    st.markdown("**Spoken answers**")
    backends = available_backends(state.settings())
    if not backends:
        st.caption("No speech-to-text backend is available; type your answers.")
        return
    options = [AUTOMATIC, *backends]
    if st.session_state.get(BACKEND_CHOICE_KEY) not in options:
        st.session_state.pop(BACKEND_CHOICE_KEY, None)
    st.selectbox(
        "Transcription",
        options,
        format_func=lambda name: (
            f"Automatic ({BACKEND_LABELS.get(backends[0], backends[0])})"
            if name == AUTOMATIC
            else BACKEND_LABELS.get(name, name)
        ),
        key=BACKEND_CHOICE_KEY,
        persist_state="session",
        help="Which service turns your recorded answer into text. Automatic picks the best available.",
    )
    if "whisper" in backends:
        st.text_input(
            "Whisper model",
            key=WHISPER_MODEL_KEY,
            placeholder=f"{default_whisper_model()} (default)",
            persist_state="session",
            help="A faster-whisper model name (tiny.en, base.en, small.en…) or a local model folder. "
            "A model name is downloaded on first use. Leave empty for the default.",
        )


def default_whisper_model() -> str:
    """The model local Whisper uses when none is chosen here ($INTERVIEW_WHISPER_MODEL or base.en)."""
    return state.app_environ().get(WHISPER_MODEL_ENV) or DEFAULT_WHISPER_MODEL


def voice_choice() -> tuple[str | None, str | None]:
    """(backend or None for automatic, whisper model name or None) chosen in the sidebar."""
    backend = st.session_state.get(BACKEND_CHOICE_KEY)
    model = (st.session_state.get(WHISPER_MODEL_KEY) or "").strip() or None
    return (None if backend in (None, AUTOMATIC) else backend), model


def require_session(session_id: str | None, purpose: str) -> InterviewSession:
    """The interview to show, or a friendly explanation with links (and the page stops there)."""
    if not session_id:
        st.info(f"There is no interview open in this tab to {purpose}. Start a new one or pick one from your history.")
        _where_next()
        st.stop()
    try:
        session = state.load_session(session_id)
    except InterviewError as exc:
        widgets.show_error(exc)
        st.stop()
    if session is None:
        st.warning("That interview was not found: it may have been deleted, or the link is incomplete.")
        _where_next()
        st.stop()
    return session


def _where_next() -> None:
    with st.container(horizontal=True):
        st.page_link(SETUP_PAGE, label="Start a new interview", icon=":material/edit_note:")
        st.page_link(HISTORY_PAGE, label="Open a past interview", icon=":material/history:")
