"""Errors raised by the glossary store; each maps to one HTTP status in the service."""


class StoreError(Exception):
    """Base of every store error."""


class NotFound(StoreError):
    """No such glossary, entry, version or key in this organisation (404)."""


class AlreadyExists(StoreError):
    """A glossary name or an entry source that is already taken (409)."""


class PreconditionFailed(StoreError):
    """`if_version` did not match the current version: someone else changed it first (412)."""


class InvalidValue(StoreError):
    """A value the database cannot hold, such as a NUL character in text on PostgreSQL (422)."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or written; nothing was changed (503)."""
