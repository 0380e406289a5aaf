"""The openai and ollama generators against a loopback fake server: the real clients and wire formats."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from assistant.language.question import Question
from assistant.settings import Settings
from assistant.types import Chunk, Passage
from assistant.wiring import build_generator

END = "Projektet startade i augusti år 2022 och avslutades i maj år 2024."


def passage(text: str) -> Passage:
    chunk = Chunk(id="c", doc_id="d", title="t", doc_type="pm", section="s", position=0, text=text, content_hash="")
    return Passage(chunk=chunk, score=1.0)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedder="fake")


class _FakeServer(BaseHTTPRequestHandler):
    pieces = ("Projektet ", "avslutades ", "i maj 2024 ", "[1].")
    bodies: ClassVar[list[dict]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeServer.bodies.append(body)
        self.send_response(200)
        if self.path.endswith("/chat/completions"):  # OpenAI: server-sent events
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in self.pieces:
                chunk = {
                    "id": "x",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "m",
                    "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            return
        self.send_header("Content-Type", "application/x-ndjson")  # Ollama /api/chat: one JSON object a line
        self.end_headers()
        for piece in self.pieces:
            line = {
                "model": "m",
                "created_at": "2024-01-01T00:00:00Z",
                "done": False,
                "message": {"role": "assistant", "content": piece},
            }
            self.wfile.write((json.dumps(line) + "\n").encode())
        last = {
            "model": "m",
            "created_at": "2024-01-01T00:00:00Z",
            "done": True,
            "done_reason": "stop",
            "message": {"role": "assistant", "content": ""},
        }
        self.wfile.write((json.dumps(last) + "\n").encode())


@pytest.fixture
def fake_server() -> Iterator[str]:
    _FakeServer.bodies = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("name", ["openai", "ollama"])
def test_remote_generators_stream_from_a_server(name: str, settings: Settings, fake_server: str) -> None:
    pytest.importorskip(f"langchain_{name}")
    url = {"openai": {"openai_base_url": f"{fake_server}/v1"}, "ollama": {"ollama_base_url": fake_server}}[name]
    gen = build_generator(settings.model_copy(update={"generator": name, **url}))
    pieces = list(gen.stream(Question.analyse("När avslutades projektet?"), [passage(END)]))
    assert pieces == list(_FakeServer.pieces)
    body = _FakeServer.bodies[-1]
    assert body["stream"] is True
    messages = body["messages"]
    assert messages[0]["role"] == "system" and "numrerade källorna" in messages[0]["content"]
    assert END in messages[1]["content"]
    options = body.get("options", body)  # Ollama puts sampling options under "options"
    assert options["temperature"] == 0.0
