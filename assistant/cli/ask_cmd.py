"""`metodstod ask`: one question, or a JSONL file of questions, answered with citations."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

import typer

from assistant.cli.common import EXIT_USAGE, app, fail, read_utf8, settings_from
from assistant.errors import InputError, MetodstodError, SearchUnavailableError
from assistant.language.conversation import as_messages
from assistant.service import SEARCH_UNAVAILABLE, SEARCH_UNAVAILABLE_NOTE
from assistant.types import Answer, Message


def _filters(doc: str | None, doc_type: str | None, kommun: str | None, fokusomrade: int | None) -> dict:
    values = {"doc_id": doc, "doc_type": doc_type, "kommun": kommun, "fokusomrade": fokusomrade}
    return {k: v for k, v in values.items() if v is not None}


def print_answer(answer: Answer, out: TextIO, streamed: str = "") -> None:
    """The answer (unless `streamed` already showed it: a refusal decided after generating
    follows what was streamed), then the sources."""
    if answer.text.strip() != streamed.strip():
        out.write(f"\n{answer.text}" if streamed.strip() else answer.text)
    out.write("\n")
    if answer.table and "|" not in answer.text:  # an overview: every row follows its lines
        out.write(f"\n{markdown_rows(answer.table)}\n")
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


def markdown_rows(table: list[dict[str, str]]) -> str:
    """``Answer.table`` (shown headers as keys) as a Markdown table."""
    keys = list(table[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "|".join("---" for _ in keys) + "|"]
    lines += ["| " + " | ".join(str(row.get(k, "")).replace("|", "\\|") for k in keys) + " |" for row in table]
    return "\n".join(lines)


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise InputError(f"{path}: filen finns inte")
    items = []
    for number, line in enumerate(read_utf8(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: ogiltig JSON ({exc.msg})") from exc
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise InputError(f"{path}:{number}: varje rad ska vara ett objekt med en fråga som text i ”question”")
        history = item.get("history", [])
        if not isinstance(history, list):
            raise InputError(f"{path}:{number}: ”history” ska vara en lista (tidigare frågor eller meddelanden)")
        try:
            messages = as_messages(history)
        except InputError as exc:
            raise InputError(f"{path}:{number}: {exc}") from exc
        items.append({"id": item.get("id", str(number)), "question": item["question"], "history": messages})
    return items


def history_option(values: list[str]) -> list[Message]:
    """``--history`` values: an earlier question, or a message as JSON ({"role": ..., "content": ...})."""
    parsed: list[object] = []
    for value in values:
        if value.lstrip().startswith("{"):
            try:
                parsed.append(json.loads(value))
            except json.JSONDecodeError as exc:
                raise InputError(f"--history: ogiltig JSON ({exc.msg}): {value[:60]}") from exc
        else:
            parsed.append(value)
    return as_messages(parsed)


@app.command("ask")
def ask(
    question: str | None = typer.Argument(None, help="The question, in Swedish or English."),
    as_json: bool = typer.Option(False, "--json", help="Print exactly one JSON object."),
    jsonl: Path | None = typer.Option(None, "--jsonl", help="Answer every {id, question, history} line of FILE."),
    history: list[str] = typer.Option(
        [],
        "--history",
        help='An earlier question, or a message as JSON {"role": "assistant", "content": …} (repeatable).',
    ),
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
        fail("ange antingen en FRÅGA eller --jsonl FIL", code=EXIT_USAGE)
    if as_json and jsonl is None:
        _answer_json(question, history, generator, k, _filters(doc, doc_type, kommun, fokusomrade))
        return
    items = read_jsonl(jsonl) if jsonl is not None else None
    messages = history_option(history)
    assistant = build_assistant(settings_from(generator=generator))
    filters = _filters(doc, doc_type, kommun, fokusomrade)
    if items is not None:
        _answer_many(assistant, items, k, filters)
        return
    final, shown = None, []
    for piece in assistant.stream(question, messages, k=k, filters=filters):
        if isinstance(piece, Answer):
            final = piece
        else:
            shown.append(piece)
            sys.stdout.write(piece)
            sys.stdout.flush()
    print_answer(final, sys.stdout, streamed="".join(shown))


def _answer_json(question: str | None, history: list[str], generator: str | None, k: int | None, filters: dict) -> None:
    """Exactly one JSON object on stdout: the answer, or {"question", "error"} (exit code 1 or 2)."""
    from assistant.wiring import build_assistant

    try:
        if question is None:
            raise InputError("--json svarar på en FRÅGA; använd --jsonl FIL för en fil med frågor")
        messages = history_option(history)
        answer = build_assistant(settings_from(generator=generator)).ask(question, messages, k=k, filters=filters)
    except InputError as exc:
        typer.echo(json.dumps({"question": question or "", "error": str(exc)}, ensure_ascii=False))
        typer.echo(f"Fel: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from exc
    except MetodstodError as exc:
        typer.echo(json.dumps({"question": question or "", "error": str(exc)}, ensure_ascii=False))
        typer.echo(f"Fel: {exc}", err=True)
        raise typer.Exit(1) from exc
    except Exception as exc:  # a bug: still one JSON object, and the one-line error on stderr
        error = f"Internt fel: {type(exc).__name__}: {exc}"
        typer.echo(json.dumps({"question": question or "", "error": error}, ensure_ascii=False))
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
        typer.echo(f"Fel: {failed} fråga/frågor kunde inte besvaras (se fälten ”error”)", err=True)
        raise typer.Exit(1)
