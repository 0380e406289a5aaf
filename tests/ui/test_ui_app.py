"""The gradio app in-process with a fake assistant, driven over its API with gradio_client.

No browser needed: checks the API contract, multi-turn state, concurrency (several users
must not queue behind each other) and the Källor/status helpers.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client

from assistant.settings import Settings
from tests.assistant.records.records_helpers import load_records
from tests.ui.ui_fakes import FakeAssistant
from ui import app as ui_app
from ui import server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FakeAssistant, Settings]]:
    data = tmp_path_factory.mktemp("app")
    settings = Settings(data_dir=data, embedder="fake", concurrency_limit=4, max_question_chars=100)
    fake = FakeAssistant(delay=0.05, max_chars=100)
    from assistant.wiring import build_records
    from tests.conftest import REPO

    load_records(build_records(settings), REPO / "corpus" / "records")
    services = server.build_services(settings, factory=lambda: fake)
    assert server.prepare_assistant(services.chat.assistants) is None
    demo = ui_app.build_app(services)
    port = free_port()
    server.launch(demo, settings, "127.0.0.1", port, block=False)
    try:
        yield f"http://127.0.0.1:{port}/", fake, settings
    finally:
        demo.close()


def client(url: str) -> Client:
    return Client(url, verbose=False)


def texts(messages: list[dict]) -> list[str]:
    return [m["content"][0]["text"] if isinstance(m["content"], list) else m["content"] for m in messages]


def test_conversation_over_api(live: tuple) -> None:
    url, fake, _ = live
    c = client(url)
    messages, box, _note, _input_note = c.predict("Vad är Crime proofing?", "", "", 6, api_name="/svara")
    assert box == "" and len(messages) == 2
    assert "ms-sources" in texts(messages)[1] and "[1]" in texts(messages)[1]
    messages, *_ = c.predict("Och i Sigtuna?", "Sigtuna", "4", 6, api_name="/svara")
    assert len(messages) == 4
    call = next(x for x in reversed(fake.calls) if x["question"] == "Och i Sigtuna?")
    assert [m["role"] for m in call["history"]] == ["user", "assistant"]  # the whole conversation
    assert call["history"][0]["content"] == "Vad är Crime proofing?"
    assert call["filters"] == {"kommun": "Sigtuna", "fokusomrade": 4}
    messages, box, _note, input_note = c.predict("   ", "", "", 6, api_name="/svara")
    assert len(messages) == 4 and "Skriv en fråga först" in input_note  # no empty bubble
    note, _ = c.predict("Bra svar", api_name="/kommentar")
    assert "Tack" in note
    messages, *_ = c.predict(api_name="/ny_konversation")
    assert messages == []


def test_question_html_is_escaped_and_too_long_is_friendly(live: tuple) -> None:
    url, _, settings = live
    c = client(url)
    messages, *_ = c.predict("<script>alert(1)</script>", "", "", 6, api_name="/svara")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in texts(messages)[0]
    messages, *_ = c.predict("x" * (settings.max_question_chars + 1), "", "", 6, api_name="/svara")
    assert "Frågan är för lång" in texts(messages)[-1]


def test_an_error_does_not_stop_the_app(live: tuple) -> None:
    url, *_ = live
    c = client(url)
    messages, *_ = c.predict("krascha", "", "", 6, api_name="/svara")
    assert "Något gick fel" in texts(messages)[-1]
    messages, *_ = c.predict("Vad är Crime proofing?", "", "", 6, api_name="/svara")
    assert "ms-sources" in texts(messages)[-1]


def test_users_do_not_queue_behind_each_other(live: tuple) -> None:
    url, _, _ = live
    clients = [client(url) for _ in range(4)]
    started = time.perf_counter()
    one = clients[0].predict("Vad är Crime proofing?", "", "", 6, api_name="/svara")
    single = time.perf_counter() - started
    assert one
    errors: list[BaseException] = []

    def ask(c: Client) -> None:
        try:
            c.predict("Vad är Crime proofing?", "", "", 6, api_name="/svara")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(c,)) for c in clients]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    together = time.perf_counter() - started
    assert not errors
    assert together < 2.5 * single, f"4 parallel questions took {together:.1f}s, one took {single:.1f}s"


def test_status_and_documents(tmp_path: Path) -> None:
    from assistant.index.documents import DocumentInfo, DocumentRegistry

    registry = DocumentRegistry(f"sqlite:///{tmp_path / 'r.db'}")
    assert "metodstod ingest corpus/" in ui_app.status_html(registry)
    registry.put(
        DocumentInfo(
            doc_id="pm",
            title="<b>PM</b>",
            doc_type="pm",
            year=2024,
            source_path="x.md",
            doc_hash="h",
            chunk_count=3,
            pages=40,
        )
    )
    assert ui_app.status_html(registry) == ""
    rows = ui_app.document_rows(registry)
    assert rows[0][:6] == ["<b>PM</b>", "pm", "pm", 2024, 40, 3] and rows[0][6]


def test_chat_filters() -> None:
    assert ui_app.chat_filters("", "") == {}
    assert ui_app.chat_filters("Sigtuna", "4") == {"kommun": "Sigtuna", "fokusomrade": 4}
