"""Alembic environment and revisions. Run through desk.models.migrate, not the alembic CLI."""
