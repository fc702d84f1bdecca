"""Setup-form helpers: field suggestions and resume / job-description input (paste or upload)."""

from __future__ import annotations

import streamlit as st

from interview_core.bank import load_bank
from interview_core.documents import MAX_UPLOAD_BYTES, SUPPORTED_EXTENSIONS, extract_text
from interview_core.errors import InterviewError
from interview_core.safe_text import escape_markdown


def field_suggestions() -> list[str]:
    """Field names of the offline question bank (any field can still be typed); load_bank caches the bank."""
    try:
        return sorted(f.field for f in load_bank() if f.slug != "general")
    except InterviewError:  # a broken bank must not stop anyone from typing a field
        return []


def field_suggestion_pills(field_key: str) -> None:
    """Clickable suggestions that fill the free-text field box."""
    suggestions = field_suggestions()
    if suggestions:
        st.pills(
            "Suggestions",
            suggestions,
            key=f"{field_key}_pick",
            on_change=_copy_pick,
            args=(field_key,),
            label_visibility="collapsed",
        )


def _copy_pick(field_key: str) -> None:
    picked = st.session_state.get(f"{field_key}_pick")
    if picked:
        st.session_state[field_key] = picked
    st.session_state[f"{field_key}_pick"] = None  # the box, not the chip, holds the choice


def document_input(kind: str, label: str, max_chars: int) -> None:
    """A text area for `kind` ("resume", ...) plus an upload that fills it; the text is kept on errors."""
    text_key, file_key, notice_key = f"setup_{kind}", f"setup_{kind}_file", f"setup_{kind}_notice"
    st.text_area(
        label,
        key=text_key,
        height=150,
        max_chars=max_chars,
        placeholder=f"Paste your {label.lower()} here, or upload it below.",
        persist_state="session",
    )
    st.file_uploader(
        f"Upload the {label.lower()} (PDF, DOCX or TXT, up to {MAX_UPLOAD_BYTES // 1_048_576} MB)",
        type=list(SUPPORTED_EXTENSIONS),
        key=file_key,
        on_change=_read_upload,
        args=(kind, label, max_chars),
        max_upload_size=MAX_UPLOAD_BYTES // 1_048_576,
    )
    notice = st.session_state.get(notice_key)
    if notice:
        level, message = notice
        # the message quotes the file's name, which the candidate chose: show it as written
        (st.error if level == "error" else st.success)(escape_markdown(message))


def _read_upload(kind: str, label: str, max_chars: int) -> None:
    """on_change of the uploader: put the file's text in the box, or say why it cannot be read."""
    upload = st.session_state.get(f"setup_{kind}_file")
    notice_key = f"setup_{kind}_notice"
    if upload is None:
        st.session_state.pop(notice_key, None)
        return
    try:
        text = extract_text(upload.name, upload.getvalue(), max_chars=max_chars, what=label.lower())
    except InterviewError as exc:
        st.session_state[notice_key] = ("error", f"{exc} The text in the box above was kept.")
        return
    st.session_state[f"setup_{kind}"] = text
    st.session_state[notice_key] = ("success", f"Read {len(text):,} characters from {upload.name}; check them above.")
