"""Widgets shared by several tabs and dialogs."""
