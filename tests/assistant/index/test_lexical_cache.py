"""The per-host lexical cache: one folder per corpus key, written so processes never clash."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from assistant.index.generation import corpus_key
from assistant.index.lexical import (
    CACHE_PREFIX,
    KEEP_INDEXES,
    TMP_MAX_AGE_S,
    TMP_PREFIX,
    TOKENISATION,
    LexicalCache,
    LexicalIndex,
)
from tests.assistant.index.test_vector_store import make_chunks

TEXTS = ["Trygghetsvandring i området.", "Samverkan mellan skola och polis.", "Enkäten fick 27 svar."]


def index_for(doc_hash: str = "h" * 32) -> LexicalIndex:
    return LexicalIndex(make_chunks("doc", doc_hash, TEXTS), corpus_key([doc_hash]))


def test_saved_index_loads_under_its_key_and_only_there(tmp_path: Path) -> None:
    cache = LexicalCache(tmp_path / "lexical")
    index = index_for()
    cache.save(index)
    loaded = cache.load(index.stamp)
    assert loaded is not None and [c.id for c in loaded.chunks] == [c.id for c in index.chunks]
    assert loaded.search("enkät svar", 2)[0][0].text == "Enkäten fick 27 svar."
    assert cache.load(corpus_key(["another version"])) is None
    assert [p.name for p in (tmp_path / "lexical").iterdir()] == [f"{CACHE_PREFIX}{TOKENISATION}-{index.stamp}"]


def test_a_damaged_or_half_written_folder_is_no_index(tmp_path: Path) -> None:
    cache = LexicalCache(tmp_path)
    index = index_for()
    folder = cache.save(index)
    (folder / "chunks.jsonl").write_text("{not json", encoding="utf-8")
    assert cache.load(index.stamp) is None
    (folder / "stamp").unlink()  # the stamp is written last: without it the folder is unfinished
    assert cache.load(index.stamp) is None


def test_ensure_builds_from_the_store_once_and_only_caches_a_whole_index(tmp_path: Path) -> None:
    cache = LexicalCache(tmp_path)
    chunks = make_chunks("doc", "h" * 32, TEXTS)
    fetched: list[list[str]] = []

    def fetch(hashes):
        fetched.append(list(hashes))
        return chunks

    index, whole = cache.ensure({"h" * 32: 3}, fetch)
    assert whole and len(index.chunks) == 3 and fetched == [["h" * 32]]
    again, whole = cache.ensure({"h" * 32: 3}, fetch)
    assert whole and len(fetched) == 1 and again.stamp == index.stamp  # from the cache
    short, whole = cache.ensure({"g" * 32: 5}, lambda hashes: chunks[:2])
    assert not whole and len(short.chunks) == 2 and cache.load(short.stamp) is None


def _save_many(root: str, rounds: int) -> None:
    cache = LexicalCache(Path(root))
    for i in range(rounds):
        cache.save(index_for(f"{i % 3:032d}"))


def test_processes_saving_at_once_never_touch_each_others_files(tmp_path: Path) -> None:
    """Two hosts' processes sharing one data dir (serve, ask, ingest) build the same keys at once."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_save_many, args=(str(tmp_path), 15)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    cache = LexicalCache(tmp_path)
    for i in range(3):
        assert cache.load(corpus_key([f"{i:032d}"])) is not None
    assert not list(tmp_path.glob(f"{TMP_PREFIX}*"))


def test_old_indexes_and_leftovers_of_crashed_processes_are_pruned(tmp_path: Path) -> None:
    cache = LexicalCache(tmp_path)
    leftover = tmp_path / f"{TMP_PREFIX}abc-999999-deadbeef"
    leftover.mkdir(parents=True)
    fresh = tmp_path / f"{TMP_PREFIX}abc-999998-cafe"  # maybe another process writing right now
    fresh.mkdir()
    old = time.time() - TMP_MAX_AGE_S - 10
    os.utime(leftover, (old, old))
    keys = []
    for i in range(KEEP_INDEXES + 2):
        index = index_for(f"{i:032d}")
        folder = cache.save(index)
        os.utime(folder, (time.time() - 100 + i, time.time() - 100 + i))
        keys.append(index.stamp)
    kept = sorted(p.name for p in tmp_path.glob(f"{CACHE_PREFIX}*"))
    assert kept == sorted(f"{CACHE_PREFIX}{TOKENISATION}-{k}" for k in keys[-KEEP_INDEXES:])
    assert not leftover.exists() and fresh.exists()
