"""Typed data that flows between the stages: chunks, passages, citations, answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Route = Literal["rag", "lookup", "both"]


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

    @property
    def page(self) -> int | None:
        return self.page_start

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
        c = passage.chunk
        return cls(
            n=n,
            doc_id=c.doc_id,
            title=c.title,
            section=c.section,
            page=c.page_start,
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
