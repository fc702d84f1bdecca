"""The mock-interview engine: models, providers, store and API. Never imports streamlit."""
