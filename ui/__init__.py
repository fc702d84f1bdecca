"""Streamlit-side helpers shared by the pages (interview_core stays free of Streamlit)."""
