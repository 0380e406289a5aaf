"""Loaders: Markdown, text and PDF into blocks with sections and pages; clear errors."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from assistant.errors import IngestError, UnsupportedFileError
from ingest.loaders import load_document, parse_markdown
from tests.ingest.pdf_samples import (
    PAGE_TOPICS,
    blank_pdf,
    encrypted_pdf,
    multi_page_pdf,
    page_spanning_pdf,
    truncated,
    write,
)

REPO = Path(__file__).resolve().parents[2]
PM = REPO / "corpus" / "documents" / "slutrapport-suo-2024.md"


# -- Markdown ---------------------------------------------------------------------------------
def test_markdown_title_sections_pages_and_kinds() -> None:
    text = """# Titeln

<!-- page: 3 -->

## Kapitel

Första stycket. Andra meningen
fortsätter här.

### Avsnitt

- punkt **ett**
- punkt två

| Kommun | Område |
| --- | --- |
| Sigtuna | Valsta |

<!-- page: 4 -->

## Nästa kapitel

Text.
"""
    title, blocks, last_page = parse_markdown(text)
    assert title == "Titeln"
    assert last_page == 4
    kinds = [(b.kind, b.section, b.page) for b in blocks]
    assert kinds == [
        ("heading", "Kapitel", 3),
        ("paragraph", "Kapitel", 3),
        ("heading", "Kapitel > Avsnitt", 3),
        ("list_item", "Kapitel > Avsnitt", 3),
        ("list_item", "Kapitel > Avsnitt", 3),
        ("table_row", "Kapitel > Avsnitt", 3),
        ("table_row", "Kapitel > Avsnitt", 3),
        ("heading", "Nästa kapitel", 4),
        ("paragraph", "Nästa kapitel", 4),
    ]
    assert blocks[1].text == "Första stycket. Andra meningen fortsätter här."
    assert blocks[3].text == "punkt ett"  # emphasis stripped
    assert blocks[3].group == blocks[4].group != blocks[5].group == blocks[6].group
    assert blocks[6].text == "Sigtuna | Valsta"


def test_markdown_list_item_continuation_lines_stay_with_the_item() -> None:
    _, blocks, _ = parse_markdown("## A\n\n- första punkten som\n  fortsätter på nästa rad\n- andra\n")
    items = [b.text for b in blocks if b.kind == "list_item"]
    assert items == ["första punkten som fortsätter på nästa rad", "andra"]


def test_a_markdown_block_quote_reads_as_its_text_and_its_lists() -> None:
    text = (
        "## A\n\n> **I korthet**\n> - Räkna med 12–18 månader.\n\n> ”Det är en annan stämning nu.”\n> – Stationsvärd\n"
    )
    _, blocks, _ = parse_markdown(text)
    assert [(b.kind, b.text) for b in blocks if b.kind != "heading"] == [
        ("paragraph", "I korthet"),
        ("list_item", "Räkna med 12–18 månader."),
        ("paragraph", "”Det är en annan stämning nu.” – Stationsvärd"),
    ]


def test_a_task_list_box_is_no_text() -> None:
    _, blocks, _ = parse_markdown("## A\n\n- [ ] Styrgrupp utsedd\n- [x] Lägesbild klar\n")
    assert [b.text for b in blocks if b.kind == "list_item"] == ["Styrgrupp utsedd", "Lägesbild klar"]


@pytest.mark.parametrize("rule", ["---", "***", "* * *", "___", "- - -"])
def test_a_markdown_thematic_break_is_no_text_and_ends_a_paragraph(rule: str) -> None:
    _, blocks, _ = parse_markdown(f"## A\n\nFörsta stycket.\n\n{rule}\n\nAndra stycket.\n\n{rule}\n\n## B\n\nTredje.\n")
    assert [(b.kind, b.text) for b in blocks if b.kind != "heading"] == [
        ("paragraph", "Första stycket."),
        ("paragraph", "Andra stycket."),
        ("paragraph", "Tredje."),
    ]


def test_markdown_footnotes_read_as_the_marks_a_quote_leaves_out() -> None:
    """ "…trygga.[^3]" and "[^3]: Skolverket …" are "…trygga.³" and a footnote paragraph "³ Skolverket …",
    which quoting reads as a footnote (`language.sentences`): no "[^3]" reaches an answer."""
    from assistant.language.sentences import passage_sentences

    text = (
        "## A\n\nEleverna kände sig trygga.[^3] Fler än förut.[^not]\n\n[^3]: Skolverket (2023).\n[^not]: Egen enkät.\n"
    )
    _, blocks, _ = parse_markdown(text)
    assert [b.text for b in blocks[1:]] == [
        "Eleverna kände sig trygga.³ Fler än förut.",
        "³ Skolverket (2023).",
        "Egen enkät.",
    ]
    assert passage_sentences(blocks[1].text + "\n" + blocks[2].text) == [
        "Eleverna kände sig trygga.³",
        "Fler än förut.",
        "³ Skolverket (2023).",
    ]


def test_markdown_heading_levels_replace_deeper_levels() -> None:
    _, blocks, _ = parse_markdown("# T\n## A\n### B\n#### C\ntext.\n### D\ntext.\n## E\ntext.\n")
    sections = [b.section for b in blocks if b.kind == "paragraph"]
    assert sections == ["A > B > C", "A > D", "E"]


def test_the_pm_loads_with_title_pages_and_section_paths() -> None:
    doc = load_document(PM)
    assert doc.title.startswith("Slutrapportering av uppdraget")
    assert doc.pages == 39
    sections = {b.section for b in doc.blocks}
    assert "Projektets genomförande > Fokusområde 4: Välfärdsbrottslighet > Modellen Crimeproofing" in sections
    pages = [b.page for b in doc.blocks]
    assert all(p is not None for p in pages)
    assert pages == sorted(pages)


# -- plain text -------------------------------------------------------------------------------
def test_text_paragraphs_and_form_feed_pages(tmp_path: Path) -> None:
    path = write(tmp_path / "anteckning.txt", "Rubrik\n\nEtt stycke\növer två rader.\n\fSida två.\n".encode())
    doc = load_document(path)
    assert doc.title == "Rubrik"
    assert doc.pages == 2
    assert [(b.text, b.page) for b in doc.blocks] == [
        ("Rubrik", 1),
        ("Ett stycke över två rader.", 1),
        ("Sida två.", 2),
    ]


def test_text_without_form_feeds_has_no_pages(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "a.txt", b"Bara en rad."))
    assert doc.pages is None
    assert doc.blocks[0].page is None


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "bom.md", "\ufeff# Titel\n\nText här.\n".encode()))
    assert doc.title == "Titel"


# -- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("tom.md", b"", "tom fil"),
        ("blank.txt", b"  \n\n ", "tom fil"),
        ("tom.pdf", b"", "tom fil"),
        ("latin1.md", "Brottsförebyggande åtgärder.".encode("latin-1"), "inte UTF-8"),
        ("bara-rubrik.md", b"# Titel\n\n## Kapitel\n", "ingen text hittades"),
    ],
)
def test_bad_text_input_raises_a_clear_error(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    path = write(tmp_path / name, data)
    with pytest.raises(IngestError) as info:
        load_document(path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_unsupported_type_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "rapport.docx", b"PK\x03\x04 not really a docx")
    with pytest.raises(UnsupportedFileError) as info:
        load_document(path)
    message = str(info.value)
    assert "filtypen '.docx' stöds inte" in message
    assert ".pdf" in message and ".md" in message and ".csv" in message


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="filen finns inte"):
        load_document(tmp_path / "finns-inte.md")


# -- PDF --------------------------------------------------------------------------------------
def test_pdf_pages_headings_and_title(tmp_path: Path) -> None:
    path = write(tmp_path / "rapport.pdf", multi_page_pdf(title="Testrapport"))
    doc = load_document(path)
    assert doc.title == "Testrapport"
    assert doc.pages == 3
    headings = [(b.text, b.page) for b in doc.blocks if b.kind == "heading"]
    assert headings == [(heading, n) for n, (heading, _) in enumerate(PAGE_TOPICS, start=1)]
    for block in doc.blocks:
        if block.kind == "paragraph":
            heading, sentence = PAGE_TOPICS[block.page - 1]
            assert block.section == heading
            assert sentence in block.text
            assert not any(ch.isdigit() for ch in block.text)  # footer page numbers dropped


def test_pdf_without_metadata_title_uses_the_file_name(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "utan-titel.pdf", multi_page_pdf()))
    assert doc.title == "utan-titel"


def test_pdf_sentence_over_a_page_break_stays_whole(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "brott.pdf", page_spanning_pdf()))
    spanning = [b for b in doc.blocks if "börjar på sidan ett" in b.text]
    assert len(spanning) == 1
    block = spanning[0]
    assert "Denna mening börjar på sidan ett och fortsätter överst på sidan två." in block.text
    assert (block.page, block.last_page) == (1, 2)
    assert all(b.kind != "heading" or b.text == "Bakgrund" for b in doc.blocks)


def test_pdf_hyphenated_line_breaks_are_joined() -> None:
    from ingest.loaders import _pdf_blocks

    page = "Arbetet är brotts-\nförebyggande och trygghets- och säkerhets-\nfrågor. SSPF-\nkoordinator."
    blocks = _pdf_blocks([page])
    assert blocks[0].text == "Arbetet är brottsförebyggande och trygghets- och säkerhetsfrågor. SSPF- koordinator."


def test_truncated_pdf_is_reported_as_corrupt_without_log_noise(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "trasig.pdf", truncated(multi_page_pdf()))
    with caplog.at_level(logging.WARNING), pytest.raises(IngestError) as info:
        load_document(path)
    assert "skadad eller avklippt PDF" in str(info.value)
    assert "\n" not in str(info.value)
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]


def test_garbage_with_pdf_suffix_is_corrupt(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="skadad eller avklippt PDF"):
        load_document(write(tmp_path / "fel.pdf", b"this is not a PDF at all"))


def test_password_protected_pdf_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "skyddad.pdf", encrypted_pdf(multi_page_pdf()))
    with pytest.raises(IngestError, match=r"krypterad \(lösenordsskyddad\) PDF"):
        load_document(path)


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    """Permission-restricted PDFs (empty user password) open without a password."""
    path = write(tmp_path / "begransad.pdf", encrypted_pdf(multi_page_pdf(), user_password=""))
    doc = load_document(path)
    assert doc.pages == 3
    assert any(PAGE_TOPICS[1][1] in b.text for b in doc.blocks)


def test_pdf_without_text_asks_for_ocr(tmp_path: Path) -> None:
    path = write(tmp_path / "skannad.pdf", blank_pdf())
    with pytest.raises(IngestError, match="ingen text att läsa ut"):
        load_document(path)


def test_raw_hash_is_the_file_hash(tmp_path: Path) -> None:
    import hashlib

    data = multi_page_pdf()
    doc = load_document(write(tmp_path / "a.pdf", data))
    assert doc.raw_hash == hashlib.sha256(data).hexdigest()


def test_pdf_needing_an_extra_package_to_decrypt_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """AES-encrypted PDFs need `cryptography`; the message says what is missing, not 'corrupt'."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    def decrypt(self: PdfReader, password: str) -> None:
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(PdfReader, "decrypt", decrypt)
    path = write(tmp_path / "aes.pdf", encrypted_pdf(multi_page_pdf(), user_password=""))
    with pytest.raises(IngestError, match="behöver ett extra paket för att öppnas: cryptography"):
        load_document(path)


def test_pdf_sentences_after_a_page_break_carry_the_page_they_are_on(tmp_path: Path) -> None:
    from ingest.chunking import ChunkParams, chunk_document

    doc = load_document(write(tmp_path / "brott.pdf", page_spanning_pdf()))
    chunks = chunk_document(doc, "brott", "pdf", "a" * 32, ChunkParams(400, 600, 0))
    (chunk,) = [c for c in chunks if "ny mening om uppföljning" in c.text]
    assert chunk.page_of("Därefter följer en helt ny mening om uppföljning.") == 2
    assert chunk.page_of("Denna mening börjar på sidan ett och fortsätter överst på sidan två.") == 1
