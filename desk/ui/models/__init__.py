"""Qt item models for the lists (lazy, paged through the DB worker)."""
