from __future__ import annotations

from assistant.retrieval.acronyms import spelled_out, spelling_out
from assistant.retrieval.fusion import with_chunks_first
from tests.assistant.rag_fixtures import make_chunk, passage

PM = [
    make_chunk("pm", 0, "Inledning", "Kommunerna arbetade med SSPF och EST. SSPF nämns ofta."),
    make_chunk("pm", 1, "Fokus", "Stöd för samverkansformen SSPF (skola, socialtjänst, polis och fritid) gavs."),
    make_chunk("pm", 2, "Fokus", "En konferens om Effektiv samordning för trygghet (EST) hölls i Linköping."),
    make_chunk("pm", 3, "Fokus", "Myndigheten för familjerätt och föräldraskapsstöd (MFoF) bidrog."),
    make_chunk("pm", 4, "Bilaga", "Verktyget (CRM) användes, EU (enligt beslut) och SSPF (se ovan)."),
    make_chunk("guide", 0, "Begrepp", "Digitalt fältarbete (DFA) och SSPF (skola, socialtjänst, polis, fritid)."),
    make_chunk("pm", 5, "Föräldrar", "Gruppledare i LST, ledarskapsträning för tonårsföräldrar, utbildades."),
    make_chunk("pm", 6, "Bilaga", "Arbetet med SSPF, Tryggare skola och EST fortsatte."),
]


def test_abbreviations_are_learnt_where_the_text_spells_them_out() -> None:
    known = spelled_out(PM)
    # spelled out after or before, with lower-case letters inside ("MFoF"); the first chunk of each document
    assert {a: [c.id for c in chunks] for a, chunks in known.items()} == {
        "SSPF": [PM[1].id, PM[5].id],
        "EST": [PM[2].id],
        "MFOF": [PM[3].id],
        "DFA": [PM[5].id],
        "LST": [PM[6].id],  # spelled out after a comma
    }  # "(CRM)", "EU (enligt beslut)" and "SSPF, Tryggare skola" spell nothing out: the initials do not match


def test_a_question_that_asks_what_an_abbreviation_is_gets_its_spelling_out_first() -> None:
    known = spelled_out(PM)
    for said in ("asså vad står SSPF för??", "What does SSPF stand for?", "vad är sspf?"):
        assert [c.id for c in spelling_out(said, known)] == [PM[1].id, PM[5].id], said
    assert [c.id for c in spelling_out("tja, vad e EST för nåt?", known)] == [PM[2].id]
    # no definition asked, or no abbreviation the material spells out: nothing moves
    assert spelling_out("Hur många ungdomar fanns i SSPF?", known) == []
    assert spelling_out("Vad står CRM för?", known) == []
    assert spelling_out("vad är est?", known) == []  # a short word in lower case is no abbreviation
    fused = [passage(PM[0], score=0.05), passage(PM[2], score=0.03)]
    first = with_chunks_first(fused, spelling_out("Vad är EST?", known))
    assert [p.chunk.id for p in first] == [PM[2].id, PM[0].id] and first[0].score > 0.05
