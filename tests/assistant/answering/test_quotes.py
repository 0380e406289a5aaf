"""The quote goes on where its sentences stop (`filled`, `best_read_on`)."""

from __future__ import annotations

from assistant.answering.quotes import (
    READ_ON,
    Unit,
    at_home,
    best_read_on,
    filled,
    made_room,
    unanswered_dropped,
    voiced,
    with_intro,
)


def passage(*texts: str, rank: int = 0) -> list[Unit]:
    return [Unit([t], rank, i, True, section=("guide", "Åtgärder")) for i, t in enumerate(texts)]


SENTENCES = [f"Mening nummer {i} om kameror vid terminalen." for i in range(6)]


def test_each_chosen_sentence_brings_the_ones_after_it_while_there_is_room() -> None:
    units = passage(*SENTENCES)
    chosen = filled([units[0], units[2]], units, room=8)
    assert READ_ON == 2 and [u.order for u in chosen] == [0, 2, 1, 3, 4]  # after 0: 1 (2 is chosen); after 2: 3, 4
    assert filled([units[0], units[2]], units, room=3) == [units[0], units[2], units[1]]
    assert filled([units[0], units[2]], units, room=2) == [units[0], units[2]]  # no room: as chosen


def test_a_fragment_a_list_or_another_passage_ends_the_quote() -> None:
    units = passage(SENTENCES[0], "Lärdom.", SENTENCES[2])
    assert filled([units[0]], units, room=8) == [units[0]]  # a bold label is no sentence to read on with
    listed = passage(SENTENCES[0], "- en punkt i en lista")
    assert filled([listed[0]], listed, room=8) == [listed[0]]
    other = passage(SENTENCES[1], rank=1)
    assert filled([units[0]], [units[0], *other], room=8) == [units[0]]


def test_the_best_sentence_reads_on_within_the_answer_length() -> None:
    units = passage(*SENTENCES)
    units[3].score, units[0].score = 1.0, 0.5
    chosen = best_read_on([units[3], units[0]], units, max_sentences=3)
    assert chosen == [units[3], units[0], units[4]]  # one more: the answer holds three
    assert best_read_on([], units, max_sentences=6) == []


def test_two_items_of_one_list_quoted_share_one_intro_before_the_first() -> None:
    from assistant.answering.quotes import Unit

    intro = Unit(["Guiden behandlar inte:"], 0, 3, True, group=4)
    first, second = (
        Unit(["- juridisk tolkning,"], 0, 4, True, group=4),
        Unit(["- riskbedömningar,"], 0, 5, True, group=4),
    )
    by_place = {(0, 3): intro, (0, 4): first, (0, 5): second}
    chosen = [second, first]
    for unit in chosen:
        with_intro(unit, by_place, chosen)
    assert first.lines == ["Guiden behandlar inte:", "- juridisk tolkning,"] and second.lines == ["- riskbedömningar,"]


def test_sentences_of_other_documents_than_the_best_ones_count_less() -> None:
    guide = Unit(["Kvällsstopp infördes på tre linjer."], 0, 0, True, None, 1.0, section=("guide", "Sandviken"))
    report = Unit(["Brå gav stöd till fem kommuner."], 1, 0, True, None, 0.8, section=("rapport", "Inledning"))
    also = Unit(["Stoppen gällde efter klockan 20."], 0, 1, True, None, 0.6, section=("guide", "Sandviken"))
    at_home([guide, report, also], 0.7)
    assert (guide.score, also.score) == (1.0, 0.6) and round(report.score, 2) == 0.56  # under 0.7 x the best
    at_home([report], 0.5)
    assert round(report.score, 2) == 0.56  # alone it is the home document


def test_first_person_words_are_an_unnamed_respondent_s_only_when_they_name_no_speaker() -> None:
    assert voiced("Överlag tycker jag att projektet har gett det som kommuner efterfrågar.")
    assert voiced('...vid uppstarten tänkte jag att "vad ska man kunna göra på ett år", men det gick!')
    assert not voiced("Vi löste det med en kontaktgrupp som jag träffar varannan vecka, säger hon.")
    assert not voiced('I efterhand tror jag att det var helheten", säger Lena Forsgren.')
    assert not voiced("Nu ringer de också när det gått bra, och då orkar jag svara.”")
    assert not voiced("– Jag tror på arbetssättet.")
    assert not voiced("Känns det okej, eller tar jag hellre bilen nästa gång?")
    assert not voiced("Arbetsgruppen träffades varje vecka.")
    # a quotation closed before its speaker's role ("– Bussförare, Enköping") names its own speaker
    assert not voiced("Förut fick ungdomarna vifta för att jag skulle stanna.” – Bussförare, Enköping")
    assert voiced("Förut fick ungdomarna vifta för att jag skulle stanna, och det var bra.")


def test_the_material_s_own_question_is_not_quoted_without_its_answer() -> None:
    faq = passage(
        "Ska polisen vara med i samordningen?",
        "Ja, i den övergripande delen.",
        "Vad gör vi om föräldrarna inte vill samarbeta?",
        "Börja med att fråga varför.",
    )
    assert unanswered_dropped(faq, faq) == faq  # every question with its answer
    quoted = [faq[0], faq[2], faq[3]]
    assert unanswered_dropped(quoted, faq) == [faq[2], faq[3]]  # the first question's answer is not quoted
    asked = passage("När sker de?", "Vilka drabbas?", "Sedan jämförs svaren.")
    assert unanswered_dropped(asked[:2], asked) == asked[:2]  # a run of questions is the material's content


def test_a_table_s_column_names_are_not_quoted_without_its_rows() -> None:
    from assistant.answering.quotes import units_of
    from tests.assistant.rag_fixtures import make_chunk
    from tests.assistant.rag_fixtures import passage as found

    text = "Ansvaret fördelas så här.\nUppgift | Ansvarig\nBelysning | Kommunen\nStädning | Regionen"
    units = units_of(found(make_chunk("guide", 0, "Roller", text, "h1", "guide")), 0)
    head, row = units[1], units[2]
    assert head.table_head and not row.table_head and row.header == ("Uppgift", "Ansvarig")
    assert unanswered_dropped([units[0], head], units) == [units[0]]
    whole = Unit([head.lines[0], row.lines[0]], 0, 1, True)
    whole.table_head = True  # the table joined with its rows is quoted whole
    assert unanswered_dropped([whole], units) == [whole]


def test_a_full_answer_makes_room_for_what_a_sentence_needs_by_dropping_a_weaker_one() -> None:
    units = passage(*SENTENCES)
    for unit, score in zip(units, (0.9, 0.5, 0.7, 0.3, 0.95, 0.6), strict=True):
        unit.score = score
    out = [units[0], units[2], units[5]]
    assert made_room(out, units[0], out) and out == [units[0], units[2]]  # the weakest below it goes
    assert not made_room([units[3]], units[3], [units[3]])  # nothing weaker beside it: no room
    added = [units[2], units[1]]  # units[1] came as another sentence's reason, not chosen: it stays
    assert not made_room(added, units[2], [units[2]])
