"""Email draft protection: quoted threads and signatures are protected, the new message is not."""

from __future__ import annotations

import random
from itertools import pairwise
from pathlib import Path
from typing import Literal, NamedTuple

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings
from translator.email import protected_spans

FIXTURES = Path(__file__).parent / "fixtures" / "email"


class Draft(NamedTuple):
    """A fixture draft; `protected` lists (first text, last text or None for the end) of each expected span."""

    name: str
    protected: list[tuple[str, str | None]]
    new_text: list[str]

    @property
    def fmt(self) -> Literal["html", "text"]:
        return "html" if self.name.endswith(".html") else "text"

    def body(self, newline: str = "\n") -> str:
        return (FIXTURES / self.name).read_text(encoding="utf-8").replace("\n", newline)


DRAFTS = [
    Draft(
        "outlook_web_reply.html",
        [
            ('<div id="Signature" class="elementToProof">', "dana.whitfield@northwind.example</a></p>\n</div>\n</div>"),
            ('<div id="appendonsend"></div>\n<hr', None),
        ],
        ["Hi Marcus,", "The nightly ETL job failed", "current again by 10:00."],
    ),
    Draft(
        "outlook_desktop_reply.html",
        [("<p class=MsoNormal>Kind regards,", None)],
        ["Hi Priya,", "The storage array in rack B4", "until the replacements arrive on Friday."],
    ),
    Draft(
        "outlook_uppercase_forward.html",
        [
            ('<P class=MsoNormal STYLE="MARGIN-BOTTOM: 0pt">Thanks,', "10115 Berlin</P>\n</DIV>"),
            ('<HR TABINDEX="-1"', None),
        ],
        ["Hello Ingrid,", "Forwarding the vendor's incident report", "customers in Germany."],
    ),
    Draft(
        "gmail_reply.html",
        [("<div>Cheers,</div>", "</div>\n</blockquote></div>")],
        ["Hi Sam,", "Yes, the TLS certificate", "customers will not see any warnings."],
    ),
    Draft(
        "gmail_signature_nested.html",
        [
            ("<div>Thanks,</div><div>Raj</div>", "+44 20 7946 0321</div></div></div>"),
            ('<br><div class="gmail_quote gmail_quote_container">', "</div>\n</blockquote></div></blockquote></div>"),
        ],
        ["Hi team,", "Quick update on the warehouse scanners", "when they come back next week."],
    ),
    Draft(
        "gmail_mobile_reply.html",
        [('<div dir="auto">Best,</div>', "</div>\n</blockquote></div>")],
        ["Approved, go ahead with the rollback tonight.", "post in #ops-status", "on standby for 48 hours"],
    ),
    Draft(
        "text_outlook_top_post.txt",
        [("Kind regards,\nOliver Brandt", None)],
        ["Hi Grace,", "The VPN concentrator in the Leeds office", "did not trigger."],
    ),
    Draft(
        "text_gmail_inline.txt",
        [
            ("On Thu, Jun 13, 2024", "finish by 02:00.\n"),
            ("> Do we need the support team on call?\n", "> Do we need the support team on call?\n"),
            ("-- \nHannah Schulz", None),
        ],
        ["Yes, it is still on for Saturday at 22:00.", "Only the tier-2 on-call engineer"],
    ),
    Draft(
        "text_outlook_separator.txt",
        [("Thanks,\nAisha", None)],
        ["Hi Priya,", "Thanks for the quick turnaround", "or can we close it?"],
    ),
    Draft(
        "text_header_block_signature.txt",
        [("Best regards\nService Desk", None)],
        ["Hello Mr. Duarte,", "ready for collection", "confirm your identity."],
    ),
]


def expected_spans(body: str, protected: list[tuple[str, str | None]], newline: str = "\n") -> list[tuple[int, int]]:
    """Offsets of each expected span, from its first text to the end of its last text (or of the body)."""
    spans = []
    cursor = 0
    for first, last in protected:
        start = body.index(first.replace("\n", newline), cursor)
        end = (
            len(body)
            if last is None
            else body.index(last.replace("\n", newline), start) + len(last.replace("\n", newline))
        )
        spans.append((start, end))
        cursor = end
    return spans


def covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("draft", DRAFTS, ids=[d.name for d in DRAFTS])
def test_quoted_thread_and_signature_are_protected_exactly(draft: Draft, newline: str) -> None:
    body = draft.body(newline)
    assert protected_spans(body, draft.fmt) == expected_spans(body, draft.protected, newline)


@pytest.mark.parametrize("draft", DRAFTS, ids=[d.name for d in DRAFTS])
def test_new_message_is_not_protected(draft: Draft) -> None:
    body = draft.body()
    spans = protected_spans(body, draft.fmt)
    for phrase in draft.new_text:
        start = body.index(phrase)
        assert not covered(spans, start, start + len(phrase)), phrase


def test_drafts_cover_each_client() -> None:
    names = [d.name for d in DRAFTS]
    for prefix in ("outlook_", "gmail_", "text_"):
        assert sum(name.startswith(prefix) for name in names) >= 3, prefix


def protected_text(body: str, fmt: Literal["html", "text"]) -> list[str]:
    return [body[s:e] for s, e in protected_spans(body, fmt)]


def test_nested_blockquotes_are_one_span_and_text_after_stays_free() -> None:
    quote = "<blockquote>a<blockquote>b<BLOCKQUOTE>c</BLOCKQUOTE></blockquote>d</blockquote>"
    body = f"<p>Reply above.</p>{quote}<p>Reply below.</p>"
    assert protected_text(body, "html") == [quote]


def test_uppercase_tags_and_any_attribute_order() -> None:
    body = '<P>New text.</P><DIV STYLE="x" DIR=ltr CLASS="foo GMAIL_QUOTE" >Old text.</DIV><P>More new text.</P>'
    assert protected_text(body, "html") == ['<DIV STYLE="x" DIR=ltr CLASS="foo GMAIL_QUOTE" >Old text.</DIV>']


def test_missing_closing_tag_protects_to_the_end() -> None:
    body = '<p>New text.</p><div class="gmail_signature"><div>Ann Lee</div><p>Acme'
    assert protected_text(body, "html") == ['<div class="gmail_signature"><div>Ann Lee</div><p>Acme']


def test_apple_mail_attribution_and_hr_separator() -> None:
    attribution = "<div>On 5 Mar 2024, at 09:12, Bob Stone &lt;bob@example.com&gt; wrote:</div><hr>"
    quote = '<blockquote type="cite"><div>Is the printer fixed?</div></blockquote>'
    body = f"<div>Yes, it is fixed.</div><br>{attribution}{quote}\n"
    assert protected_text(body, "html") == ["<br>" + attribution + quote]


def test_outlook_header_block_without_ids_protects_to_the_end() -> None:
    header = "<p><b>From:</b> A &lt;a@example.com&gt;<br><b>Sent:</b> Monday<br><b>Subject:</b> Hi</p>"
    body = f"<p>Done.</p>\n<div style='border-top:solid'>{header}<p>Old text.</p>"
    assert protected_text(body, "html") == [f"<div style='border-top:solid'>{header}<p>Old text.</p>"]


def test_script_and_style_text_is_not_read_as_lines() -> None:
    body = "<style>-- \nThanks,</style><p>From: nowhere</p><p>Sent: never</p>"
    assert protected_text(body, "html") == ["<p>From: nowhere</p><p>Sent: never</p>"]


def test_wrote_line_without_quote_protects_to_the_end() -> None:
    body = "Sure, done.\n\nOn Mon, 3 Jun 2024 at 10:00, Ann <ann@example.com> wrote:\nCan you do it?\n"
    assert protected_text(body, "text") == [body[body.index("On Mon") :]]


def test_sign_off_followed_by_prose_is_not_a_signature() -> None:
    body = "Thanks,\nI will look into this tomorrow and report back to the whole team.\n\nBest,\nAnn\n"
    assert protected_text(body, "text") == ["Best,\nAnn\n"]


def test_sign_off_words_inside_sentences_are_not_protected() -> None:
    body = "Thanks for the update.\nRegards the outage: it is over.\nCheers to the team for the quick fix!\n"
    assert protected_spans(body, "text") == []


def test_double_dash_without_space_is_a_delimiter() -> None:
    body = "New text.\r\n--\r\nAnn\r\n"
    assert protected_text(body, "text") == ["--\r\nAnn\r\n"]


@pytest.mark.parametrize("fmt", ["html", "text"])
def test_empty_body(fmt: Literal["html", "text"]) -> None:
    assert protected_spans("", fmt) == []


PIECES = [
    "<div>", "</div>", "<blockquote>", "</blockquote>", '<div class="gmail_quote">', '<div id="Signature">',
    '<DIV ID=divRplyFwdMsg>', "<hr>", "<br>", "<p class=MsoNormal>", "</p>", "<!--", "-->", "<style>", "</style>",
    "<![if !supportLists]>", "&nbsp;", "&amp", "&#x41;", "&#99999999;", "<", ">", "</", "<a href='x>", '"', "'",
    "\n", "\r\n", "-- \n", "> quoted\n", "Thanks,\n", "Best regards,", "Ann Lee\n", "From: A\n", "Sent: B\n",
    "On Mon, 1 Jan 2024, X wrote:\n", "____________\n", "-----Original Message-----\n", "text ", "\x00", "é",
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["html", "text"])
def test_random_input_never_raises_and_spans_are_well_formed(fmt: Literal["html", "text"]) -> None:
    rng = random.Random(3676)
    for _ in range(1500):
        if rng.random() < 0.2:
            body = "".join(chr(rng.randrange(0, 0x3000)) for _ in range(rng.randrange(60)))
        else:
            body = "".join(rng.choice(PIECES) for _ in range(rng.randrange(40)))
        spans = protected_spans(body, fmt)
        assert all(0 <= s < e <= len(body) for s, e in spans), body
        assert all(e1 < s2 for (_, e1), (s2, _) in pairwise(spans)), body


@pytest.mark.parametrize("draft", DRAFTS, ids=lambda d: d.name)
def test_email_endpoint_returns_thread_and_signature_byte_identical(draft: Draft, tmp_path: Path) -> None:
    body = draft.body("\r\n")
    with TestClient(create_app(Settings(data_dir=tmp_path, local_mode=True))) as client:
        response = client.post("/v1/email/rewrite", json={
            "subject": "RE: Nightly ETL job and pods", "body": body, "format": draft.fmt})
    assert response.status_code == 200
    result = response.json()
    assert result["body"] == result["text"] and result["subject"] != "RE: Nightly ETL job and pods"
    spans = protected_spans(body, draft.fmt)
    assert spans
    # Every protected part of the draft comes back, byte for byte, in order and at the end of the body.
    assert result["body"].endswith(body[spans[-1][0]:])
    assert all(body[start:end] in result["body"] for start, end in spans)
    assert result["body"] != body, "the new message itself should have been translated"
