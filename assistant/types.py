"""Typed data that flows between the stages: chunks, passages, citations, answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Route = Literal["rag", "lookup", "both"]


class Message(BaseModel):
    """One turn of a conversation: a user's question or the assistant's answer text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Literal["user", "assistant"]
    content: str


def format_page_marks(marks: list[tuple[int, int]]) -> str:
    """ "0:15,412:16": where in a text each page begins (only the changes are kept)."""
    kept: list[tuple[int, int]] = []
    for offset, page in sorted(marks):
        if not kept or kept[-1][1] != page:
            kept.append((offset, page))
    return ",".join(f"{offset}:{page}" for offset, page in kept) if len(kept) > 1 else ""


def parse_page_marks(marks: str) -> list[tuple[int, int]]:
    out = []
    for part in marks.split(","):
        offset, _, page = part.partition(":")
        if offset.strip().isdigit() and page.strip().isdigit():
            out.append((int(offset), int(page)))
    return out


def page_at(marks: str, offset: int, default: int | None) -> int | None:
    """The page the character at ``offset`` is on, by ``marks`` (``default`` without marks)."""
    page = default
    for start, number in parse_page_marks(marks):
        if start <= offset:
            page = number
    return page


SECTION_SEP = " > "  # between the headings of `Chunk.section` ("Kapitel > Avsnitt")


class Chunk(BaseModel):
    """A piece of a document as stored in the index."""

    id: str
    doc_id: str
    title: str
    doc_type: str
    section: str
    page_start: int | None = None
    page_end: int | None = None
    position: int
    text: str
    content_hash: str
    doc_hash: str = ""
    kommuner: str = ""  # ";"-joined canonical municipalities the chunk is about
    fokusomraden: str = ""  # ";"-joined focus-area numbers the chunk is about
    page_marks: str = ""  # where in `text` each page begins, when the chunk crosses a page break

    @property
    def page(self) -> int | None:
        return self.page_start

    def page_of(self, snippet: str) -> int | None:
        """The page a sentence of the chunk starts on (the chunk's first page if it is not found)."""
        offset = self.text.find(snippet) if snippet else -1
        return page_at(self.page_marks, offset, self.page_start) if offset >= 0 else self.page_start

    def metadata(self) -> dict[str, str | int]:
        meta: dict[str, str | int] = {
            "doc_id": self.doc_id,
            "title": self.title,
            "doc_type": self.doc_type,
            "section": self.section,
            "position": self.position,
            "content_hash": self.content_hash,
            "doc_hash": self.doc_hash,
            "kommuner": self.kommuner,
            "fokusomraden": self.fokusomraden,
        }
        if self.page_start is not None:
            meta["page_start"] = self.page_start
            meta["page_end"] = self.page_end or self.page_start
        if self.page_marks:
            meta["page_marks"] = self.page_marks
        return meta

    @classmethod
    def from_store(cls, chunk_id: str, text: str, meta: dict) -> Chunk:
        return cls(
            id=chunk_id,
            text=text,
            doc_id=str(meta["doc_id"]),
            title=str(meta.get("title", "")),
            doc_type=str(meta.get("doc_type", "")),
            section=str(meta.get("section", "")),
            position=int(meta.get("position", 0)),
            page_start=meta.get("page_start"),
            page_end=meta.get("page_end"),
            content_hash=str(meta.get("content_hash", "")),
            doc_hash=str(meta.get("doc_hash", "")),
            kommuner=str(meta.get("kommuner", "")),
            fokusomraden=str(meta.get("fokusomraden", "")),
            page_marks=str(meta.get("page_marks", "")),
        )


class Passage(BaseModel):
    """A retrieved chunk with its score(s)."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None
    context: str | None = None  # text with neighbouring chunks, when pulled in
    # cosine of the question to each sentence of the passage (with context), keyed by `sentence_key`
    sentence_scores: dict[str, float] = Field(default_factory=dict)
    context_page_marks: str = ""  # where in `context` each page begins

    def page_of(self, sentence: str) -> int | None:
        """The page of a sentence of the passage: found in the chunk, else in its context."""
        if sentence and sentence not in self.chunk.text and self.context and sentence in self.context:
            return page_at(self.context_page_marks, self.context.find(sentence), self.chunk.page_start)
        return self.chunk.page_of(sentence)


class Citation(BaseModel):
    """A numbered source of an answer; the same shape for retrieval and records."""

    n: int
    doc_id: str
    title: str
    section: str
    page: int | None
    text: str
    score: float | None = None
    chunk_id: str | None = None
    highlights: list[str] = Field(default_factory=list)

    @classmethod
    def from_passage(cls, n: int, passage: Passage, highlights: list[str] | None = None) -> Citation:
        """A citation of ``passage``; its page is that of the first cited sentence (``highlights``)."""
        c = passage.chunk
        return cls(
            n=n,
            doc_id=c.doc_id,
            title=c.title,
            section=c.section,
            page=passage.page_of(highlights[0]) if highlights else c.page_start,
            text=c.text,
            score=round(passage.score, 4),
            chunk_id=c.id,
            highlights=highlights or [],
        )

    def public(self) -> dict:
        """The fields of the `ask --json` contract."""
        return {k: getattr(self, k) for k in ("n", "doc_id", "title", "section", "page", "text", "score")}


class Answer(BaseModel):
    """The result of answering one question."""

    question: str
    text: str
    citations: list[Citation] = Field(default_factory=list)
    sources: list[Citation] = Field(default_factory=list)
    refused: bool = False
    route: Route = "rag"
    timings: dict[str, float] = Field(default_factory=dict)
    flags: list[str] = Field(default_factory=list)
    table: list[dict[str, str]] | None = None
    config: dict[str, str] = Field(default_factory=dict)

    def to_json(self, item_id: str | None = None) -> dict:
        """The stable `ask --json` / `--jsonl` object."""
        out: dict = {}
        if item_id is not None:
            out["id"] = item_id
        out.update(
            {
                "question": self.question,
                "answer": self.text,
                "refused": self.refused,
                "route": self.route,
                "citations": [c.public() for c in self.citations],
                "sources": [s.public() for s in self.sources],
                "timings_ms": {k: round(v, 1) for k, v in self.timings.items()},
                "config": self.config,
            }
        )
        if self.flags:
            out["flags"] = self.flags
        return out


def sentence_key(sentence: str) -> str:
    """How a sentence is looked up in the sentence index: its words, whitespace folded."""
    return " ".join(sentence.split())
