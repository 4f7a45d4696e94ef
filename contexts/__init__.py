"""Bundled JSON-LD contexts: data files read with importlib.resources (see SOURCES.md)."""
