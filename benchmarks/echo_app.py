"""The baseline for benchmarks/load.py: a bare FastAPI endpoint that takes the same JSON as
POST /v1/translate and echoes it back, validated by an equivalent pydantic model."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel, Field

app = FastAPI(title="echo")


class EchoRequest(BaseModel):
    text: str
    direction: str = "it_to_business"
    format: str = "text"
    glossaries: list[str] = Field(default_factory=list)
    terms: list[dict[str, str]] = Field(default_factory=list)
    rewrite: str = "auto"
    brief: bool = False


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/echo")
async def echo(body: EchoRequest) -> EchoRequest:
    return body
