"""The part of a document a digest (summary, practical answer) is drawn from."""

from __future__ import annotations

from assistant.answering.digest import (
    digest_heading,
    digest_part,
    labelled_lists,
    named_first,
    outline_heading,
    outline_units,
    paragraph_leads,
    states_scope,
)
from assistant.answering.quotes import Unit

GUIDE = "guide"


def unit(text: str, part: str, score: float, rank: int = 0, order: int = 0, group: int | None = None) -> Unit:
    return Unit([text], rank, order, True, group, score, section=(GUIDE, f"{part} > Avsnitt"))


def test_the_part_whose_best_sentences_weigh_most_is_chosen_not_the_part_of_the_single_best() -> None:
    signpost = unit("Därefter presenteras en sammanställning av vanliga misstag och en checklista.", "Om guiden", 1.1)
    mistakes = [unit(f"Ett vanligt misstag är nummer {i}.", "Vanliga misstag", 0.9 - i / 10, 1, i) for i in range(4)]
    ranked = [signpost, *mistakes]
    assert digest_part(ranked, ranked).section[1].startswith("Vanliga misstag")
    strong = unit("Guiden beskriver arbetet med trygghetsträffar steg för steg.", "Om guiden", 2.5)
    assert digest_part([strong, *mistakes], [strong, *mistakes]) is strong  # one sentence outweighing three


def test_a_scope_statement_that_is_the_best_sentence_keeps_its_part() -> None:
    intro = unit("Guiden behandlar inte:", "Inledning", 0.2, order=4)
    item = unit("- riskbedömningar av enskilda individer,", "Inledning", 0.8, order=5, group=5)
    others = [unit(f"Stödet avser insatser för unga nummer {i}.", "Bilaga", 0.7, 1, i) for i in range(3)]
    ranked = [item, *others, intro]
    assert states_scope(item, ranked) and not states_scope(others[0], ranked)
    assert digest_part(ranked, ranked) is item  # the answer is that the guide leaves it out


def test_a_named_question_draws_on_the_part_that_names_it() -> None:
    results = [unit(f"Resultatet i kommunerna blev bättre nummer {i}.", "Resultat", 1.0, 0, i) for i in range(3)]
    town = [unit("Kristianstad startade lektionsserien hösten 2023.", "Kommunexempel", 0.6, 1, 0)]
    ranked = [*results, *town]
    assert digest_part(ranked, ranked).section[1].startswith("Resultat")
    assert digest_part(ranked, ranked, ("Kristianstads",)) is town[0]  # the genitive names the town too
    assert digest_part(ranked, ranked, ("Borås",)).section[1].startswith("Resultat")  # no part names it


def test_a_named_summary_draws_on_the_part_with_a_heading_that_names_it() -> None:
    """Both parts mention Falkenberg; a summary takes the one whose heading names it, a practical
    question the one its words weigh most in (there the place's paragraphs come first)."""
    lessons = [
        unit(f"Lärdom {i}: i Falkenberg och på andra håll lönade sig kartan.", "Lärdomar", 1.0, 0, i) for i in range(3)
    ]
    case = Unit(["Arbetet i Falkenberg började i februari 2022."], 1, 0, True, score=0.5)
    case.section = (GUIDE, "Exempel från tre kommuner > Falkenberg: gallerian")
    ranked = [*lessons, case]
    assert digest_part(ranked, ranked, ("Falkenberg",), titled=True) is case
    assert digest_part(ranked, ranked, ("Falkenberg",)).section[1] == "Lärdomar > Avsnitt"
    assert digest_part(ranked, ranked, ("Borås",), titled=True).section[1] == "Lärdomar > Avsnitt"


def test_an_outline_quotes_each_sub_section_under_its_heading_in_document_order() -> None:
    def sub(text: str, heading: str, score: float, rank: int, order: int = 0) -> Unit:
        return Unit([text], rank, order, True, None, score, section=(GUIDE, f"Lärdomar > {heading}"))

    def subs() -> list[Unit]:
        return [
            sub("Förändringsarbete tar längre tid än uppdragets ram medgav.", "Tar tid", 0.2, 0, 0),
            sub("Stödet behöver sträcka sig över en längre tidsperiod.", "Tar tid", 0.9, 0, 1),
            sub("Brå överväger att avgränsa stödet till färre fokusområden.", "Resurskrävande", 0.0, 1, 0),
            sub("Det kräver tid.", "Resurskrävande", 0.0, 1, 1),
        ]

    chosen = outline_units(subs())
    assert [u.lines[0] for u in chosen] == [
        "- Tar tid: Stödet behöver sträcka sig över en längre tidsperiod.",  # its best sentence
        "- Resurskrävande: Brå överväger att avgränsa stödet till färre fokusområden.",  # none scores: its first
    ]
    assert outline_heading(chosen) == "Lärdomar"
    assert outline_heading([sub("Stödet behöver en längre tidsperiod.", "Tar tid", 0.5, 0, 2)]) == ""  # no outline
    # a summary ("Sammanfatta kapitlet om lärdomarna") gives each sub-section's lead, not its best-scoring sentence
    assert [u.lines[0] for u in outline_units(subs(), leads=True)] == [
        "- Tar tid: Förändringsarbete tar längre tid än uppdragets ram medgav.",
        "- Resurskrävande: Brå överväger att avgränsa stödet till färre fokusområden.",
    ]


def test_a_named_summary_is_the_first_sentence_of_each_paragraph_then_the_best_others() -> None:
    def line(text: str, paragraph: int, order: int, score: float = 0.1) -> Unit:
        u = Unit([text], 0, order, True, None, score, section=(GUIDE, "Kommunexempel > Eskilstuna"))
        u.paragraph = paragraph
        return u

    units = [
        line("Bakgrund.", 0, 0),  # a label: the paragraph's first sentence is the next one
        line("Eskilstuna startade sitt digitala fältarbete hösten 2022.", 0, 1),
        line("Kommunen anställde tre digitala fältarbetare.", 0, 2, 0.9),
        line("Fältarbetarna arbetar främst mellan klockan 15 och 23.", 1, 3),
        line("De deltar i lokala grupper och servrar.", 1, 4),
        line("Under 2023 hade fältarbetarna kontakt med 1 850 unika unga.", 2, 5),
    ]
    chosen = paragraph_leads(units[1], units, 4)
    assert [u.order for u in chosen] == [1, 3, 5, 2]  # three leads, then the best of the rest
    assert paragraph_leads(units[1], units[:3], 4) == []  # one paragraph: no summary of leads


def test_a_profile_summarises_every_sub_section_of_the_section_that_names_it() -> None:
    def line(text: str, sub: str, rank: int, score: float = 0.1) -> Unit:
        u = Unit([text], rank, 0, True, None, score, section=(GUIDE, f"7. Kommunexempel: Gävle > {sub}"))
        u.position = rank
        return u

    units = [
        line("Från januari 2022 har Gävle samarbetat med fyra grannkommuner.", "Bakgrund", 0),
        line("Kärnan i Gävles modell är bytessystemet.", "Vad man gjorde", 1, 0.9),
        line("Under 2022 och 2023 flyttade 23 unga via bytessystemet.", "Resultat", 2),
    ]
    assert paragraph_leads(units[1], units, 4) == []  # its own sub-section has one paragraph
    assert paragraph_leads(units[1], units, 4, ("Gävle",)) == units  # the case: each sub-section's lead
    assert paragraph_leads(units[1], units, 4, ("Ludvika",)) == []  # a name no heading holds: as before
    survey = [
        Unit([f"Enkäten visade sak nummer {i} om stödet."], 0, i, True, None, 0.5, section=(GUIDE, "Enkät"))
        for i in range(3)
    ]
    for i, u in enumerate(survey):
        u.paragraph = i
    deeper = Unit(["Fritextsvaren lyfte samverkan."], 1, 0, True, None, 0.9, section=(GUIDE, "Enkät > Fritext"))
    assert deeper not in paragraph_leads(survey[0], [*survey, deeper], 4)  # no profile: its own section only


def test_a_digest_is_headed_by_the_deepest_section_all_its_sentences_stand_in() -> None:
    def at(path: str, doc: str = GUIDE) -> Unit:
        return Unit(["Motala började med lägesbilden."], 0, 0, True, None, 1.0, section=(doc, path))

    did, results = at("6. Motala > Vad de gjorde"), at("6. Motala > Resultat")
    assert digest_heading([did, did]) == "6. Motala > Vad de gjorde"
    assert digest_heading([did, results]) == "6. Motala"
    assert digest_heading([did, at("6. Motala > Vad de gjorde", "pm")]) == ""  # two documents: no one section
    assert digest_heading([at("Motala"), at("Piteå")]) == "" and digest_heading([]) == ""
    deep = at("Genomförande > Fokusområde 5: Platsbaserat > Arbete i skolmiljöer")
    assert digest_heading([deep]) == "Fokusområde 5: Platsbaserat > Arbete i skolmiljöer"  # not the chapter above


def test_an_outline_names_each_sub_section_by_its_own_heading_where_its_first_passage_stands_deeper() -> None:
    def at(path: str, text: str, rank: int) -> Unit:
        return Unit([text], rank, 0, True, None, 0.5, section=(GUIDE, f"Metoden i sju steg > {path}"))

    units = [
        at("1. Förankra arbetet > 1.1 Ett uppdrag", "Arbetet behöver ett skriftligt uppdrag från ledningen.", 0),
        at("2. Kartlägg flödena > 2.1 Penningflödeskartan", "Grunden för arbetet är en penningflödeskarta.", 1),
        at("3. Stärk kontrollen", "Steg 3 handlar om kontroller före beslut om utbetalning.", 2),
    ]
    chosen = outline_units(units)
    assert [u.lines[0].partition(":")[0] for u in chosen] == [
        "- 1. Förankra arbetet",
        "- 2. Kartlägg flödena",
        "- 3. Stärk kontrollen",
    ]
    assert outline_heading(chosen) == "Metoden i sju steg"


def test_the_paragraphs_naming_the_asked_for_place_come_first_in_a_part_about_something_else() -> None:
    def para(text: str, paragraph: int, score: float) -> Unit:
        u = unit(text, "Samhällsplanering", score, order=paragraph)
        u.paragraph = paragraph
        return u

    sigtuna = para("Sigtuna kommun har beslutat att frågorna ska in i samhällsbyggnadsprocessen.", 2, 0.9)
    linkoping = para("I Linköping har målet varit att integrera brottsförebyggande aspekter.", 1, 0.6)
    checklists = para("Aktiviteterna inkluderade riktlinjer och checklistor.", 1, 0.5)
    section = [sigtuna, linkoping, checklists]
    part = (GUIDE, "Samhällsplanering")
    assert named_first(section, section, part, ("Linköping",)) == [linkoping, checklists, sigtuna]
    assert named_first(section, section, (GUIDE, "Linköping"), ("Linköping",)) == section  # the part is about it
    method = para("Crime proofing är en analysmodell.", 3, 0.4)  # a method, never written after "i"
    assert named_first([*section, method], [*section, method], part, ("Crime",)) == [*section, method]


def test_a_summary_quoting_three_items_of_a_list_names_every_item_by_its_label() -> None:
    intro = Unit(["Här är de vanligaste:"], 0, 0, True, 1, 0.5, section=(GUIDE, "Vanliga misstag"))
    items = [
        Unit([f"- Misstag nummer {i}. Det leder till att arbetet stannar."], 0, i, True, 1, 1.0 - i / 10)
        for i in range(1, 6)
    ]
    units = [intro, *items]
    chosen = [intro, items[0], items[2], items[3]]  # the best three items
    summary = labelled_lists(chosen, units, 12)
    assert [u.lines for u in summary[1:]] == [[f"- Misstag nummer {i}."] for i in range(1, 6)]
    assert labelled_lists(list(chosen), units, 12, summary=False) == chosen  # practical: the items' advice
    assert labelled_lists([intro, items[0], items[1]], units, 12) == [intro, items[0], items[1]]  # two: as they are


def test_a_practical_question_naming_nothing_draws_on_the_part_of_the_first_passage() -> None:
    first_year = [unit(f"Månad {i}: styrgruppen möts.", "Genomförande", 0.5, 0, i) for i in range(3)]
    groundwork = [unit(f"Överenskommelsen förankras i steg {i}.", "Förarbete", 0.8, 1, i) for i in range(3)]
    ranked = [*groundwork, *first_year]
    assert digest_part(ranked, ranked).section[1].startswith("Förarbete")  # its sentences weigh most
    assert digest_part(ranked, ranked, practical=True) is first_year[0]  # the passage ranked first
    assert digest_part(ranked, ranked, ("Kalmar",), practical=True).section[1].startswith("Förarbete")
