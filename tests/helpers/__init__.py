"""Helpers shared by the tests (imported from tests/conftest.py)."""
