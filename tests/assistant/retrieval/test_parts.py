from assistant.retrieval.outline import section_tree
from assistant.retrieval.parts import (
    heading_label,
    labelled_outline,
    labelled_sections,
    named_parts,
    part_labels,
    with_parts_first,
)
from assistant.types import SECTION_SEP
from tests.assistant.rag_fixtures import make_chunk, passage

GUIDE = [
    make_chunk("guide", 0, "Förord", "Den här vägledningen bygger på tre kommuner."),
    make_chunk("guide", 1, "1. Inledning", "Vägledningen tar inte upp hot mot politiker. Kapitel 5 beskriver lagen."),
    make_chunk("guide", 2, f"6. Lärdomar{SECTION_SEP}6.1 Tio lärdomar", "Ledningens mandat är avgörande."),
    make_chunk("guide", 3, f"6. Lärdomar{SECTION_SEP}6.2 Det som inte blev", "Tre erfarenheter sticker ut."),
    make_chunk("guide", 4, f"6. Lärdomar{SECTION_SEP}6.3 Att komma igång", "Börja med en lägesbild."),
    make_chunk("guide", 5, "Bilaga 2 Självskattning", "Svara på frågorna nedan."),
    make_chunk("guide", 6, "2. Kontroll", "Kontrollen görs före utbetalningen."),
]


def test_a_question_names_a_part_by_its_number_or_letter() -> None:
    assert part_labels("Sammanfatta kapitel 6 i vägledningen.") == ["kapit 6", "6"]
    assert part_labels("Vad står i avsnitt D.2?") == ["avsnitt D.2", "D.2"]
    assert part_labels("Vad säger bilagan 2 om självskattning?")[0] == "bilag 2"
    assert part_labels("Vad står i kapitlet om skolan?") == []  # no label
    assert part_labels("Kommunerna deltog 5 gånger, vad står i kapitel d?") == []  # a letter label is a capital


def test_a_heading_s_label_is_its_number_or_a_lettered_part() -> None:
    assert heading_label("6. Lärdomar") == "6"
    assert heading_label("5.1 Den fysiska miljön") == "5.1"
    assert heading_label("D.2 Vem gör vad?") == "D.2"
    assert heading_label("A. Utgångspunkter") == "A"
    assert heading_label("Bilaga 2 Sammanfattning") == "2"
    for plain in ("Förord", "A och O", "I Göteborg", "2023 års resultat"):
        assert heading_label(plain) == ""


def test_the_named_chapter_comes_first_and_its_sub_sections_are_its_outline() -> None:
    sections = labelled_sections(GUIDE)
    assert {"6", "6.1", "6.2", "6.3", "bilag 2", "1", "2"} <= set(sections)
    parts = named_parts(part_labels("Sammanfatta kapitel 6 i vägledningen."), sections)
    assert [p.path for p in parts] == ["6. Lärdomar"]
    fused = [passage(GUIDE[1], score=0.04), passage(GUIDE[0], score=0.03)]
    first = with_parts_first(fused, parts)
    assert first[0].chunk.id == GUIDE[2].id and first[0].score > 0.04 and len(first) == 3
    outline = labelled_outline(parts, section_tree(GUIDE), first)
    assert [c.id for c in outline] == [GUIDE[2].id, GUIDE[3].id, GUIDE[4].id]
    appendix = named_parts(part_labels("Vad står i bilaga 2?"), sections)
    assert [p.path for p in appendix] == ["Bilaga 2 Självskattning"]  # not chapter 2
    assert labelled_outline(appendix, section_tree(GUIDE), first) == []  # no sub-sections: no outline
    assert with_parts_first(fused, named_parts(["9"], sections)) == fused  # no chapter 9
