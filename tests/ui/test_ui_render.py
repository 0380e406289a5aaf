"""HTML rendering: everything from users and documents is escaped; highlights are marked."""

from __future__ import annotations

import re

from assistant.types import Answer
from tests.ui.ui_fakes import citation
from ui import render

XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def _no_raw_tags(html: str) -> None:
    assert "<script" not in html and "<img" not in html and 'onerror="' not in html


def test_esc_handles_quotes_and_none() -> None:
    assert render.esc('<a href="x">&\'') == "&lt;a href=&quot;x&quot;&gt;&amp;&#x27;"
    assert render.esc(None) == ""


def test_question_is_escaped_and_single_line() -> None:
    html = render.render_question(f"Vad är {XSS}?\n**fet** $$x$$")
    _no_raw_tags(html)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "\n" not in html and "<br>" in html


def test_highlight_marks_sentences_and_escapes() -> None:
    text = "Första <b>meningen</b>. Andra meningen\nmed radbrytning. Tredje."
    html = render.highlight(text, ["Andra meningen med radbrytning."])
    assert '<mark class="ms-hl">Andra meningen<br>med radbrytning.</mark>' in html
    assert "Första &lt;b&gt;meningen&lt;/b&gt;." in html


def test_highlight_overlapping_and_missing_phrases() -> None:
    text = "a b c d e"
    html = render.highlight(text, ["b c", "c d", "finns inte", ""])
    assert html == 'a <mark class="ms-hl">b c d</mark> e'


def test_highlight_phrase_with_html_is_matched_on_raw_text() -> None:
    html = render.highlight(f"Före. {XSS} Efter.", [XSS])
    _no_raw_tags(html)
    assert html.count("<mark") == 1


def test_passage_names_title_section_page() -> None:
    html = render.render_passage(citation(3, title="Rapport <i>x</i>", section="A > B", page=7))
    assert "[3]" in html and "Rapport &lt;i&gt;x&lt;/i&gt;" in html and "A &gt; B" in html
    assert "<b>Sida:</b> 7" in html and html.startswith("<details")
    assert "<mark" in html


def test_passage_without_page_or_section() -> None:
    html = render.render_passage(citation(1, section="", page=None))
    assert "(början)" in html and "<b>Sida:</b> –" in html


def test_answer_lists_numbered_sources() -> None:
    answer = Answer(question="q", text="Svar [1] och [2].", citations=[citation(1), citation(2, page=3)])
    html = render.render_answer(answer)
    assert '<a class="ms-ref ms-ref-1" href="#" title="Visa källa 1">[1]</a>' in html  # opens source 1
    assert html.count('class="ms-source"') == 2 and "Källor" in html
    assert html.count('class="ms-src-item ms-n-1"') == 1 and html.count('ms-n-2"') == 1
    assert render.REFUSED_NOTE not in html
    assert "\n" not in html


def test_refused_answer_shows_note_and_closest_sources() -> None:
    answer = Answer(question="q", text="Inget stöd.", refused=True, sources=[citation(n) for n in range(1, 9)])
    html = render.render_answer(answer)
    assert render.REFUSED_NOTE in html and render.CLOSEST_SOURCES in html
    assert html.count('class="ms-src-item ') == render.MAX_CLOSEST


def test_answer_text_and_table_and_flags_are_escaped() -> None:
    answer = Answer(
        question="q",
        text=XSS,
        citations=[citation(1, text=XSS, highlights=[XSS])],
        table=[{"Kommun": "<b>Sigtuna</b>", "Antal": "3"}],
        flags=["<i>flag</i>"],
    )
    html = render.render_answer(answer)
    _no_raw_tags(html)
    assert "<table" in html and "&lt;b&gt;Sigtuna&lt;/b&gt;" in html and "&lt;i&gt;flag&lt;/i&gt;" in html


def test_partial_and_notice() -> None:
    assert "Söker i underlaget" in render.render_partial("  ")
    assert "&lt;b&gt;" in render.render_partial("<b>")
    html = render.render_notice("Fel <x>\nrad två", "input")
    assert 'class="ms-notice ms-input"' in html and "&lt;x&gt;<br>rad två" in html


def test_only_our_tags_remain() -> None:
    answer = Answer(question=XSS, text=XSS, citations=[citation(1, text=XSS, title=XSS, section=XSS)])
    tags = set(re.findall(r"<([a-z]+)", render.render_answer(answer)))
    assert tags <= {"div", "a", "details", "summary", "span", "b", "blockquote", "mark", "br"}


def test_short_location_for_the_summary() -> None:
    c = citation(2, title="T" * 80, section="Genomförande > Fokusområde 4 > Modellen Crimeproofing", page=17)
    short = render.short_location(c)
    assert short.startswith("Fokusområde 4 › Modellen Crimeproofing · s. 17 · TTT") and short.endswith("…")
    assert len(short) < 120
    assert render.short_location(citation(1, section="", page=None, title="PM")) == "(början) · PM"


def test_diagnostics_are_folded_away() -> None:
    answer = Answer(
        question="q",
        text="Svar [1].",
        citations=[citation(1)],
        route="both",
        flags=["dense=0.910"],
        timings={"total": 1234.0},
    )
    html = render.render_answer(answer)
    assert '<details class="ms-diag"><summary>Teknisk information</summary>' in html
    assert "Väg: both · Tid: 1.2 s · dense=0.910" in html


LOOKUP_TEXT = """Sigtuna genomförde 2 aktiviteter inom fokusområde 4 [1][2]:

| Kommun | Aktivitet | Källa |
|---|---|---|
| Sigtuna | Konferens om <välfärd> a \\| b | [1] |
| Sigtuna | Handledning | [2] |

Mer text efteråt."""


def test_markdown_table_in_lookup_answer_becomes_escaped_html_table() -> None:
    table = [{"Kommun": "Sigtuna", "Aktivitet": "x", "Källa": "[1]"}]
    html = render.render_answer(Answer(question="q", text=LOOKUP_TEXT, route="lookup", table=table))
    assert html.count("<table") == 1  # the text's table, not a second copy from Answer.table
    assert "<th>Aktivitet</th>" in html and "<td>Konferens om &lt;välfärd&gt; a | b</td>" in html
    assert '<td><a class="ms-ref ms-ref-2" href="#" title="Visa källa 2">[2]</a></td>' in html
    assert "|---|" not in html and "Mer text efteråt." in html
    assert '[1]</a><a class="ms-ref ms-ref-2" href="#" title="Visa källa 2">[2]</a>:' in html


def test_answer_table_is_rendered_when_text_has_none() -> None:
    html = render.render_answer(Answer(question="q", text="Svar.", table=[{"A": "<b>1</b>"}]))
    assert html.count("<table") == 1 and "&lt;b&gt;1&lt;/b&gt;" in html


def test_sources_of_one_section_and_page_collapse_into_one_row() -> None:
    section = "Bilaga 2 Sammanfattning av projektets fokusområden och aktiviteter per kommun > Sigtuna"
    rows = [citation(n, section=section, page=38, score=None) for n in range(1, 7)]
    other = citation(7, section="Projektets genomförande > Fokusområde 4 > Modellen Crimeproofing", page=18)
    html = render.render_sources([*rows, other], render.SOURCES)
    assert html.count('<details class="ms-source') == 2
    assert '<span class="ms-n">[1–6]</span> Bilaga 2 › Sigtuna, s. 38 — 6 rader</summary>' in html
    assert html.count('class="ms-src-item ') == 7  # every cited passage is still there to open
    assert "Slutrapport</span></div>" in html and "Fokusområde 4 · s. 18" not in html  # the title once, above


def test_short_section_names_an_appendix_by_its_number() -> None:
    assert render.short_section("Bilaga 2 Sammanfattning av projektets > Sigtuna > Välfärdsbrott") == (
        "Bilaga 2 › Sigtuna › Välfärdsbrott"
    )
    assert render.short_section("Projektets genomförande > Fokusområde 4 > Modellen Crimeproofing") == (
        "Fokusområde 4 › Modellen Crimeproofing"
    )


def test_an_overview_table_is_folded_and_its_lines_are_a_list() -> None:
    text = "Materialet nämner 15 aktiviteter, inom 2 fokusområden:\n- Fokusområde 1: 5 aktiviteter [1].\n- Två [2]."
    html = render.render_answer(Answer(question="q", text=text, table=[{"Kommun": "Sigtuna", "Källa": "[3]"}]))
    assert '<ul class="ms-list"><li>Fokusområde 1: 5 aktiviteter <a class="ms-ref ms-ref-1"' in html
    assert '<details class="ms-table-box"><summary>Visa alla 1 rader som tabell</summary><table' in html
