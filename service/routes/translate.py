"""POST /v1/translate, /v1/translate/batch, /v1/analyze and /v1/email/rewrite."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from glossary import Direction, Layer
from glossary.store import NotFound, Store, StoreUnavailable
from service.deps import MetricsDep, ModelsDep, Reader, SettingsDep, StoreDep
from service.errors import ApiError, error_responses
from translator import (
    Analysis,
    Format,
    RewriteMode,
    TermOverride,
    Translation,
    TranslatorError,
    analyze,
    translate,
)
from translator.email import translate_email
from translator.result import TermChange

router = APIRouter(prefix="/v1", tags=["translate"], responses=error_responses(400, 401, 403, 404, 413, 422, 429, 503))
MAX_BATCH = 50


class _Options(BaseModel):
    direction: Direction = Direction.IT_TO_BUSINESS
    glossaries: list[str] = Field(default_factory=list, max_length=20)
    terms: list[TermOverride] = Field(default_factory=list, max_length=500)


class TranslateRequest(_Options):
    text: str
    format: Format = Format.TEXT
    rewrite: RewriteMode = RewriteMode.AUTO
    brief: bool = False
    explain: bool = False


class AnalyzeRequest(_Options):
    text: str
    format: Format = Format.TEXT


class BatchRequest(BaseModel):
    items: list[TranslateRequest] = Field(min_length=1, max_length=MAX_BATCH)


class ItemError(BaseModel):
    code: str
    message: str


class BatchItem(BaseModel):
    """One result of a batch: a Translation, or the error that item alone met."""

    result: Translation | None = None
    error: ItemError | None = None


class BatchResponse(BaseModel):
    results: list[BatchItem]


class EmailRequest(_Options):
    subject: str | None = Field(default=None, max_length=2000)
    body: str
    format: Literal["html", "text"] = "text"


class EmailResponse(Translation):
    """The rewritten subject and body, with the body's Translation fields."""

    subject: str | None
    body: str
    subject_terms: list[TermChange] = Field(default_factory=list)


def resolve_layers(store: StoreDep, org: str, names: Sequence[str], warnings: list[str]) -> list[Layer]:
    """The caller's glossaries in the order named; if the store is down, the built-in one alone."""
    if not names:
        return []
    try:
        return store.layers(org, list(names))
    except NotFound as exc:
        raise ApiError(404, "glossary_not_found", str(exc)) from exc
    except StoreUnavailable:
        warnings.append("The glossary store is unavailable; only the built-in glossary was used.")
        return []


async def named_layers(store: Store, org: str, names: Sequence[str], warnings: list[str]) -> list[Layer]:
    """:func:`resolve_layers` off the event loop, when the request names any glossary."""
    return await run_in_threadpool(resolve_layers, store, org, names, warnings) if names else []


def _record(request: Request, metrics: MetricsDep, results: Sequence[Translation]) -> None:
    request.state.engine = results[0].engine if results else "none"
    layers = Counter(term.layer.split(":", 1)[0] for result in results for term in result.terms)
    for layer, count in layers.items():
        metrics.matches.labels(layer).inc(count)
    for result in results:
        for warning in result.warnings:
            if warning.startswith("The model rewrite was not used"):
                metrics.fallbacks.labels("rejected").inc()
            elif warning.startswith("The fluency scorer failed"):
                metrics.fallbacks.labels("scorer").inc()


#: A glossary-only translation of a text up to this length takes a millisecond or two: it runs on
#: the event loop, which costs less than the hand-over to a worker thread and back. Longer texts,
#: and anything that may call a model, run in a worker thread.
INLINE_MAX_CHARS = 2000


def _uses_models(body: TranslateRequest) -> bool:
    return body.rewrite is not RewriteMode.GLOSSARY or body.brief


def _translate(body: TranslateRequest, layers: list[Layer], settings: SettingsDep, models: ModelsDep,
               warnings: list[str]) -> Translation:
    """Translate one request. A glossary-only request neither waits for the models to load nor
    carries warnings about them."""
    uses_models = _uses_models(body)
    result = translate(
        body.text, direction=body.direction, format=body.format, terms=body.terms, glossaries=layers,
        rewrite_mode=body.rewrite, brief=body.brief, explain=body.explain, max_bytes=settings.max_text_bytes,
        models=models.get() if uses_models else None,
    )
    result.warnings[:0] = [*warnings, *(models.warnings if uses_models else ())]
    return result


@router.post("/translate")
async def translate_text(body: TranslateRequest, principal: Reader, store: StoreDep, settings: SettingsDep,
                         request: Request, metrics: MetricsDep, models: ModelsDep) -> Translation:
    warnings: list[str] = []
    layers = await named_layers(store, principal.org, body.glossaries, warnings)
    if _uses_models(body) or len(body.text) > INLINE_MAX_CHARS:
        result = await run_in_threadpool(_translate, body, layers, settings, models, warnings)
    else:
        result = _translate(body, layers, settings, models, warnings)
    _record(request, metrics, [result])
    return result


@router.post("/translate/batch")
async def translate_batch(body: BatchRequest, principal: Reader, store: StoreDep, settings: SettingsDep,
                          request: Request, metrics: MetricsDep, models: ModelsDep) -> BatchResponse:
    def run() -> BatchResponse:
        items = []
        for item in body.items:
            warnings: list[str] = []
            try:
                layers = resolve_layers(store, principal.org, item.glossaries, warnings)
                items.append(BatchItem(result=_translate(item, layers, settings, models, warnings)))
            except (ApiError, TranslatorError) as exc:
                items.append(BatchItem(error=ItemError(code=exc.code, message=exc.message)))
        return BatchResponse(results=items)

    response = await run_in_threadpool(run)
    _record(request, metrics, [i.result for i in response.results if i.result])
    return response


@router.post("/analyze")
async def analyze_text(body: AnalyzeRequest, principal: Reader, store: StoreDep, settings: SettingsDep,
                       models: ModelsDep) -> Analysis:
    layers = await named_layers(store, principal.org, body.glossaries, [])
    stage = await run_in_threadpool(models.get)
    return await run_in_threadpool(
        analyze, body.text, direction=body.direction, format=body.format, terms=body.terms, glossaries=layers,
        max_bytes=settings.max_text_bytes, models=stage,
    )


@router.post("/email/rewrite")
async def rewrite_email(body: EmailRequest, principal: Reader, store: StoreDep, settings: SettingsDep,
                        request: Request, metrics: MetricsDep, models: ModelsDep) -> EmailResponse:
    warnings: list[str] = list(models.warnings)
    layers = await named_layers(store, principal.org, body.glossaries, warnings)
    stage = await run_in_threadpool(models.get)
    subject, subject_result, result = await run_in_threadpool(
        translate_email, body.body, body.format, body.subject, direction=body.direction, terms=body.terms,
        glossaries=layers, max_bytes=settings.max_text_bytes, models=stage,
    )
    _record(request, metrics, [result])
    return EmailResponse(
        **{**result.model_dump(), "warnings": [*warnings, *result.warnings]},
        subject=subject, body=result.text, subject_terms=subject_result.terms if subject_result else [],
    )
