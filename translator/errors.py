"""Errors the translator reports to its callers, each with a stable code."""

from __future__ import annotations


class TranslatorError(Exception):
    """Bad input or an unusable request; `code` is stable, `message` is for people."""

    status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class InputTooLarge(TranslatorError):
    status = 413
