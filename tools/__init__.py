"""The book's tools: run them from the repository root as ``python -m tools.NAME``."""
