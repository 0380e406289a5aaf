"""Checks for corpus/documents/slutrapport-suo-2024.md (built by
tools/build_pm_markdown.py from the PDF-extracted seed text)."""

from __future__ import annotations

import importlib.util
import itertools
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MD_PATH = REPO / "corpus" / "documents" / "slutrapport-suo-2024.md"
SEED_PATH = (REPO / ".." / "shared" / "seed" / "slutrapport-suo-2024.txt").resolve()
SCRIPT_PATH = REPO / "tools" / "build_pm_markdown.py"

TITLE = "# Slutrapportering av uppdraget att utveckla stödet till kommuner med utsatta områden (Ju2022/01000)"
MARKER = re.compile(r"^<!-- page: (\d+) -->$")
FOOTNOTE_MARKS = "¹²³"
# Words the Markdown adds to Brå's text: the table header, and the
# municipality written into the two Södertälje rows whose first cell is empty
# in the PDF.
ALLOWED_ADDITIONS = ["Kommun", "Område", "Södertälje", "Södertälje"]

# Every TOC entry: (heading level, heading text as in the BODY, TOC page).
# The TOC spells three headings "praktisknära" where the body has
# "praktiktäna"; the Markdown follows the body. "Bilageförteckning" (page 33)
# is navigation only and removed from the document.
TOC = [
    (2, "Sammanfattning", 3),
    (3, "Satsningar inom sex fokusområden", 3),
    (3, "Projektet har bidragit till förbättringar", 4),
    (3, "Kunskaper inför fortsatt praktiktäna stöd", 5),
    (2, "Inledning", 6),
    (2, "Beskrivning av projektet", 7),
    (3, "Projektets avgränsningar och fokusområden", 7),
    (3, "Projektets mål", 8),
    (3, "Medverkande kommuner", 8),
    (3, "Samverkan med andra myndigheter", 10),
    (3, "Projektets organisation och resurser", 10),
    (3, "Projektets målgrupper", 11),
    (2, "Projektets genomförande", 12),
    (3, "Förberedelser i varje kommun", 12),
    (3, "Stödet till kommunerna har tre format", 12),
    (
        3,
        "Fokusområde 1: Kunskapsbaserat brottsförebyggande arbete och kunskap om organiserad brottslighet",
        13,
    ),
    (3, "Fokusområde 2: Barn och unga som rekryteras till kriminalitet", 14),
    (3, "Fokusområde 3: Parallella samhällsstrukturer och otillåten påverkan", 16),
    (3, "Fokusområde 4: Välfärdsbrottslighet", 17),
    (
        3,
        "Fokusområde 5: Situationellt och platsbaserat brottsförebyggande arbete",
        19,
    ),
    (3, "Fokusområde 6: Våldsbejakande extremism", 21),
    (3, "Projektets avslutning", 22),
    (2, "Uppföljning och resultat", 24),
    (3, "Community Readiness Model", 24),
    (3, "Uppföljande enkätundersökning", 26),
    (3, "Löpande kvartalsuppföljning", 28),
    (2, "Hinder och utmaningar i projektet", 29),
    (2, "Lärdomar inför fortsatt praktiktäna stöd", 30),
    (3, "Brå fortsätter ge praktiktäna stöd till utsatta områden", 30),
    (3, "Förändringsarbete tar tid", 30),
    (3, "Kunskap om förändringsarbete", 31),
    (3, "Resurskrävande både för kommunerna och för Brå", 31),
    (3, "Samordning av nationella initiativ", 31),
    (2, "Referenslista", 32),
    (
        2,
        "Bilaga 1 Regeringsbeslut. Uppdrag om att utveckla stöd till kommuner med utsatta områden",
        34,
    ),
    (
        2,
        "Bilaga 2 Sammanfattning av projektets fokusområden och aktiviteter per kommun",
        35,
    ),
    (3, "Linköping", 35),
    (3, "Göteborg Sydväst", 36),
    (3, "Trollhättan", 37),
    (3, "Sigtuna", 38),
    (3, "Södertälje", 39),
]


@pytest.fixture(scope="module")
def md() -> str:
    return MD_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED_PATH.is_file():
        pytest.skip(f"seed text not available at {SEED_PATH} (it is not part of the repo)")
    return SEED_PATH.read_text(encoding="utf-8")


def blocks(text: str) -> list[str]:
    return [b.strip("\n") for b in re.split(r"\n[ \t]*\n", text) if b.strip()]


def words(block: str) -> list[str]:
    """Whitespace/asterisk-normalised words of a block, without Markdown
    heading marks, list markers, table pipes or table separator rows."""
    out: list[str] = []
    for line in block.split("\n"):
        if MARKER.match(line) or re.fullmatch(r"\|[\s:|-]+\|", line.strip()):
            continue
        line = re.sub(r"^(#{1,6} |- |\d+\. )", "", line.strip())
        out += line.replace("*", "").replace("|", " ").split()
    return out


def split_footnotes(bs: list[str]) -> tuple[list[str], list[list[str]]]:
    body, notes = [], []
    for b in bs:
        if b[0] in FOOTNOTE_MARKS:
            notes.append(words(b))
        else:
            body += words(b)
    return body, notes


def seed_body_blocks(seed: str) -> list[str]:
    lines = seed.split("\n")
    start = lines.index("Sammanfattning")  # the TOC line has dots and a page
    bs = blocks("\n".join(lines[start:]))
    i = bs.index("Bilageförteckning")
    j = i + 1
    while all(re.search(r"\t\d+$", line) for line in bs[j].split("\n")):
        j += 1
    return bs[:i] + bs[j:]


def md_body_blocks(md: str) -> list[str]:
    return blocks(md[md.index("\n## Sammanfattning\n") :])


def page_of_lines(md: str) -> list[int]:
    """Page number in force on each line (0 before the first marker)."""
    page, out = 0, []
    for line in md.split("\n"):
        m = MARKER.match(line)
        if m:
            page = int(m.group(1))
        out.append(page)
    return out


def test_every_seed_word_kept_in_order(md: str, seed: str) -> None:
    seed_words, seed_notes = split_footnotes(seed_body_blocks(seed))
    md_words, md_notes = split_footnotes(md_body_blocks(md))
    extras, k = [], 0
    for w in md_words:
        if k < len(seed_words) and w == seed_words[k]:
            k += 1
        else:
            extras.append(w)
            assert len(extras) <= len(ALLOWED_ADDITIONS), (
                f"Markdown differs from seed near seed word {k}: seed {' '.join(seed_words[max(0, k - 8) : k + 8])!r}"
            )
    assert k == len(seed_words), f"seed words missing from the Markdown from: {' '.join(seed_words[k : k + 15])!r}"
    assert extras == ALLOWED_ADDITIONS
    # Footnotes are compared separately: footnote ³ sits between the two
    # halves of a paragraph split by a page break in the seed and follows the
    # joined paragraph in the Markdown.
    assert md_notes == seed_notes


def test_footnotes_on_same_page_as_reference(md: str) -> None:
    lines = md.split("\n")
    pages = page_of_lines(md)
    for mark in FOOTNOTE_MARKS:
        notes = [i for i, line in enumerate(lines) if line.startswith(mark)]
        refs = [i for i, line in enumerate(lines) if mark in line[1:]]
        assert len(notes) == 1 and len(refs) == 1, mark
        assert refs[0] < notes[0] and pages[refs[0]] == pages[notes[0]], mark


def test_removed_navigation_and_front_matter(md: str) -> None:
    lines = md.split("\n")
    assert lines[0] == TITLE
    assert "Innehållsförteckning" not in md
    assert "Bilageförteckning" not in md
    assert "*" not in md
    head = md[: md.index("\n## Sammanfattning\n")]
    for para in (
        "Författare: Lisa Pedersen",
        "urn:nbn:se:bra-1197",
        "© Brottsförebyggande rådet 2024",
        "Brå – kunskapscentrum för rättsväsendet",
    ):
        assert f"\n\n{para}\n\n" in head, para
    assert head.count("Slutrapportering av uppdraget") == 1


def test_page_markers_increase_from_1_to_39(md: str) -> None:
    lines = md.split("\n")
    pages = [int(m.group(1)) for m in map(MARKER.match, lines) if m]
    assert pages[0] == 1 and pages[-1] == 39
    assert all(a < b for a, b in itertools.pairwise(pages)), pages
    assert pages == list(range(1, 40))
    for i, line in enumerate(lines):
        if MARKER.match(line):
            assert lines[i - 1] == "" and lines[i + 1] == "", f"line {i + 1}"


@pytest.mark.parametrize(("level", "heading", "page"), TOC, ids=[t[1][:40] for t in TOC])
def test_heading_starts_on_toc_page(md: str, level: int, heading: str, page: int) -> None:
    lines = md.split("\n")
    target = "#" * level + " " + heading
    hits = [i for i, line in enumerate(lines) if line == target]
    assert len(hits) == 1, f"{target!r} found {len(hits)} times"
    assert page_of_lines(md)[hits[0]] == page


def test_bilaga_2_has_five_municipalities(md: str) -> None:
    tail = md[md.index("\n## Bilaga 2 ") :]
    assert "\n## " not in tail[1:]
    subs = re.findall(r"^### (.+)$", tail, flags=re.MULTILINE)
    assert subs == [
        "Linköping",
        "Göteborg Sydväst",
        "Trollhättan",
        "Sigtuna",
        "Södertälje",
    ]


def test_markdown_layout(md: str) -> None:
    assert md.endswith("\n") and not md.endswith("\n\n")
    assert "\n\n\n" not in md
    assert not [n for n, line in enumerate(md.split("\n"), 1) if line != line.rstrip()]
    lines = md.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("#"):
            assert re.match(r"#{1,4} \S", line), line
            assert lines[i + 1] == "" and (i == 0 or lines[i - 1] == ""), line


def test_script_reproduces_document(md: str, seed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("build_pm_markdown", SCRIPT_PATH)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # needed by @dataclass
    spec.loader.exec_module(module)
    assert module.build(seed) == md
