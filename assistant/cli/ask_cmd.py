"""`metodstod ask`: one question, or a JSONL file of questions, answered with citations."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

import typer

from assistant.cli.common import app, fail, read_utf8, settings_from
from assistant.errors import InputError, MetodstodError, SearchUnavailableError
from assistant.service import SEARCH_UNAVAILABLE, SEARCH_UNAVAILABLE_NOTE
from assistant.types import Answer


def _filters(doc: str | None, doc_type: str | None, kommun: str | None, fokusomrade: int | None) -> dict:
    values = {"doc_id": doc, "doc_type": doc_type, "kommun": kommun, "fokusomrade": fokusomrade}
    return {k: v for k, v in values.items() if v is not None}


def print_answer(answer: Answer, out: TextIO, streamed: str = "") -> None:
    """The answer (unless `streamed` already showed it: a refusal decided after generating
    follows what was streamed), then the sources."""
    if answer.text.strip() != streamed.strip():
        out.write(f"\n{answer.text}" if streamed.strip() else answer.text)
    out.write("\n")
    if answer.refused:
        out.write("\n(Svaret kunde inte beläggas i underlaget.)\n")
    listed = answer.citations or answer.sources[:5]
    if listed:
        out.write("\nKällor:\n" if answer.citations else "\nNärmaste källor:\n")
        for i, c in enumerate(listed, start=1):
            page = f", s. {c.page}" if c.page else ""
            out.write(f"  [{c.n if answer.citations else i}] {c.title} — {c.section or '(början)'}{page}\n")
    for flag in answer.flags:
        if flag == SEARCH_UNAVAILABLE:
            out.write(f"\n({SEARCH_UNAVAILABLE_NOTE})\n")
        elif not flag.startswith(("signal:", "refused:")):  # calibration signals stay in --json
            out.write(f"  ! {flag}\n")


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    items = []
    for number, line in enumerate(read_utf8(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise InputError(f"{path}:{number}: each line must be an object with a 'question' string")
        history = item.get("history", [])
        if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
            raise InputError(f"{path}:{number}: 'history' must be a list of earlier questions (strings)")
        items.append({"id": item.get("id", str(number)), "question": item["question"], "history": history})
    return items


@app.command("ask")
def ask(
    question: str | None = typer.Argument(None, help="The question, in Swedish or English."),
    as_json: bool = typer.Option(False, "--json", help="Print exactly one JSON object."),
    jsonl: Path | None = typer.Option(None, "--jsonl", help="Answer every {id, question, history} line of FILE."),
    history: list[str] = typer.Option([], "--history", help="An earlier question in the conversation (repeatable)."),
    generator: str | None = typer.Option(None, "--generator", "-g", help="extractive, llamacpp, openai, ollama."),
    k: int | None = typer.Option(None, "-k", min=1, max=50, help="How many passages to retrieve."),
    doc: str | None = typer.Option(None, "--doc", help="Only this document id."),
    doc_type: str | None = typer.Option(None, "--doc-type", help="Only this document type (pm, metodstod, …)."),
    kommun: str | None = typer.Option(None, "--kommun", help="Only passages about this municipality."),
    fokusomrade: int | None = typer.Option(None, "--fokusomrade", min=1, max=6, help="Only this focus area (1–6)."),
) -> None:
    """Answer a question from the material, with numbered citations."""
    from assistant.wiring import build_assistant

    if (question is None) == (jsonl is None):
        fail("give either a QUESTION or --jsonl FILE", code=2)
    items = read_jsonl(jsonl) if jsonl is not None else None
    if as_json and items is None:
        _answer_json(question, history, k, _filters(doc, doc_type, kommun, fokusomrade), generator)
        return
    assistant = build_assistant(settings_from(generator=generator))
    filters = _filters(doc, doc_type, kommun, fokusomrade)
    if items is not None:
        _answer_many(assistant, items, k, filters)
        return
    final, shown = None, []
    for piece in assistant.stream(question, history, k=k, filters=filters):
        if isinstance(piece, Answer):
            final = piece
        else:
            shown.append(piece)
            sys.stdout.write(piece)
            sys.stdout.flush()
    print_answer(final, sys.stdout, streamed="".join(shown))


def _answer_json(question: str, history: list[str], k: int | None, filters: dict, generator: str | None) -> None:
    """Exactly one JSON object on stdout, also when the question cannot be answered: then
    {"question", "error"} (and the one-line error on stderr, exit code 1)."""
    from assistant.wiring import build_assistant

    try:
        answer = build_assistant(settings_from(generator=generator)).ask(question, history, k=k, filters=filters)
    except Exception as exc:
        error = str(exc) if isinstance(exc, MetodstodError) else f"Internt fel: {type(exc).__name__}: {exc}"
        typer.echo(json.dumps({"question": question, "error": error}, ensure_ascii=False))
        raise
    typer.echo(json.dumps(answer.to_json(), ensure_ascii=False))


def _answer_many(assistant, items: list[dict], k: int | None, filters: dict) -> None:
    failed = 0
    for item in items:
        try:
            answer = assistant.ask(item["question"], item["history"], k=k, filters=filters)
            line = answer.to_json(item_id=item["id"])
        except (InputError, SearchUnavailableError) as exc:
            failed += 1
            line = {"id": item["id"], "question": item["question"], "error": str(exc)}
        typer.echo(json.dumps(line, ensure_ascii=False))
    if failed:
        typer.echo(f"Fel: {failed} question(s) could not be answered (see 'error' fields)", err=True)
        raise typer.Exit(1)
