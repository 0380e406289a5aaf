"""The web app (gradio): Chatt, Aktiviteter and Källor tabs over the `assistant` library.

`build_app(services)` only wires components to `ChatController`, `ActivityView` and the
document registry; no retrieval or prompting happens here. `serve(settings, …)` builds the
services once (model loading at start, not per request) and launches on loopback by default.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from assistant.records.schema import record_title
from ui import render
from ui.activities import (
    ALL,
    ALL_LABEL,
    CHART_COLOR,
    CHART_X,
    CHART_Y,
    TABLE_COLUMNS,
    TABLE_WIDTHS,
    ActivityView,
    export_name,
    write_csv,
)
from ui.chat import INGEST_HINT, THANKS, ChatController, Turn, to_messages

log = logging.getLogger("metodstod.ui")

TITLE = "Metodstöd-assistenten"
EXAMPLES = (
    "Vad är Crime proofing?",
    "Vilka kommuner deltog i projektet?",
    "Vilka aktiviteter genomförde Sigtuna inom välfärdsbrott?",
    "Vad visade enkätundersökningen?",
)
INTRO = (
    "Ställ en fråga om Brås material om brottsförebyggande arbete. Svaren bygger bara på underlaget "
    "och varje påstående har en numrerad källa — klicka på en källa för att läsa stycket den kommer från."
)
DOC_COLUMNS = ["Dokument", "Id", "Typ", "År", "Sidor", "Delar/rader", "Inläst"]
DOC_WIDTHS = ["36%", "14%", "16%", "6%", "6%", "9%", "13%"]


@dataclass
class Services:
    """Everything the app talks to; built once by `ui.server.build_services`."""

    chat: ChatController
    activities: ActivityView | None
    registry: Any  # DocumentRegistry-like: .all()
    max_question_chars: int
    concurrency_limit: int
    top_k: int = 6
    focus_names: dict[int, str] = field(default_factory=dict)
    session_ttl_seconds: float = 7200.0


# -- pure helpers (tested without a server) ------------------------------------------------------
def chat_filters(kommun: str, fokus: str) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if kommun:
        filters["kommun"] = kommun
    if fokus:
        filters["fokusomrade"] = int(fokus)
    return filters


def document_rows(registry: Any) -> list[list[Any]]:
    rows = []
    for doc in sorted(registry.all(), key=lambda d: (d.kind != "document", d.title)):
        when = doc.ingested_at.strftime("%Y-%m-%d %H:%M") if doc.ingested_at else ""
        kind = doc.doc_type if doc.kind == "document" else f"{doc.doc_type} (poster)"
        title = doc.title if doc.kind == "document" else record_title(doc.doc_id.split(":", 1)[-1])
        rows.append([title, doc.doc_id, kind, doc.year or "", doc.pages or "", doc.chunk_count, when])
    return rows


def status_html(registry: Any) -> str:
    """A banner when nothing is indexed yet (the app still runs and says what to do)."""
    try:
        indexed = [d for d in registry.all() if d.kind == "document"]
    except Exception:
        log.exception("could not read the document registry")
        indexed = []
    if indexed:
        return ""
    return render.render_notice(f"Inget underlag är inläst ännu, så frågor kan inte besvaras. {INGEST_HINT}", "index")


# -- the app ------------------------------------------------------------------------------------
def build_app(services: Services) -> gr.Blocks:
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        gr.HTML(f'<div class="ms-header"><h1>{TITLE}</h1><p>{render.esc(INTRO)}</p></div>', elem_id="ms-header")
        status = gr.HTML("", elem_id="ms-status")
        with gr.Tabs():
            with gr.Tab("Chatt", id="chatt", elem_id="ms-tab-chatt"):
                chat_dropdowns = _chat_tab(services)
            with gr.Tab("Aktiviteter", id="aktiviteter", elem_id="ms-tab-aktiviteter"):
                refresh_activities = _activities_tab(services)
            with gr.Tab("Källor", id="kallor", elem_id="ms-tab-kallor"):
                refresh_docs = _sources_tab(services)
        demo.load(lambda: status_html(services.registry), outputs=status, api_name=False)
        demo.load(lambda: chat_filter_choices(services), outputs=chat_dropdowns, api_name=False)
        demo.load(refresh_docs[0], outputs=refresh_docs[1], api_name=False)
        if refresh_activities is not None:
            demo.load(refresh_activities[0], outputs=refresh_activities[1], api_name=False)
    return demo


def chat_choice_lists(services: Services) -> tuple[list, list]:
    """Municipality and focus-area choices for the chat (re-read on page load: ingest may have run since)."""
    options = services.activities.choices() if services.activities else {}
    default = [(ALL_LABEL, ALL)]
    return options.get("kommun", default), options.get("fokusomrade", default)


def chat_filter_choices(services: Services) -> tuple[gr.Dropdown, gr.Dropdown]:
    kommuner, fokus = chat_choice_lists(services)
    return gr.Dropdown(choices=kommuner, value=ALL), gr.Dropdown(choices=fokus, value=ALL)


def _chat_tab(services: Services) -> list[gr.Dropdown]:
    limit = services.concurrency_limit
    chat = services.chat
    turns = gr.State([], time_to_live=services.session_ttl_seconds)  # an idle conversation is forgotten
    chatbot = gr.Chatbot(
        label="Samtal",
        elem_id="ms-chat",
        height=560,
        render_markdown=True,  # our messages are single-line HTML blocks: Markdown leaves them alone
        sanitize_html=True,
        allow_tags=False,
        latex_delimiters=[],
        feedback_options=("Like", "Dislike"),  # the thumbs; their labels come from ui.theme.LABELS
        examples=[{"text": q, "display_text": q} for q in EXAMPLES],
        placeholder="**Exempel på frågor** — klicka på en för att fråga.",
        buttons=[],  # "copy" would copy our HTML markup, not the text
        layout="panel",
        autoscroll=False,  # ui.styles.HEAD keeps the start of a new answer in view instead of its end
    )
    with gr.Row(equal_height=True):
        question = gr.Textbox(
            show_label=False, placeholder="Skriv din fråga här …", lines=1, max_lines=6, scale=8, elem_id="ms-question"
        )
        ask = gr.Button("Fråga", variant="primary", scale=1, min_width=100, elem_id="ms-ask")
        new = gr.Button("Ny konversation", scale=1, min_width=190, elem_id="ms-new")
    input_note = gr.HTML("", elem_id="ms-input-note")
    with gr.Accordion("Avgränsa sökningen (valfritt)", open=False, elem_id="ms-limits"), gr.Row():
        kommun_choices, fokus_choices = chat_choice_lists(services)
        kommun = gr.Dropdown(kommun_choices, value=ALL, label="Kommun", elem_id="ms-c-kommun")
        fokus = gr.Dropdown(fokus_choices, value=ALL, label="Fokusområde", elem_id="ms-c-fokus")
        k = gr.Slider(1, 20, value=services.top_k, step=1, label="Antal stycken att söka fram (k)")
    with gr.Accordion("Återkoppling", open=True, elem_id="ms-feedback"):
        gr.Markdown("Använd tummarna under ett svar för att tala om ifall det var till hjälp.")
        with gr.Row(equal_height=True):
            comment = gr.Textbox(label="Kommentar till senaste svaret (valfritt)", scale=6, elem_id="ms-comment")
            send = gr.Button("Skicka kommentar", scale=1, elem_id="ms-send-comment")
        feedback_note = gr.HTML("", elem_id="ms-feedback-note")

    def respond(
        question_text: str, conversation: list[Turn], kommun_filter: str, fokus_filter: str, k_value: float | None
    ) -> Iterator[tuple]:
        note = chat.check(question_text)
        if note:  # an empty question: said under the box, no empty bubble in the chat
            yield to_messages(conversation), conversation, question_text, "", render.render_notice(note, "input")
            return
        k_int = int(k_value) if k_value and int(k_value) != services.top_k else None  # None: the default
        filters = chat_filters(kommun_filter, fokus_filter)
        for current in chat.respond(question_text, conversation, k=k_int, filters=filters):
            yield to_messages(current), current, "", "", ""

    def from_example(
        conversation: list[Turn], kommun_filter: str, fokus_filter: str, k_value: float | None, evt: gr.SelectData
    ) -> Iterator[tuple]:
        value = evt.value if isinstance(evt.value, dict) else {}
        yield from respond(str(value.get("text", "")), conversation, kommun_filter, fokus_filter, k_value)

    def on_like(conv: list[Turn], data: gr.LikeData) -> tuple[list[Turn], str]:
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        conv, note = chat.rate(conv, int(index), data.liked)
        return conv, render.render_notice(note, "ok" if note == THANKS else "error") if note else ""

    def on_comment(conv: list[Turn], comment_text: str) -> tuple[list[Turn], str, str]:
        conv, note = chat.comment(conv, comment_text)
        if note == THANKS:
            return conv, render.render_notice(note, "ok"), ""
        return conv, render.render_notice(note, "input"), comment_text

    ins = [question, turns, kommun, fokus, k]
    outs = [chatbot, turns, question, feedback_note, input_note]
    pool = {"concurrency_limit": limit, "concurrency_id": "chat"}  # all chat events share one pool
    question.submit(respond, ins, outs, api_name="svara", **pool)
    ask.click(respond, ins, outs, api_name=False, **pool)
    chatbot.example_select(from_example, [turns, kommun, fokus, k], outs, api_name=False, **pool)
    new.click(lambda: ([], [], "", "", ""), None, outs, api_name="ny_konversation")
    chatbot.clear(lambda: ([], ""), None, [turns, feedback_note], api_name=False)
    chatbot.like(on_like, [turns], [turns, feedback_note], api_name=False)
    send.click(on_comment, [turns, comment], [turns, feedback_note, comment], api_name="kommentar")
    return [kommun, fokus]


def _activities_tab(services: Services) -> tuple | None:
    view = services.activities
    if view is None:
        gr.HTML(render.render_notice(f"Aktivitetsregistret är inte inläst. {INGEST_HINT}", "index"))
        return None
    gr.Markdown("Aktiviteter som kommunerna genomförde i projektet, hämtade ur slutrapportens bilaga och brödtext.")
    with gr.Row():
        kommun = gr.Dropdown([(ALL_LABEL, ALL)], value=ALL, label="Kommun", elem_id="ms-f-kommun")
        fokus = gr.Dropdown([(ALL_LABEL, ALL)], value=ALL, label="Fokusområde", elem_id="ms-f-fokus")
        metod = gr.Dropdown([(ALL_LABEL, ALL)], value=ALL, label="Metod", elem_id="ms-f-metod")
        partner = gr.Dropdown([(ALL_LABEL, ALL)], value=ALL, label="Partner", elem_id="ms-f-partner")
    count = gr.HTML("", elem_id="ms-activity-count")
    plot = gr.BarPlot(
        x=CHART_X,
        y=CHART_Y,
        color=CHART_COLOR,
        title="Aktiviteter per kommun och fokusområde",
        y_title="Antal aktiviteter",
        height=320,
        elem_id="ms-activity-chart",
    )
    table = gr.Dataframe(
        headers=TABLE_COLUMNS,
        datatype="str",
        interactive=False,
        wrap=True,
        max_height=520,
        column_widths=TABLE_WIDTHS,
        elem_id="ms-activity-table",
    )
    download = gr.DownloadButton("Ladda ner CSV", elem_id="ms-activity-csv")
    filters = [kommun, fokus, metod, partner]
    outputs = [table, plot, count, download]

    def show(kommun_v: str, fokus_v: str, metod_v: str, partner_v: str) -> tuple:
        rows = view.rows(kommun_v, fokus_v, metod_v, partner_v)
        path = write_csv(rows, export_name(kommun_v, fokus_v, metod_v, partner_v))
        note = f'<div class="ms-count">{len(rows)} aktiviteter</div>'
        return view.table(rows), view.chart(rows), note, str(path)

    def reload() -> tuple:
        options = view.choices()
        drops = [
            gr.Dropdown(choices=options[name], value=ALL) for name in ("kommun", "fokusomrade", "metod", "partner")
        ]
        return (*drops, *show(ALL, ALL, ALL, ALL))

    for dropdown in filters:
        dropdown.input(show, filters, outputs, api_name=False)
    return reload, [*filters, *outputs]


def _sources_tab(services: Services) -> tuple:
    gr.Markdown("Dokument och registerfiler som assistenten svarar utifrån.")
    table = gr.Dataframe(
        headers=DOC_COLUMNS, datatype="str", interactive=False, wrap=True, column_widths=DOC_WIDTHS, elem_id="ms-docs"
    )
    refresh = gr.Button("Uppdatera", size="sm", elem_id="ms-docs-refresh")

    def load() -> list[list[Any]]:
        return document_rows(services.registry)

    refresh.click(load, None, table, api_name=False)
    return load, table
