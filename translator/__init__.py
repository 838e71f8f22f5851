"""The translation pipeline: document formats, fact lock, rewrite, verification and results."""

from translator.document import Format
from translator.errors import InputTooLarge, TranslatorError
from translator.pipeline import DEFAULT_MAX_BYTES, ModelStage, RewriteMode, TermOverride, analyze, translate
from translator.result import Analysis, Translation

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Analysis",
    "Format",
    "InputTooLarge",
    "ModelStage",
    "RewriteMode",
    "TermOverride",
    "Translation",
    "TranslatorError",
    "analyze",
    "translate",
]
