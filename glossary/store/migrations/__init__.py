"""Alembic migrations of the glossary store, run by `Store.migrate()`."""
