"""Structure-aware chunking, checked on the real PM and on small made-up documents."""

from __future__ import annotations

import re
from itertools import groupby, pairwise
from pathlib import Path

import pytest

from assistant.language.text import split_sentences
from assistant.settings import Settings
from assistant.types import Chunk
from ingest.chunking import ChunkParams, chunk_document
from ingest.loaders import Block, LoadedDocument, load_document

REPO = Path(__file__).resolve().parents[2]
PM = REPO / "corpus" / "documents" / "slutrapport-suo-2024.md"
DEFAULTS = Settings(embedder="fake")
C = DEFAULTS.chunking
PARAMS = ChunkParams(C.target_words, C.max_words, C.overlap_sentences)
SENTENCE_END = re.compile(r"[.!?:)\"”>]$")


@pytest.fixture(scope="module")
def pm() -> LoadedDocument:
    return load_document(PM)


@pytest.fixture(scope="module")
def pm_chunks(pm: LoadedDocument) -> list[Chunk]:
    return chunk_document(pm, "slutrapport-suo-2024", "pm", "a" * 32, PARAMS)


def _units_by_section(doc: LoadedDocument) -> dict[str, set[str]]:
    """Every sentence, list item and table row of the document, per section."""
    out: dict[str, set[str]] = {}
    for block in doc.blocks:
        units = split_sentences(block.text) if block.kind == "paragraph" else [block.text]
        out.setdefault(block.section, set()).update(units if block.kind != "heading" else [])
    return out


def _chunk_units(chunk: Chunk) -> list[str]:
    """The sentences and items of a chunk's text (list items are rendered as "- item")."""
    units: list[str] = []
    for line in chunk.text.split("\n"):
        units.extend([line[2:]] if line.startswith("- ") else split_sentences(line))
    return units


# -- the real PM ------------------------------------------------------------------------------
def test_chunks_carry_their_metadata(pm: LoadedDocument, pm_chunks: list[Chunk]) -> None:
    assert 60 <= len(pm_chunks) <= 200
    assert [c.position for c in pm_chunks] == list(range(len(pm_chunks)))
    assert len({c.id for c in pm_chunks}) == len(pm_chunks)
    for chunk in pm_chunks:
        assert chunk.doc_id == "slutrapport-suo-2024"
        assert chunk.title == pm.title
        assert chunk.doc_type == "pm"
        assert chunk.doc_hash == "a" * 32
        assert chunk.id.startswith("slutrapport-suo-2024:aaaaaaaaaaaa:")
        assert re.fullmatch(r"[0-9a-f]{16}", chunk.content_hash)
        assert chunk.text.strip()


def test_no_chunk_crosses_a_section(pm: LoadedDocument, pm_chunks: list[Chunk]) -> None:
    by_section = _units_by_section(pm)
    for chunk in pm_chunks:
        for unit in _chunk_units(chunk):
            assert unit in by_section[chunk.section], (chunk.position, chunk.section, unit)


def test_sections_appear_in_document_order_once(pm_chunks: list[Chunk]) -> None:
    order = [section for section, _ in groupby(c.section for c in pm_chunks)]
    assert len(order) == len(set(order))


def test_no_chunk_starts_or_ends_mid_sentence(pm: LoadedDocument, pm_chunks: list[Chunk]) -> None:
    """Every sentence of a chunk is a whole sentence of the source; prose ends like prose."""
    all_units = set().union(*_units_by_section(pm).values())
    block_ends = {split_sentences(b.text)[-1] for b in pm.blocks if b.kind == "paragraph"}
    for chunk in pm_chunks:
        units = _chunk_units(chunk)
        assert all(u in all_units for u in units), chunk.position
        last_line = chunk.text.split("\n")[-1]
        if not last_line.startswith("- ") and " | " not in last_line:
            assert SENTENCE_END.search(last_line) or units[-1] in block_ends, (chunk.position, last_line[-60:])
        assert chunk.text[0].isupper() or chunk.text[0] in '-(¹²³0123456789"”[', chunk.text[:40]


def test_pages_are_set_and_monotonic(pm_chunks: list[Chunk]) -> None:
    starts = [c.page_start for c in pm_chunks]
    assert all(isinstance(p, int) and 1 <= p <= 39 for p in starts)
    assert starts == sorted(starts)
    assert all(c.page_end is not None and c.page_start <= c.page_end for c in pm_chunks)


def test_known_passages_have_the_right_page(pm_chunks: list[Chunk]) -> None:
    def page_of(words: str) -> int | None:
        return next(c.page_start for c in pm_chunks if words in c.text)

    assert page_of("Crime proofing är en analysmodell") == 17
    assert page_of("Fyra kommuner deltog i arbetet: Sigtuna, Göteborg, Linköping och Trollhättan.") in (17, 18)
    assert page_of("Brå fick den 17 mars 2022 i uppdrag") == 6


def test_section_paths_exist(pm_chunks: list[Chunk]) -> None:
    sections = {c.section for c in pm_chunks}
    assert "Projektets genomförande > Fokusområde 4: Välfärdsbrottslighet > Modellen Crimeproofing" in sections
    assert "Sammanfattning > Satsningar inom sex fokusområden" in sections
    bilaga_2 = "Bilaga 2 Sammanfattning av projektets fokusområden och aktiviteter per kommun"
    assert f"{bilaga_2} > Sigtuna > Välfärdsbrott" in sections


def test_list_items_stay_together_when_the_list_fits(pm: LoadedDocument, pm_chunks: list[Chunk]) -> None:
    groups: dict[int, list[Block]] = {}
    for block in pm.blocks:
        if block.kind in ("list_item", "table_row"):
            groups.setdefault(block.group, []).append(block)
    assert len(groups) >= 20
    for items in groups.values():
        if sum(len(b.text.split()) for b in items) > PARAMS.max_words:
            continue
        holders = [c for c in pm_chunks if all(b.text in c.text for b in items)]
        assert holders, f"list split: {items[0].text[:50]}"


def test_the_six_focus_areas_are_one_list_in_one_chunk(pm_chunks: list[Chunk]) -> None:
    chunk = next(c for c in pm_chunks if "- välfärdsbrottslighet" in c.text)
    assert chunk.section == "Sammanfattning > Satsningar inom sex fokusområden"
    items = [line for line in chunk.text.split("\n") if line.startswith("- ")]
    assert len(items) == 6
    assert items[0].startswith("- kunskapsbaserat brottsförebyggande arbete")
    assert chunk.text.split("\n")[0].endswith("sex stycken fokusområden:")  # the list's lead-in comes along


def test_chunk_sizes_respect_the_settings(pm_chunks: list[Chunk]) -> None:
    for chunk in pm_chunks:
        units = _chunk_units(chunk)
        words = sum(len(u.split()) for u in units)
        assert words <= PARAMS.max_words or len(units) == 1, chunk.position
    mean = sum(len(c.text.split()) for c in pm_chunks) / len(pm_chunks)
    assert 0.4 * PARAMS.target_words <= mean <= PARAMS.max_words


def test_consecutive_prose_chunks_overlap_by_one_sentence(pm_chunks: list[Chunk]) -> None:
    overlapping = 0
    for earlier, later in pairwise(pm_chunks):
        if earlier.section != later.section:
            continue
        last = _chunk_units(earlier)[-1]
        if later.text.startswith(last):
            overlapping += 1
    assert overlapping >= 10


def test_no_overlap_across_sections(pm_chunks: list[Chunk]) -> None:
    for earlier, later in pairwise(pm_chunks):
        if earlier.section != later.section:
            assert not later.text.startswith(_chunk_units(earlier)[-1])


def test_chunking_is_deterministic(pm: LoadedDocument, pm_chunks: list[Chunk]) -> None:
    again = chunk_document(pm, "slutrapport-suo-2024", "pm", "a" * 32, PARAMS)
    assert [c.model_dump() for c in again] == [c.model_dump() for c in pm_chunks]


# -- small documents --------------------------------------------------------------------------
def _doc(blocks: list[Block]) -> LoadedDocument:
    return LoadedDocument(Path("x.md"), "X", blocks, "h")


def _sentence(n: int, words: int = 10) -> str:
    return " ".join([f"Mening{n}"] + ["ord"] * (words - 2) + ["slut."])


def _chunks(blocks: list[Block], target: int = 30, maximum: int = 45, overlap: int = 1, **kw: object) -> list[Chunk]:
    return chunk_document(_doc(blocks), "d", "pm", "b" * 32, ChunkParams(target, maximum, overlap), **kw)


def test_list_starts_a_new_chunk_instead_of_being_split() -> None:
    prose = Block("paragraph", " ".join(_sentence(i) for i in range(2)), "S", 1)
    items = [Block("list_item", f"punkt {i} " + "ord " * 6, "S", 1, group=1) for i in range(4)]
    chunks = _chunks([prose, *items], target=60, maximum=45)
    holder = [c for c in chunks if "punkt 0" in c.text]
    assert len(holder) == 1
    assert all(f"punkt {i}" in holder[0].text for i in range(4))


def test_a_list_longer_than_max_is_split_between_items() -> None:
    items = [Block("list_item", f"punkt {i} " + "ord " * 8, "S", 1, group=1) for i in range(10)]
    chunks = _chunks(items, target=20, maximum=30, overlap=0)
    assert len(chunks) > 1
    texts = "\n".join(c.text for c in chunks)
    assert all(f"punkt {i} " in texts for i in range(10))
    assert all(len(c.text.split()) <= 30 + c.text.count("- ") for c in chunks)


def test_never_a_chunk_of_only_overlap() -> None:
    """A long sentence after a cut must not leave a chunk holding only the repeated sentence."""
    text = " ".join([_sentence(1, 25), _sentence(2, 10), _sentence(3, 44)])
    chunks = _chunks([Block("paragraph", text, "S", 1)], target=30, maximum=45)
    previous: set[str] = set()
    for chunk in chunks:
        units = set(split_sentences(chunk.text))
        assert units - previous, chunk.text
        previous = units


def test_one_sentence_longer_than_max_is_its_own_chunk() -> None:
    text = " ".join([_sentence(1), _sentence(2, 80), _sentence(3)])
    chunks = _chunks([Block("paragraph", text, "S", 1)], target=30, maximum=45, overlap=0)
    assert any(c.text == _sentence(2, 80) for c in chunks)


def test_overlap_zero_repeats_nothing() -> None:
    text = " ".join(_sentence(i) for i in range(9))
    chunks = _chunks([Block("paragraph", text, "S", 1)], overlap=0)
    assert sum(len(split_sentences(c.text)) for c in chunks) == 9


def test_overlap_repeats_the_last_sentence() -> None:
    text = " ".join(_sentence(i) for i in range(9))
    chunks = _chunks([Block("paragraph", text, "S", 1)], overlap=1)
    for earlier, later in pairwise(chunks):
        assert split_sentences(later.text)[0] == split_sentences(earlier.text)[-1]


def test_sections_split_chunks_even_when_small() -> None:
    blocks = [Block("paragraph", _sentence(1), "A", 1), Block("paragraph", _sentence(2), "A > B", 2)]
    chunks = _chunks(blocks, target=100, maximum=200)
    assert [(c.section, c.page_start) for c in chunks] == [("A", 1), ("A > B", 2)]


def test_page_range_of_a_paragraph_over_a_page_break() -> None:
    blocks = [Block("paragraph", f"{_sentence(1)} {_sentence(2)}", "S", 4, last_page=5)]
    (chunk,) = _chunks(blocks, target=100, maximum=200)
    assert (chunk.page_start, chunk.page_end) == (4, 5)


def test_pages_may_be_missing() -> None:
    (chunk,) = _chunks([Block("paragraph", _sentence(1), "", None)])
    assert chunk.page_start is None and chunk.page_end is None


def test_tagger_sees_section_and_text() -> None:
    seen: list[str] = []

    def tagger(text: str) -> tuple[list[str], list[str]]:
        seen.append(text)
        return ["Sigtuna", "Linköping"], ["4"]

    (chunk,) = _chunks([Block("paragraph", _sentence(1), "Rubrik", 1)], tagger=tagger)
    assert seen == [f"Rubrik\n{_sentence(1)}"]
    assert (chunk.kommuner, chunk.fokusomraden) == ("Sigtuna;Linköping", "4")


def test_content_hash_depends_on_section_and_text() -> None:
    a = _chunks([Block("paragraph", _sentence(1), "A", 1)])[0]
    b = _chunks([Block("paragraph", _sentence(1), "B", 1)])[0]
    c = _chunks([Block("paragraph", _sentence(1), "A", 7)])[0]
    assert a.content_hash != b.content_hash
    assert a.content_hash == c.content_hash


def test_each_sentence_keeps_its_page_when_a_chunk_crosses_a_page_break() -> None:
    blocks = [
        Block("paragraph", f"{_sentence(1)} {_sentence(2)}", "S", 15),
        Block("paragraph", f"{_sentence(3)} {_sentence(4)}", "S", 16),  # after "<!-- page: 16 -->"
    ]
    (chunk,) = _chunks(blocks, target=100, maximum=200)
    assert (chunk.page_start, chunk.page_end) == (15, 16)
    assert chunk.page_of(_sentence(2)) == 15 and chunk.page_of(_sentence(3)) == 16
    assert chunk.page_of("not in the chunk") == 15


def test_a_paragraph_over_a_page_break_gives_its_later_sentences_the_later_page() -> None:
    text = f"{_sentence(1)} {_sentence(2)}"
    block = Block("paragraph", text, "S", 1, last_page=2, page_breaks=[(len(_sentence(1)) + 1, 2)])
    (chunk,) = _chunks([block], target=100, maximum=200)
    assert chunk.page_of(_sentence(1)) == 1 and chunk.page_of(_sentence(2)) == 2
