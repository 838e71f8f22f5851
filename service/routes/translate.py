"""POST /v1/translate and /v1/analyze."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from glossary import Direction
from service.errors import ApiError
from service.settings import Settings
from translator import Analysis, Format, RewriteMode, TermOverride, Translation, analyze, translate

router = APIRouter(prefix="/v1", tags=["translate"])


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class TranslateRequest(BaseModel):
    text: str
    direction: Direction = Direction.IT_TO_BUSINESS
    format: Format = Format.TEXT
    glossaries: list[str] = Field(default_factory=list, max_length=20)
    terms: list[TermOverride] = Field(default_factory=list, max_length=500)
    rewrite: RewriteMode = RewriteMode.AUTO
    brief: bool = False
    explain: bool = False


class AnalyzeRequest(BaseModel):
    text: str
    direction: Direction = Direction.IT_TO_BUSINESS
    format: Format = Format.TEXT
    glossaries: list[str] = Field(default_factory=list, max_length=20)
    terms: list[TermOverride] = Field(default_factory=list, max_length=500)


SettingsDep = Annotated[Settings, Depends(get_settings)]


def no_glossaries(names: list[str]) -> None:
    """Organisation glossaries live in the glossary store; without one, every name is unknown."""
    if names:
        raise ApiError(404, "glossary_not_found", f"No glossary named '{names[0]}'.")


@router.post("/translate")
async def translate_text(body: TranslateRequest, settings: SettingsDep) -> Translation:
    no_glossaries(body.glossaries)
    return await run_in_threadpool(
        translate, body.text, direction=body.direction, format=body.format, terms=body.terms,
        rewrite_mode=body.rewrite, brief=body.brief, explain=body.explain, max_bytes=settings.max_text_bytes,
    )


@router.post("/analyze")
async def analyze_text(body: AnalyzeRequest, settings: SettingsDep) -> Analysis:
    no_glossaries(body.glossaries)
    return await run_in_threadpool(
        analyze, body.text, direction=body.direction, format=body.format, terms=body.terms,
        max_bytes=settings.max_text_bytes,
    )
