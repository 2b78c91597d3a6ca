"""Qt widgets only. Every database call goes through desk.ui.ops on the DB worker thread."""
