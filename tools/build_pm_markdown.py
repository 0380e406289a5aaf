#!/usr/bin/env python3
"""Convert the PDF-extracted text of Brå's PM "Slutrapportering av uppdraget att
utveckla stödet till kommuner med utsatta områden (Ju2022/01000)" into a
structured Markdown document.

Usage (from the repo root):

    python tools/build_pm_markdown.py \
        /work/shared/seed/slutrapport-suo-2024.txt \
        corpus/documents/slutrapport-suo-2024.md

What the conversion does, and nothing more:

* Brå's wording is never changed. Every word of the body is kept, in the same
  order (typos included). Removed: the table of contents
  ("Innehållsförteckning"), the "Bilageförteckning" list, the duplicated title
  lines at the top, a whitespace-only line, and the emphasis markers ``*`` /
  ``**``.
* Headings get their real level from the hand-written ``HEADINGS`` table below
  (text exactly as it stands in the BODY of the seed, which sometimes differs
  from the TOC spelling).
* Paragraphs split by a PDF page break in the middle of a sentence are joined
  (``JOINS``) and a ``<!-- page: N -->`` marker is placed where each page
  begins (``PAGE_MARKERS``; each entry says what evidence it rests on).
* The only added words are the table header ``| Kommun | Område |`` and the
  municipality name "Södertälje" written into the two table rows whose first
  cell is empty in the PDF (see ``table_to_markdown``).

The script checks its own result (heading order, page markers 1..39, TOC page
of every heading) and exits non-zero if the seed does not look as expected.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

TITLE = "Slutrapportering av uppdraget att utveckla stödet till kommuner med utsatta områden (Ju2022/01000)"
LAST_PAGE = 39

# ---------------------------------------------------------------------------
# Headings, in document order: (level, text exactly as in the body, TOC page).
# TOC page is None for headings that exist only in the body (not in the TOC).
# Where the TOC spells a heading differently, the body spelling is used and the
# TOC spelling is noted in a comment.
# ---------------------------------------------------------------------------
HEADINGS: list[tuple[int, str, int | None]] = [
    (2, "Sammanfattning", 3),
    (3, "Satsningar inom sex fokusområden", 3),
    (3, "Projektet har bidragit till förbättringar", 4),
    # TOC: "Kunskaper inför fortsatt praktisknära stöd"
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
    (4, "Stor konferens för erfarenhetsutbyte", None),
    (
        4,
        "Ledning och styrning av kunskapsbaserat brottsförebyggande arbete i Södertälje kommun",
        None,
    ),
    (3, "Fokusområde 2: Barn och unga som rekryteras till kriminalitet", 14),
    (4, "Linköping och Trollhättan startar SSPF", None),
    (4, "Sigtuna utvecklar befintligt SSPF", None),
    (4, "Göteborg Sydväst startar Ung i Sydväst", None),
    (4, "Föräldraskapsstöd i fyra utsatta områden", None),
    (3, "Fokusområde 3: Parallella samhällsstrukturer och otillåten påverkan", 16),
    (4, "Otillåten påverkan", None),
    (
        4,
        "Brås metodstöd för att motverka parallella samhällsstrukturer på lokal nivå",
        None,
    ),
    (3, "Fokusområde 4: Välfärdsbrottslighet", 17),
    (4, "Modellen Crimeproofing", None),
    (
        3,
        "Fokusområde 5: Situationellt och platsbaserat brottsförebyggande arbete",
        19,
    ),
    (4, "Brottsförebyggande och trygghetsskapande arbete i skolmiljöer", None),
    (
        4,
        (
            "Brottsförebyggande och trygghetsskapande arbete genom "
            "samhällsbyggnadsprocessen, samhällsplanering och arkitektonisk "
            "design"
        ),
        None,
    ),
    (4, "Utveckling av Effektiv samordning för Trygghet (EST)", None),
    (3, "Fokusområde 6: Våldsbejakande extremism", 21),
    (3, "Projektets avslutning", 22),
    (2, "Uppföljning och resultat", 24),
    (3, "Community Readiness Model", 24),
    (4, "Resultatet från de första mätningarna", None),
    (4, "Resultatet från de uppföljande mätningarna", None),
    (3, "Uppföljande enkätundersökning", 26),
    (4, "Det brottsförebyggande arbetet har förstärkts", None),
    (4, "Ökad samverkan och spridning i kommunen", None),
    (4, "Ansträngt för kommunerna med omfattande utvecklingsarbete", None),
    (3, "Löpande kvartalsuppföljning", 28),
    (2, "Hinder och utmaningar i projektet", 29),
    # TOC: "Lärdomar inför fortsatt praktisknära stöd"
    (2, "Lärdomar inför fortsatt praktiktäna stöd", 30),
    # TOC: "Brå fortsätter ge praktisknära stöd till utsatta områden"
    (3, "Brå fortsätter ge praktiktäna stöd till utsatta områden", 30),
    (3, "Förändringsarbete tar tid", 30),
    (3, "Kunskap om förändringsarbete", 31),
    (3, "Resurskrävande både för kommunerna och för Brå", 31),
    (3, "Samordning av nationella initiativ", 31),
    (2, "Referenslista", 32),
    # In the body this heading is a bold block broken over two lines; it is
    # joined onto one line.
    (
        2,
        "Bilaga 1 Regeringsbeslut. Uppdrag om att utveckla stöd till kommuner med utsatta områden",
        34,
    ),
    (3, "Regeringens beslut", None),
    (3, "Bakgrund", None),
    (3, "Skälen för regeringens beslut", None),
    (3, "Närmare beskrivning av uppdraget", None),
    (
        2,
        "Bilaga 2 Sammanfattning av projektets fokusområden och aktiviteter per kommun",
        35,
    ),
    (3, "Linköping", 35),
    (4, "Kunskapsbaserat brottsförebyggande arbete", None),
    (4, "Barn och unga som riskerar att hamna i kriminalitet", None),
    (4, "Parallella samhällsstrukturer och otillåten påverkan", None),
    (4, "Välfärdsbrott", None),
    (4, "Situationellt och platsbaserat brottsförebyggande arbete", None),
    (4, "Våldsbejakande extremism", None),
    (3, "Göteborg Sydväst", 36),
    (4, "Kunskapsbaserat brottsförebyggande arbete", None),
    (4, "Barn och unga som riskerar att hamna i kriminalitet", None),
    (4, "Parallella samhällsstrukturer och otillåten påverkan", None),
    (4, "Välfärdsbrott", None),
    (4, "Situationellt och platsbaserat brottsförebyggande arbete", None),
    (4, "Våldsbejakande extremism", None),
    (3, "Trollhättan", 37),
    (4, "Kunskapsbaserat brottsförebyggande arbete", None),
    (4, "Barn och unga som riskerar att hamna i kriminalitet", None),
    (4, "Parallella samhällsstrukturer", None),
    (4, "Välfärdsbrott", None),
    (4, "Situationellt och platsbaserat brottsförebyggande arbete", None),
    (4, "Våldsbejakande extremism", None),
    (3, "Sigtuna", 38),
    (4, "Kunskapsbaserat brottsförebyggande arbete", None),
    (4, "Barn och unga som riskerar att hamna i kriminalitet", None),
    (4, "Otillåten påverkan", None),
    (4, "Välfärdsbrott", None),
    (4, "Situationellt och platsbaserat brottsförebyggande arbete", None),
    (3, "Södertälje", 39),
    (4, "Kunskapsbaserat brottsförebyggande arbete", None),
]

# ---------------------------------------------------------------------------
# Paragraphs split by a PDF page break in mid-sentence:
# (end of the first half, start of the second half). The halves are joined
# with a single space. If a footnote block sits between the halves (the
# footnote of the page that ends there), it is kept right after the joined
# paragraph.
# ---------------------------------------------------------------------------
JOINS: list[tuple[str, str]] = [
    ("Trollhättan, Sigtuna och Göteborg", "Sydväst erhöll exempelvis"),
    ("spelat viss roll om kommunen", "har ingått i något av Brås tidigare"),
    ("som bidrog med processtöd", "inom samhällsbyggnadsarbete, och Stiftelsen"),
    ("länsstyrelserna och andra", "relevanta samverkansparter träffades."),
    ("handlade stödet om att", "strukturera och implementera konceptet"),
    ("(funktionell familjeterapi) samt", "medskapande kommunikation samt"),
    ("dokument som styr exempelvis", "beslut, tillstånd, avtal eller"),
    (
        "kunskap hos personalen om våldsbejakande",
        "extremism och radikaliseringsprocessen.",
    ),  # footnote ³ between halves
    ("deltog den strategiska ledningen", "från kommunen tillsammans med"),
    ("projekttiden. Personalomsättningen", "och en större omorganisation"),
    ("Dessa rapporter har,", "tillsammans med digitala möten varje månad"),
    # Inside Bilaga 1 (the inserted government decision). Its physical pages
    # carry no page number of the PM: the TOC puts all of Bilaga 1 on page 34
    # and Bilaga 2 on page 35. These two breaks are therefore joined but get
    # no page marker.
    ("nya lagen. I linje med", "utredningens förslag har regeringen"),
    ("kommuner och regioner mot parallella", "samhällsstrukturer och välfärdsbrott."),
]

# ---------------------------------------------------------------------------
# Page markers. (page, rule, anchor, evidence)
#   rule "after_join":     marker right after the paragraph joined at the
#                          JOINS entry whose second half starts with anchor
#                          (a paragraph belongs to the page it starts on).
#   rule "before_heading": marker right before the heading `anchor`.
#   rule "before_para":    marker right before the block starting with anchor.
# Anchors are searched in document order after the previous marker.
# evidence:
#   "visible"   - PDF page break visible in the text as a paragraph break in
#                 mid-sentence.
#   "footnote"  - a footnote block sits at the bottom of the page in the
#                 extracted text; the next block starts the next page.
#   "toc"       - the TOC gives the page of this heading; the page is taken
#                 to begin at the heading (or, for page 1/2, the title page
#                 and colophon).
#   "estimated" - interpolated at a paragraph boundary. Calibration: the
#                 completely known pages (3, 4, 14, 15, 21, 22) hold
#                 1,800-2,300 characters, about 35-38 lines of ~80
#                 characters (short paragraphs and list items count as whole
#                 lines). The estimates split the unknown stretch between two
#                 known breaks into pages of equal line count, snapping to a
#                 nearby heading when one is within a few lines.
# ---------------------------------------------------------------------------
PAGE_MARKERS: list[tuple[int, str, str, str]] = [
    # 1 and 2 are emitted with the front matter (title page, colophon).
    (3, "before_heading", "Sammanfattning", "toc"),
    (4, "after_join", "Sydväst erhöll exempelvis", "visible"),
    (5, "before_para", "En enkätundersökning som genomfördes", "footnote"),  # ¹
    (6, "before_heading", "Inledning", "toc"),
    (7, "before_heading", "Beskrivning av projektet", "toc"),
    (8, "before_heading", "Projektets mål", "toc"),
    (9, "after_join", "har ingått i något av Brås tidigare", "visible"),
    (10, "before_heading", "Samverkan med andra myndigheter", "toc"),
    (11, "after_join", "inom samhällsbyggnadsarbete, och Stiftelsen", "visible"),
    (12, "before_heading", "Projektets genomförande", "toc"),
    (
        13,
        "before_heading",
        "Fokusområde 1: Kunskapsbaserat brottsförebyggande arbete och kunskap om organiserad brottslighet",
        "toc",
    ),
    (14, "after_join", "relevanta samverkansparter träffades.", "visible"),
    (15, "after_join", "strukturera och implementera konceptet", "visible"),
    (16, "after_join", "medskapande kommunikation samt", "visible"),
    # p16 starts mid-paragraph at "medskapande…" and p18 mid-paragraph at
    # "beslut, tillstånd…"; ~73 lines between them -> break after ~36 lines.
    (17, "before_para", "I Linköping organiserades tre halvdagsworkshops", "estimated"),
    (18, "after_join", "beslut, tillstånd, avtal eller", "visible"),
    (
        19,
        "before_heading",
        "Fokusområde 5: Situationellt och platsbaserat brottsförebyggande arbete",
        "toc",
    ),
    # p19 starts at Fokusområde 5, p20 ends with footnote ²; ~70 lines.
    (
        20,
        "before_para",
        "I Trollhättan har ett trygghetsarbete genomförts",
        "estimated",
    ),
    (
        21,
        "before_para",
        "Målgruppen har varit samhällsbyggnadskontorets",
        "footnote",
    ),  # ²
    (22, "after_join", "extremism och radikaliseringsprocessen.", "visible"),
    # Page 23 holds only the end of the joined paragraph, so its marker is
    # directly followed by the marker of page 24 (new chapter).
    (23, "after_join", "från kommunen tillsammans med", "visible"),
    (24, "before_heading", "Uppföljning och resultat", "toc"),
    # p24 starts at the chapter heading, p26 mid-paragraph at "och en större
    # omorganisation"; ~69 lines -> the break falls at this heading.
    (25, "before_heading", "Resultatet från de första mätningarna", "estimated"),
    (26, "after_join", "och en större omorganisation", "visible"),
    # p26..p28 (up to the visible break into p29): ~118 lines of text plus
    # Figur 1 (image not in the text); split in three, snapped to headings.
    (27, "before_heading", "Ökad samverkan och spridning i kommunen", "estimated"),
    (
        28,
        "before_heading",
        "Ansträngt för kommunerna med omfattande utvecklingsarbete",
        "estimated",
    ),
    (29, "after_join", "tillsammans med digitala möten varje månad", "visible"),
    (30, "before_heading", "Lärdomar inför fortsatt praktiktäna stöd", "toc"),
    (31, "before_heading", "Kunskap om förändringsarbete", "toc"),
    (32, "before_heading", "Referenslista", "toc"),
    # Page 33 held only the Bilageförteckning, which is removed; its marker is
    # kept so that the page sequence stays complete, and is directly followed
    # by the marker of page 34.
    (
        33,
        "before_heading",
        "Bilaga 1 Regeringsbeslut. Uppdrag om att utveckla stöd till kommuner med utsatta områden",
        "toc",
    ),
    (
        34,
        "before_heading",
        "Bilaga 1 Regeringsbeslut. Uppdrag om att utveckla stöd till kommuner med utsatta områden",
        "toc",
    ),
    (
        35,
        "before_heading",
        "Bilaga 2 Sammanfattning av projektets fokusområden och aktiviteter per kommun",
        "toc",
    ),
    (36, "before_heading", "Göteborg Sydväst", "toc"),
    (37, "before_heading", "Trollhättan", "toc"),
    (38, "before_heading", "Sigtuna", "toc"),
    (39, "before_heading", "Södertälje", "toc"),
]

# Front matter as it stands in the seed (checked, not guessed).
TITLE_PAGE_BLOCKS = [
    "Slutrapportering av uppdraget att utveckla stödet till kommuner med utsatta områden",
    "(Ju2022/01000)",
    "PM",
    # Duplicated title (bold in the extraction) and a second "PM": removed.
    "**Slutrapportering av uppdraget att utveckla\nstödet till kommuner med utsatta områden\n(Ju2022/01000)**",
    "PM",
]
COLOPHON_FIRST = "Brå – kunskapscentrum för rättsväsendet"
TOC_FIRST = "Innehållsförteckning"
BODY_FIRST = "Sammanfattning"
ANNEX_LIST = "Bilageförteckning"

FOOTNOTE_MARKS = "¹²³⁴⁵⁶⁷⁸⁹"
LIST_ITEM = re.compile(r"^(- |\d+\. )")


@dataclass
class Block:
    kind: str  # heading | para | list | table | footnote | marker
    text: str
    level: int = 0
    joined: str | None = None  # second-half anchor if this paragraph was joined
    trailing_footnotes: int = 0


def split_blocks(text: str) -> list[str]:
    """Blank-line separated blocks, trailing whitespace stripped per line."""
    blocks, cur = [], []
    for line in text.split("\n"):
        line = line.rstrip()
        if line.strip():
            cur.append(line)
        elif cur:
            blocks.append("\n".join(cur))
            cur = []
    if cur:
        blocks.append("\n".join(cur))
    return blocks


def strip_emphasis(s: str) -> str:
    return s.replace("*", "")


def fail(msg: str) -> None:
    raise SystemExit(f"build_pm_markdown: {msg}")


def table_to_markdown(raw: str) -> str:
    rows = [line.split("\t") for line in raw.split("\n")]
    out = ["| Kommun | Område |", "| --- | --- |"]
    last = None
    for cells in rows:
        if len(cells) != 2:
            fail(f"unexpected table row {cells!r}")
        kommun, omrade = (c.strip() for c in cells)
        if not kommun:
            # The only addition to Brå's text: in the PDF the Södertälje rows
            # for Fornhöjden and Hovsjö leave the first column empty (the cell
            # spans the rows). An empty Markdown cell reads as "no
            # municipality", so the name of the row above is repeated.
            if last != "Södertälje":
                fail("empty first cell outside the Södertälje rows")
            kommun = last
        last = kommun
        out.append(f"| {kommun} | {omrade} |")
    return "\n".join(out)


def classify(raw: str) -> Block:
    text = strip_emphasis(raw)
    lines = text.split("\n")
    if text[0] in FOOTNOTE_MARKS:
        return Block("footnote", text)
    if all(LIST_ITEM.match(line) for line in lines):
        return Block("list", text)
    if any("\t" in line for line in lines):
        return Block("table", table_to_markdown(text))
    return Block("para", text)


def front_matter(blocks: list[str]) -> tuple[list[Block], list[str]]:
    """Title page and colophon; returns (output blocks, remaining seed blocks)."""
    if blocks[: len(TITLE_PAGE_BLOCKS)] != TITLE_PAGE_BLOCKS:
        fail("title page does not look as expected")
    rest = blocks[len(TITLE_PAGE_BLOCKS) :]
    if rest[0] != COLOPHON_FIRST:
        fail("colophon does not start as expected")
    toc = rest.index(TOC_FIRST)
    out = [
        Block("marker", "1"),
        Block("para", "PM"),
        Block("marker", "2"),
        *(Block("para", strip_emphasis(b)) for b in rest[:toc]),
    ]
    # Skip the table of contents: the body starts at the first block that is
    # exactly "Sammanfattning" (the TOC line has dots and a page number).
    body = rest[toc:]
    return out, body[body.index(BODY_FIRST) :]


def drop_annex_list(blocks: list[str]) -> list[str]:
    i = blocks.index(ANNEX_LIST)
    j = i + 1
    while all(re.search(r"\t\d+$", line) for line in blocks[j].split("\n")):
        j += 1
    if j == i + 1:
        fail("Bilageförteckning entries not found")
    return blocks[:i] + blocks[j:]


def body_blocks(raw_blocks: list[str]) -> list[Block]:
    heads = [(level, text) for level, text, _ in HEADINGS]
    out: list[Block] = []
    for raw in raw_blocks:
        flat = strip_emphasis(raw).replace("\n", " ")
        if heads and flat == heads[0][1]:
            level, text = heads.pop(0)
            out.append(Block("heading", text, level=level))
        else:
            out.append(classify(raw))
    if heads:
        fail(f"heading not found in order: {heads[0][1]!r}")
    return out


def apply_joins(blocks: list[Block]) -> list[Block]:
    for first_end, second_start in JOINS:
        hits = [i for i, b in enumerate(blocks) if b.kind == "para" and b.text.startswith(second_start)]
        if len(hits) != 1:
            fail(f"join anchor {second_start!r} found {len(hits)} times")
        c = hits[0]
        p = c - 1
        while blocks[p].kind == "footnote":
            p -= 1
        first = blocks[p]
        if first.kind != "para" or not first.text.endswith(first_end):
            fail(f"first half before {second_start!r} does not end with {first_end!r}")
        first.text = f"{first.text} {blocks[c].text}"
        first.joined = second_start
        first.trailing_footnotes = c - 1 - p
        del blocks[c]
    return blocks


def merge_split_lists(blocks: list[Block]) -> list[Block]:
    """Bilaga 2 has two bullet lists with a stray blank line inside; make each
    one list again."""
    out: list[Block] = []
    merged = 0
    for b in blocks:
        if b.kind == "list" and out and out[-1].kind == "list":
            out[-1].text += "\n" + b.text
            merged += 1
        else:
            out.append(b)
    if merged != 2:
        fail(f"expected 2 split lists in Bilaga 2, merged {merged}")
    return out


def insert_markers(blocks: list[Block]) -> list[Block]:
    pos = 0
    for page, rule, anchor, _evidence in PAGE_MARKERS:
        for i in range(pos, len(blocks)):
            b = blocks[i]
            if rule == "after_join" and b.joined == anchor:
                at = i + 1 + b.trailing_footnotes
                break
            if rule == "before_heading" and b.kind == "heading" and b.text == anchor:
                at = i
                break
            if rule == "before_para" and b.kind in ("para", "footnote") and b.text.startswith(anchor):
                at = i
                break
        else:
            fail(f"page {page}: anchor {anchor!r} not found after previous marker")
        blocks.insert(at, Block("marker", str(page)))
        pos = at + 1
    return blocks


def render(blocks: list[Block]) -> str:
    parts = [f"# {TITLE}"]
    for b in blocks:
        if b.kind == "heading":
            parts.append("#" * b.level + " " + b.text)
        elif b.kind == "marker":
            parts.append(f"<!-- page: {b.text} -->")
        else:
            parts.append(b.text)
    return "\n\n".join(parts) + "\n"


def check(blocks: list[Block], md: str) -> None:
    pages = [int(b.text) for b in blocks if b.kind == "marker"]
    if pages != list(range(1, LAST_PAGE + 1)):
        fail(f"page markers are not 1..{LAST_PAGE}: {pages}")
    toc = [(level, text, page) for level, text, page in HEADINGS if page is not None]
    page = 0
    for b in blocks:
        if b.kind == "marker":
            page = int(b.text)
        elif b.kind == "heading" and toc and (b.level, b.text) == toc[0][:2]:
            if page != toc[0][2]:
                fail(f"{b.text!r} lands on page {page}, TOC says {toc[0][2]}")
            toc.pop(0)
    if toc:
        fail(f"TOC heading not checked: {toc[0]}")
    for n, line in enumerate(md.split("\n"), 1):
        if line != line.rstrip():
            fail(f"trailing whitespace on line {n}")
    if "*" in md:
        fail("emphasis marker left in output")


def build(seed_text: str) -> str:
    raw = split_blocks(seed_text)
    out, body = front_matter(raw)
    body = drop_annex_list(body)
    blocks = out + body_blocks(body)
    blocks = apply_joins(blocks)
    blocks = merge_split_lists(blocks)
    blocks = insert_markers(blocks)
    md = render(blocks)
    check(blocks, md)
    return md


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    src, dst = Path(argv[1]), Path(argv[2])
    md = build(src.read_text(encoding="utf-8"))
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(md, encoding="utf-8")
    print(f"wrote {dst} ({len(md)} chars)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
