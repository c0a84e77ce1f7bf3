"""The app's Streamlit-side modules (app.py is the page): caches and published files."""
