"""Mock Interview Coach: the Streamlit entry point (page config, navigation, shared sidebar)."""

from ui import layout

layout.configure_page()
page = layout.navigation()
layout.sidebar()
layout.run_entry(page)
