"""The extractive generator and the marker/citation helpers every generator's output goes through."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.answering.citations import answer_units, marker_numbers, passage_sentences, strip_markers
from assistant.answering.extractive import (
    ENGLISH_LEAD,
    ExtractiveGenerator,
    build_citations,
    build_sources,
    check_markers,
)
from assistant.answering.quotes import Unit
from assistant.language.question import Question
from assistant.settings import Settings
from assistant.types import Passage, sentence_key
from tests.assistant.rag_fixtures import CRIME, PM, make_chunk, passage, pm_chunks

SUMMARY = (
    "Med anledning av regeringsuppdraget startade Brå ett projekt där fem kommuner har medverkat: "
    "Linköping, Södertälje, Sigtuna, Trollhättan och Göteborg Sydväst."
)


def top(*positions: int) -> list[Passage]:
    chunks = pm_chunks()
    return [passage(chunks[i], score=1.0 - n / 10) for n, i in enumerate(positions)]


def answer(settings: Settings, question: str, passages: list[Passage], language: str = "sv") -> str:
    asked = dataclasses.replace(Question.analyse(question), language=language)  # the language as the test says
    return "".join(ExtractiveGenerator(settings.extractive).stream(asked, passages))


# -- check_markers -----------------------------------------------------------------------------
def test_markers_to_missing_sources_are_removed() -> None:
    text, flags = check_markers("Crime proofing är en analysmodell. [1] Det används i kommuner. [3]", 2)
    assert text == "Crime proofing är en analysmodell. [1] Det används i kommuner."
    assert "invalid_marker" in flags
    assert "uncited" in flags  # the second claim lost its only marker


def test_partly_valid_marker_keeps_the_valid_numbers() -> None:
    text, flags = check_markers("Fem kommuner deltog i projektet. [1, 7]", 2)
    assert text == "Fem kommuner deltog i projektet. [1]"
    assert flags == ["invalid_marker"]


def test_uncited_factual_sentence_is_flagged_but_lead_ins_and_lists_are_not() -> None:
    cited = f"{ENGLISH_LEAD}\nSamtliga aktiviteter ryms inom sex fokusområden:\n- barn och unga\n- välfärdsbrott [1]"
    assert check_markers(cited, 1) == (cited, [])
    _, flags = check_markers("Crime proofing är en analysmodell. [1] Projektet pågick i två år i fem kommuner.", 1)
    assert flags == ["uncited"]
    assert check_markers("Ja. [1]", 1)[1] == []
    part = (
        "Ur avsnittet ”6. Kommunexempel: Motala – Närvarolyftet > Vad de gjorde”:\nMotala började med lägesbilden. [1]"
    )
    assert check_markers(part, 1)[1] == []  # the heading's "6." ends no sentence of the lead-in


def test_marker_before_the_full_stop_counts() -> None:
    assert check_markers("Crime proofing är en analysmodell [1]. Den prövades i fyra kommuner [2].", 2)[1] == []


# -- citations ---------------------------------------------------------------------------------
def test_citations_are_renumbered_in_order_of_first_use() -> None:
    passages = top(0, 2, 5)
    raw = (
        "Totalt skickades enkäten ut till 30 respondenter och 27 svar kom in. [3] "
        "Crime proofing är en analysmodell som kan användas för att förebygga fel och brott mot välfärdssystemen. [2] "
        "Enkäten skickades till de fem kommunerna. [3]"
    )
    text, citations = build_citations(raw, passages)
    assert marker_numbers(text) == [1, 2, 1]
    assert [c.n for c in citations] == [1, 2]
    assert citations[0].chunk_id == passages[2].chunk.id
    assert citations[1].chunk_id == passages[1].chunk.id
    assert citations[0].highlights[0] == "Totalt skickades enkäten ut till 30 respondenter och 27 svar kom in."
    assert all(h in citations[0].text for h in citations[0].highlights)


def test_highlight_from_neighbour_context_makes_the_context_the_citation_text() -> None:
    chunk = pm_chunks()[2]
    neighbour = "Fyra kommuner deltog i arbetet: Sigtuna, Göteborg, Linköping och Trollhättan."
    context = f"{chunk.text} {neighbour}"
    _, (citation,) = build_citations(f"{neighbour} [1]", [passage(chunk, context=context)])
    assert citation.text == context
    assert citation.highlights == [neighbour]


def test_sources_are_every_passage_in_rank_order() -> None:
    passages = top(3, 1, 4)
    sources = build_sources(passages)
    assert [s.n for s in sources] == [1, 2, 3]
    assert [s.chunk_id for s in sources] == [p.chunk.id for p in passages]


def test_answer_units_keep_lists_whole_and_markers_on_their_sentence() -> None:
    units = answer_units("Först. [1] Sedan kommer detta. [2]\nFokusområden:\n- ett\n- två [1]\nSist. [3]")
    assert units == ["Först. [1]", "Sedan kommer detta. [2]", "Fokusområden:\n- ett\n- två [1]", "Sist. [3]"]


def test_passage_sentences_separate_footnotes() -> None:
    text = "Arbetet inleddes i Stockholm. ³ Läs mer här: <https://bra.se/est> I Göteborg hölls en heldag."
    assert passage_sentences(text) == [
        "Arbetet inleddes i Stockholm.",
        "³ Läs mer här: <https://bra.se/est>",
        "I Göteborg hölls en heldag.",
    ]


# -- extractive --------------------------------------------------------------------------------
def test_definition_question_leads_with_the_definition(fake_settings: Settings) -> None:
    text = answer(fake_settings, "Vad är Crime proofing?", top(3, 2, 0))
    first = answer_units(text)[0]
    assert first.startswith("Crime proofing är en analysmodell")
    assert first.endswith("[2]")
    assert check_markers(text, 3)[1] == []


def test_every_sentence_ends_with_the_marker_of_its_passage(fake_settings: Settings) -> None:
    passages = top(5, 0, 6)
    text = answer(fake_settings, "Hur många svarade på enkäten?", passages)
    for unit in answer_units(text):
        (n,) = marker_numbers(unit)
        assert unit.endswith(f"[{n}]")
        assert strip_markers(unit) in passages[n - 1].chunk.text
    assert "27 svar kom in" in text


def test_quantity_and_time_questions_prefer_numbers(fake_settings: Settings) -> None:
    passages = [
        passage(make_chunk(PM, 20, "A", "Projektet startade med ett stort engagemang i kommunerna och hos polisen.")),
        passage(make_chunk(PM, 21, "B", "Projektet startade i augusti år 2022 och avslutades i maj år 2024.")),
    ]
    settings = fake_settings.model_copy(update={"max_answer_sentences": 1})
    assert "augusti år 2022" in answer(settings, "När startade projektet?", passages)


def test_a_figure_told_right_after_the_best_sentence_comes_with_it(fake_settings: Settings) -> None:
    text = (
        "I Göteborg genomfördes en heldag med fokus på våldsbejakande extremism och radikalisering. "
        "Under dagen deltog cirka femtio personer. Målet var att öka kunskapen om radikalisering."
    )
    other = "I Linköping genomfördes en konferens med efterföljande workshop om extremism i november."
    passages = [passage(make_chunk(PM, 20, "Fokusområde 6", text)), passage(make_chunk(PM, 24, "Fokusområde 6", other))]
    settings = fake_settings.model_copy(update={"max_answer_sentences": 2})
    quoted = answer(settings, "Hur många var med på heldagen i Göteborg?", passages)
    assert "femtio" in quoted and "heldag med fokus" in quoted  # the sentence that matched, then its figure
    alone = settings.model_copy(update={"max_answer_sentences": 1})  # no room to read on
    assert "femtio" not in answer(alone, "Vad handlade heldagen i Göteborg om?", passages)  # no figure asked


def test_how_often_questions_prefer_the_sentence_that_says_how_often(fake_settings: Settings) -> None:
    passages = [
        passage(make_chunk(PM, 20, "A", "Arbetsgruppen består av fem till åtta personer från olika förvaltningar.")),
        passage(make_chunk(PM, 21, "B", "Arbetsgruppen träffas varannan vecka under kartläggningen och analysen.")),
        passage(make_chunk(PM, 22, "C", "Kommunen finansierar arbetet med egna medel och statsbidrag.")),
    ]
    settings = fake_settings.model_copy(update={"max_answer_sentences": 1})
    assert "varannan vecka" in answer(settings, "Hur ofta ska arbetsgruppen ses?", passages)


def test_who_questions_prefer_names_of_the_asked_kind(fake_settings: Settings) -> None:
    passages = [
        passage(make_chunk(PM, 20, "A", "Kommunerna deltog i Crime proofing med stort intresse och engagemang.")),
        passage(make_chunk(PM, 21, "B", "Fyra kommuner deltog i Crime proofing: Sigtuna, Göteborg och Linköping.")),
    ]
    settings = fake_settings.model_copy(update={"max_answer_sentences": 1})
    assert "Sigtuna, Göteborg" in answer(settings, "Vilka kommuner deltog i Crime proofing?", passages)


def test_list_questions_keep_the_whole_list_together(fake_settings: Settings) -> None:
    text = answer(fake_settings, "Vilka fokusområden finns?", top(1, 0))
    lines = text.splitlines()
    start = lines.index("Samtliga aktiviteter ryms inom sex stycken fokusområden:")
    items = lines[start + 1 : start + 7]
    assert [i.removesuffix(" [1]") for i in items] == [
        "- kunskapsbaserat brottsförebyggande arbete",
        "- barn och unga som rekryteras till kriminalitet",
        "- parallella samhällsstrukturer och otillåten påverkan",
        "- välfärdsbrottslighet",
        "- situationellt och platsbaserat brottsförebyggande arbete",
        "- våldsbejakande extremism",
    ]
    assert items[-1].endswith("[1]") and not items[0].endswith("]")
    assert check_markers(text, 2)[1] == []


def test_near_identical_sentences_are_quoted_once(fake_settings: Settings) -> None:
    body = make_chunk(PM, 30, "Medverkande kommuner", SUMMARY + " Kommunerna valdes ut under hösten 2022.")
    summary = make_chunk(PM, 0, "Sammanfattning", SUMMARY)
    text = answer(fake_settings, "Vilka kommuner har medverkat i projektet?", [passage(summary), passage(body)])
    assert text.count("fem kommuner har medverkat") == 1


def test_sentence_repeated_in_a_neighbour_is_cited_to_its_own_passage(fake_settings: Settings) -> None:
    chunks = pm_chunks()
    first = passage(chunks[2], context=chunks[2].text + " Fyra kommuner deltog i arbetet: Sigtuna, Göteborg.")
    second = passage(chunks[3])
    text = answer(fake_settings, "Vilka kommuner deltog i arbetet med Crime proofing?", [first, second])
    assert "Fyra kommuner deltog i arbetet: Sigtuna, Göteborg, Linköping och Trollhättan. [2]" in text


def test_answer_is_capped(fake_settings: Settings) -> None:
    settings = fake_settings.model_copy(update={"max_answer_sentences": 1, "extractive_min_relative": 0.0})
    assert len(answer_units(answer(settings, "Vad gjorde kommunerna i projektet?", top(0, 3, 5, 6)))) == 1


def test_english_question_gets_an_english_lead_in_and_swedish_quotes(fake_settings: Settings) -> None:
    text = answer(fake_settings, "How many responded to the survey?", top(0, 5), language="en")
    lead, _, rest = text.partition("\n")
    assert lead == ENGLISH_LEAD
    assert "27 svar kom in. [2]" in rest
    assert check_markers(text, 2)[1] == []


def test_a_summary_and_a_practical_answer_name_the_section_they_are_drawn_from(fake_settings: Settings) -> None:
    def town(position: int, heading: str, text: str) -> Passage:
        return passage(make_chunk("guide", position, f"6. Kommunexempel: Motala – Närvarolyftet > {heading}", text))

    passages = [
        town(0, "Vad de gjorde", "Motala började med lägesbilden. Motala inrättade fyra tjänster som närvarolotsar."),
        town(1, "Resultat", "I Motala sjönk antalet elever med långvarig frånvaro från 38 till 21."),
    ]
    lead, _, rest = answer(fake_settings, "Sammanfatta vad Motala gjorde", passages).partition("\n")
    assert lead == "Ur avsnittet ”6. Kommunexempel: Motala – Närvarolyftet”:" and "närvarolotsar" in rest
    practical = answer(fake_settings, "Hur kom Motala igång med närvarolotsar?", passages[:1])
    heading = "6. Kommunexempel: Motala – Närvarolyftet > Vad de gjorde"
    assert practical.startswith(f"Enligt materialet, i avsnittet ”{heading}”:")
    english = answer(fake_settings, "Summarise what Motala did", passages, language="en")
    assert english.startswith("From the section ”6. Kommunexempel: Motala – Närvarolyftet”")


def test_an_outline_quotes_every_sub_section_also_beyond_the_usual_passages(fake_settings: Settings) -> None:
    steps = [f"Steg {n} handlar om att kommunen gör del nummer {n} av arbetet." for n in range(1, 8)]
    passages = [
        passage(make_chunk("guide", n, f"Metoden > {n}. Steg {n} > {n}.1 Del", t)) for n, t in enumerate(steps, 1)
    ]
    asked = Question.analyse("Ge en överblick över stegen i metoden")
    asked = dataclasses.replace(asked, kinds=asked.kinds | {"outline"})
    text = "".join(ExtractiveGenerator(fake_settings.extractive).stream(asked, passages))
    assert text.startswith("Materialet tar upp detta under ”Metoden”:")
    assert [line.partition(":")[0] for line in text.splitlines()[1:]] == [f"- {n}. Steg {n}" for n in range(1, 8)]


def with_cosines(position: int, cosines: dict[str, float]) -> Passage:
    found = passage(make_chunk("guide", position, "Lagring", " ".join(cosines)), score=1.0 - position / 10)
    return found.model_copy(update={"sentence_scores": {sentence_key(k): v for k, v in cosines.items()}})


def test_an_english_question_the_material_s_words_miss_is_answered_by_its_best_cosines(fake_settings: Settings) -> None:
    """No glossary term ("keep", "recordings"): the sentences are read by their cosines, which across
    languages lie below the fixed floor (0.80) and are read from the candidates' median to their best."""
    first = with_cosines(0, {"Skyltarna sattes upp vid infarterna.": 0.75, "Rutinerna bestämdes i förväg.": 0.76})
    storage = with_cosines(1, {"Inspelningar från drönaren sparas i fem dygn och raderas sedan.": 0.79})
    question = "How long do they keep the drone recordings?"
    assert Question.analyse(question).terms == ()
    assert "fem dygn" in answer(fake_settings, question, [first, storage], language="en")
    fixed = ExtractiveGenerator(fake_settings.extractive.model_copy(update={"cross_lingual_scale": False}))
    asked = dataclasses.replace(Question.analyse(question), language="en")
    assert "fem dygn" not in "".join(fixed.stream(asked, [first, storage]))


def test_nothing_matching_quotes_nothing(fake_settings: Settings) -> None:
    assert answer(fake_settings, "Xyzzy?", top(6)) == ""  # RagAnswerer turns this into a refusal
    assert answer(fake_settings, "Xyzzy?", []) == ""


def test_uses_corpus_weights_when_given(fake_settings: Settings) -> None:
    from assistant.language.terms import TermStats
    from assistant.language.text import stems

    stats = TermStats(stems(c.text) for c in pm_chunks())
    generator = ExtractiveGenerator(fake_settings.extractive, stats=lambda: stats)
    text = "".join(generator.stream(Question.analyse("Vad är Crime proofing?"), top(2)))
    assert text.startswith("Crime proofing är en analysmodell")


@pytest.mark.parametrize("section", [CRIME])
def test_heading_words_count_for_the_sentences_below(fake_settings: Settings, section: str) -> None:
    under = passage(make_chunk(PM, 40, section, "Fyra kommuner deltog i arbetet: Sigtuna, Göteborg och Linköping."))
    elsewhere = passage(make_chunk(PM, 41, "Annat", "Kommunerna deltog i arbetet med stort intresse för helheten."))
    settings = fake_settings.model_copy(update={"max_answer_sentences": 1})
    assert "Sigtuna" in answer(settings, "Vilka kommuner deltog i Crimeproofing?", [elsewhere, under])


def test_day_questions_prefer_a_full_date_and_match_compound_parts(fake_settings: Settings) -> None:
    from assistant.language.terms import TermStats
    from assistant.language.text import stems

    texts = [
        "I regeringsuppdraget till Brå betonas samverkan med kommunerna under 2022.",
        "Brå fick den 17 mars 2022 i uppdrag av regeringen att stödja kommunerna.",
    ]
    stats = TermStats(stems(t) for t in [*texts, *(c.text for c in pm_chunks())])
    passages = [passage(make_chunk(PM, 20 + i, "A", t)) for i, t in enumerate(texts)]
    settings = fake_settings.model_copy(update={"max_answer_sentences": 1})
    generator = ExtractiveGenerator(settings.extractive, stats=stats)
    got = "".join(
        generator.stream(Question.analyse("Vilket datum fick Brå regeringsuppdraget?", stats=stats), passages)
    )
    assert "17 mars 2022" in got


def test_period_questions_ask_for_time(fake_settings: Settings) -> None:
    passages = [
        passage(make_chunk(PM, 20, "A", "Arbetet i projektet pågick med stort engagemang hos alla parter.")),
        passage(make_chunk(PM, 21, "B", "Projektet pågick från augusti 2022 till och med maj 2024.")),
    ]
    settings = fake_settings.model_copy(update={"max_answer_sentences": 1})
    assert "augusti 2022" in answer(settings, "Under vilken period pågick projektet?", passages)


def test_a_footnote_can_define_but_a_bare_link_is_never_quoted(fake_settings: Settings) -> None:
    text = (
        "Sigtuna planerar utifrån ”BoTryggt 2030”². Det används vid planering av nya miljöer.\n"
        "² BoTryggt 2030 är ett koncept för brottsförebyggande planering, framtaget av Tryggare Sverige. "
        "Läs mer här: <https://botryggt.se/>"
    )
    got = answer(fake_settings, "Vad är BoTryggt 2030?", [passage(make_chunk(PM, 20, "A", text))])
    assert "är ett koncept" in got and "²" not in got
    assert "Läs mer" not in got


def test_rare_words_among_the_candidates_single_out_the_answer(fake_settings: Settings) -> None:
    from assistant.language.terms import TermStats
    from assistant.language.text import stems

    texts = [
        "Resultatet från den inledande CRM-mätningen användes som underlag i projektet.",
        "Resultatet från de uppföljande CRM-mätningarna skilde sig från de första.",
        "Ett externt företag genomförde ett antal strukturerade intervjuer i varje kommun.",
    ]
    stats = TermStats(stems(t) for t in [*texts, *(c.text for c in pm_chunks())])
    passages = [passage(make_chunk(PM, 20 + i, "CRM", t)) for i, t in enumerate(texts)]
    settings = fake_settings.model_copy(update={"max_answer_sentences": 1})
    generator = ExtractiveGenerator(settings.extractive, stats=stats)
    got = "".join(generator.stream(Question.analyse("Vem genomförde intervjuerna i CRM-mätningarna?"), passages))
    assert "externt företag" in got


def test_a_sentence_that_points_back_at_the_chosen_one_comes_with_it(fake_settings: Settings) -> None:
    text = (
        "Valet av fokusområden utgick från problematiken i de utsatta områdena. "
        "Det innebär att vissa andra brottstyper inte är huvudfokus för insatserna i projektet. "
        "Exempel på sådana är våld i nära relationer och hedersrelaterat våld. "
        "Projektet omfattar inte heller breda välfärdsinsatser."
    )
    passages = [passage(make_chunk(PM, 30, "Avgränsningar", text))]
    got = answer(fake_settings, "Vilka brottstyper var inte huvudfokus i projektet?", passages)
    assert "vissa andra brottstyper" in got and "våld i nära relationer" in got
    two = fake_settings.model_copy(update={"max_answer_sentences": 2})  # the pair fills the answer
    assert "välfärdsinsatser" not in answer(two, "Vilka brottstyper var inte huvudfokus i projektet?", passages)


def test_sentences_sharing_almost_nothing_with_the_question_are_no_answer(fake_settings: Settings) -> None:
    colophon = make_chunk(PM, 0, "Om rapporten", "Brå verkar för att brottsligheten minskar. Rapporten finns här.")
    question = "Hur gammal är Lisa Pedersen och var bodde hon innan hon kom till Brå?"
    assert answer(fake_settings, question, [passage(colophon)]) == ""
    assert answer(fake_settings, "Vad gör Brå för att brottsligheten minskar?", [passage(colophon)])


def test_a_why_question_prefers_the_sentence_that_gives_a_reason(fake_settings: Settings) -> None:
    text = (
        "Södertäljes inriktning ändrades under projektets gång. Projektet hade sex fokusområden i fem kommuner. "
        "Inriktningen ändrades framförallt på grund av behov av bättre styrning i Södertälje."
    )
    chunk = make_chunk(PM, 0, "Södertälje", text)
    got = answer(
        fake_settings.model_copy(update={"max_answer_sentences": 1}),
        "Varför ändrades Södertäljes inriktning?",
        [passage(chunk)],
    )
    assert got.startswith("Inriktningen ändrades framförallt på grund av")


def test_a_conclusion_brings_the_sentences_it_concludes_from(fake_settings: Settings) -> None:
    text = (
        "Projektet startade 2022. Medelstora städer kan ha större behov av stöd än storstäder. "
        "Utvecklingen går långsammare i de kommunerna. Därför har det varit prioriterat att stödja medelstora städer."
    )
    got = answer(
        fake_settings, "Varför har medelstora städer prioriterats?", [passage(make_chunk(PM, 0, "Urval", text))]
    )
    assert "större behov av stöd" in got and "långsammare" in got and "startade 2022" not in got


def test_of_two_near_duplicates_the_more_precise_is_quoted(fake_settings: Settings) -> None:
    summary = make_chunk(PM, 0, "Sammanfattning", "Brå fick i mars 2022 i uppdrag av regeringen att stödja kommuner.")
    body = make_chunk(PM, 1, "Inledning", "Brå fick den 17 mars 2022 i uppdrag av regeringen att stödja kommuner.")
    got = answer(fake_settings, "När fick Brå uppdraget av regeringen?", [passage(summary), passage(body, score=0.5)])
    assert "den 17 mars 2022" in got and "i mars 2022" not in got and got.endswith("[2]")


def test_the_asked_for_type_counts_fully_only_where_the_sentence_enumerates(fake_settings: Settings) -> None:
    text = (
        "Projektet pågick i två år. I Sverige har SUO och Brå prövat metoden i kommunala verksamheter. "
        "I Göteborg analyserades tre verksamheter: föreningsbidrag, hemvårdsbidrag och personlig assistans."
    )
    settings = fake_settings.model_copy(update={"max_answer_sentences": 1})
    got = answer(settings, "Vilka verksamheter gällde det?", [passage(make_chunk(PM, 0, CRIME, text))])
    assert "föreningsbidrag" in got  # not the sentence that only names Sverige, SUO and Brå


def test_one_sentence_between_two_quoted_ones_is_quoted_too(fake_settings: Settings) -> None:
    text = (
        "Projektet pågick i två år. Resultatet i Södertälje var väntat eftersom CRM inte passade. "
        "I Södertälje begränsades arbetet till en liten arbetsgrupp. "
        "Eftersom CRM mäter spridning är CRM-uppföljningen i Södertälje inte relevant."
    )
    got = answer(fake_settings, "Varför var CRM inte relevant i Södertälje?", [passage(make_chunk(PM, 0, "CRM", text))])
    assert "liten arbetsgrupp" in got and "två år" not in got


PLANNING = (
    "I Linköping var målet att få in trygghet i planeringen av nya bostadsområden. "
    "Aktiviteterna inkluderade utbildningar, riktlinjer och checklistor för arbetet. "
    "En trygghetsvandring i planeringen av ett nytt bostadsområde genomfördes i Linköping. "
    "Sigtuna har länge haft en egen modell för det."
)


@pytest.mark.parametrize(
    ("question", "room"),
    [
        ("Var i Linköping fanns målet om trygghet i planeringen av bostadsområden?", {"max_answer_sentences": 2}),
        ("Hur kan vi få in trygghet i planeringen av bostadsområden som Linköping?", {"digest_sentences": 2}),
    ],
)
def test_the_sentence_between_two_quoted_ones_is_quoted_also_past_the_answer_s_room(
    fake_settings: Settings, question: str, room: dict[str, int]
) -> None:
    settings = fake_settings.model_copy(update={"extractive": fake_settings.extractive.model_copy(update=room)})
    got = answer(settings, question, [passage(make_chunk(PM, 0, "Planering", PLANNING))])
    assert "riktlinjer och checklistor" in got and "trygghetsvandring" in got


def test_a_best_sentence_announcing_instances_brings_the_sentences_naming_them(fake_settings: Settings) -> None:
    text = (
        "Projektet stötte på ytterligare några hinder längs vägen. Dessa redovisas här. "
        "Under projekttiden inträffade personalförändringar och omorganisationer. Projektet pågick i två år."
    )
    other = make_chunk(PM, 1, "Övrigt", "Hinder för projektet kan finnas i alla kommuner och i många projekt.")
    settings = fake_settings.model_copy(update={"max_answer_sentences": 3})
    passages = [passage(make_chunk(PM, 0, "Hinder", text)), passage(other)]
    got = answer(settings, "Vilka hinder stötte projektet på?", passages)
    assert "personalförändringar" in got and "alla kommuner" not in got


def test_a_sentence_referring_back_comes_with_the_one_it_refers_to(fake_settings: Settings) -> None:
    text = (
        "Projektet pågick i två år. De lokala projektledarna lämnade rapporter varje kvartal. "
        "Dessa rapporter gav Brå en god möjlighet att styra projektet."
    )
    settings = fake_settings.model_copy(update={"max_answer_sentences": 2})
    got = answer(settings, "Hur kunde Brå styra projektet?", [passage(make_chunk(PM, 0, "Uppföljning", text))])
    assert got.startswith("De lokala projektledarna") and "Dessa rapporter" in got and "två år" not in got


# -- practical questions, summaries, respondents' words -----------------------------------------
STEPS = (
    "Kommunen började med att bilda en arbetsgrupp med skola, socialtjänst och polis. "
    "Gruppen träffades varje månad och tog fram en gemensam lägesbild. "
    "Efter ett halvår anställdes en koordinator som höll ihop arbetet."
)
LEARNT = "Överlag tycker jag att arbetsgruppen har fungerat bra och att koordinatorn var avgörande."


def test_a_practical_question_gets_the_material_s_experience_in_its_order(fake_settings: Settings) -> None:
    chunks = [make_chunk("pm", 7, "Uppstart > Arbetsgrupp", STEPS), make_chunk("pm", 9, "Lärdomar", LEARNT)]
    text = answer(
        fake_settings, "Hur kan vi komma igång med en arbetsgrupp och en koordinator?", [passage(c) for c in chunks]
    )
    assert text.startswith("Enligt materialet, i avsnittet ”Uppstart > Arbetsgrupp”:")
    assert text.index("bilda en arbetsgrupp") < text.index("anställdes en koordinator")  # the document's order


def test_a_digest_s_sentence_pointing_back_brings_what_it_points_at(fake_settings: Settings) -> None:
    text = (
        "Två av kommunerna gick före. "
        "Dessa två kommuner arbetade med Tryggare skola i arbetsgruppen för trygghet. "
        "Arbetsgruppen för trygghet på skolan träffades varje vecka."
    )
    room = {"max_answer_sentences": 1, "digest_sentences": 2}  # a digest holds more than a plain answer
    settings = fake_settings.model_copy(update={"extractive": fake_settings.extractive.model_copy(update=room)})
    question = "Hur kan vi arbeta med Tryggare skola i en arbetsgrupp för trygghet på skolan?"
    got = answer(settings, question, [passage(make_chunk(PM, 0, "Skolor", text))])
    assert "Två av kommunerna gick före." in got and "Dessa två kommuner" in got


def test_a_practical_answer_brings_the_best_sentence_of_all_from_another_part(fake_settings: Settings) -> None:
    intro = (
        "Guiden beskriver hur kommunen kan hantera upphandlingar och bidrag. "
        "Den riktar sig till dem som hanterar upphandlingar och bidrag. "
        "Andra kan också läsa den när de hanterar upphandlingar."
    )
    bids = "Ett misstänkt lågt anbud som ligger påtagligt under övriga ska alltid granskas av kommunen."
    chunks = [make_chunk("guide", 0, "Om guiden", intro), make_chunk("guide", 5, "Metoden > Kontroller", bids)]
    text = answer(fake_settings, "Hur ska vi hantera ett misstänkt lågt anbud?", [passage(c) for c in chunks])
    assert "påtagligt under övriga" in text and "Guiden beskriver" in text  # the part, and the best line beside it


def test_a_practical_question_prefers_what_the_material_advises(fake_settings: Settings) -> None:
    text = (
        "Medling innebär att den unge och den som utsatts för brottet träffas med en opartisk medlare. "
        "Medlingen ersätter inte rättsprocessen och kan redovisas för åklagaren. "
        "Det är avgörande att medlaren tar kontakt med den brottsutsatta först."
    )
    settings = fake_settings.model_copy(update={"extractive": {"digest_sentences": 1}})
    chunk = make_chunk("guide", 3, "Insatser > Medling", text)
    quoted = answer(settings, "Vad ska vi tänka på när vi erbjuder medling till den unge?", [passage(chunk)])
    assert "avgörande att medlaren tar kontakt" in quoted


def test_a_respondent_s_words_are_quoted_as_theirs(fake_settings: Settings) -> None:
    text = answer(
        fake_settings, "Fungerade arbetsgruppen och koordinatorn?", [passage(make_chunk("pm", 9, "Lärdomar", LEARNT))]
    )
    assert "Enligt en respondent: ”Överlag tycker jag" in text
    english = answer(
        fake_settings, "Did the working group work?", [passage(make_chunk("pm", 9, "Lärdomar", LEARNT))], "en"
    )
    assert "According to a respondent: ”" in english


def test_a_sentence_pointing_back_brings_what_it_points_at(fake_settings: Settings) -> None:
    text = (
        "Fyra av de fem kommunerna valde stöd inom fokusområdet barn och unga. "
        "Tre av dessa kommuner ville ha hjälp med SSPF, samverkan mellan skola, socialtjänst, polis och fritid."
    )
    quoted = answer(fake_settings, "Vad är SSPF?", [passage(make_chunk("pm", 3, "Barn och unga", text))])
    assert quoted.index("Fyra av de fem kommunerna") < quoted.index("Tre av dessa kommuner")


def test_a_list_item_quoted_alone_starts_with_its_intro_and_a_table_row_does_not(fake_settings: Settings) -> None:
    text = (
        "För att guiden ska hållas hanterbar har vi gjort flera avgränsningar. Guiden behandlar inte:\n"
        "- juridisk tolkning av de regler som styr kommunernas ansvar,\n"
        "- riskbedömningar av enskilda individer, till exempel om en ung person är på väg in i kriminalitet,\n"
        "- polisens egen lägesbild och underrättelsearbete."
    )
    got = answer(
        fake_settings,
        "Hur gör man riskbedömningar av enskilda individer?",
        [passage(make_chunk(PM, 3, "Avgränsningar", text))],
    )
    assert "Guiden behandlar inte:\n- riskbedömningar av enskilda individer" in got
    assert got.count("Guiden behandlar inte:") == 1
    table = "Datakällor i korthet\n| Källa | Styrka |\n| Skolenkät | Hög svarsfrekvens bland eleverna i skolan |"
    got = answer(fake_settings, "Vilken styrka har skolenkäten?", [passage(make_chunk(PM, 4, "Källor", table))])
    assert "Datakällor i korthet" not in got


def test_a_chosen_sentence_that_introduces_a_list_comes_with_the_whole_list(fake_settings: Settings) -> None:
    text = (
        "Vandringen bör starta efter solnedgången. Ett typiskt upplägg för en kvällsvandring kan se ut så här:\n"
        "- 18.00 Samling och fika för alla deltagare.\n"
        "- 18.15 Introduktion av processledaren och polisen.\n"
        "- 20.00 Summering med klisterprickar på en gemensam karta."
    )
    got = answer(fake_settings, "Hur kan vi lägga upp kvällsvandringen?", [passage(make_chunk(PM, 5, "Steg 3", text))])
    assert "kan se ut så här:\n- 18.00 Samling" in got and "- 20.00 Summering" in got
    assert got.count("Introduktion av processledaren") == 1


LISTS_AFTER = [
    (  # a chosen sentence followed by a short intro of a list
        "Falun tog fram en avsiktsförklaring med varje förening. Den innehöll:\n- syftet med samarbetet,\n"
        "- ersättningens storlek,\n- hur samarbetet följs upp.",
        "Vad tog Falun fram för avsiktsförklaring med föreningarna?",
        ("Den innehöll:\n- syftet med samarbetet,", "- hur samarbetet följs upp."),
    ),
    (  # a sentence the answer reads on to that introduces a list
        "I Nyköping var två medarbetare sjukskrivna under längre perioder år 2022. Sedan dess gäller tre rutiner:\n"
        "- extern handledning var tredje vecka,\n- ett tak på åtta aktiva ärenden,\n- avlastning efter en händelse.",
        "Hur många medarbetare var sjukskrivna i Nyköping 2022?",
        ("Sedan dess gäller tre rutiner:\n- extern handledning", "- avlastning efter"),
    ),
]


@pytest.mark.parametrize(("text", "question", "expected"), LISTS_AFTER)
def test_a_list_introduced_after_a_quoted_sentence_comes_with_it(
    fake_settings: Settings, text: str, question: str, expected: tuple[str, str]
) -> None:
    got = answer(fake_settings, question, [passage(make_chunk(PM, 5, "Föreningar", text))])
    assert all(part in got for part in expected)


def test_sentences_about_the_document_s_own_structure_are_not_quoted(fake_settings: Settings) -> None:
    text = (
        "Projektet har följts upp på tre sätt. I det här kapitlet följer en beskrivning av uppföljningen. "
        "Arbetet i varje kommun följdes genom skriftliga rapporter varje kvartal. Hindren redovisas därför här."
    )
    passages = [passage(make_chunk(PM, 6, "Uppföljning", text))]
    got = answer(fake_settings, "Hur följdes projektet upp?", passages)
    assert "kvartal" in got and "I det här kapitlet" not in got and "redovisas därför här" not in got
    asked = answer(fake_settings, "Vad står det i kapitlet om uppföljningen?", passages)
    assert "I det här kapitlet" in asked  # a question about the document's parts is answered by them


def test_a_follow_up_quotes_what_its_own_words_ask_for_before_the_conversation_s_topic(
    fake_settings: Settings,
) -> None:
    general = "Crime proofing är en analysmodell för att förebygga brott mot välfärdssystemen i kommunerna."
    own = "Arbetsgruppen i Trollhättan genomförde tre analyser inom föreningsstöd och ekonomiskt bistånd."
    passages = [passage(make_chunk("pm", 0, "Välfärdsbrott", f"{general}\n{own}", "h1", "pm"))]
    settings = fake_settings.model_copy(update={"extractive": {"max_answer_sentences": 1}})
    asked = Question.analyse("och vad gjorde trollhättan?", "och vad gjorde trollhättan? Crime proofing kommunerna")
    quoted = "".join(ExtractiveGenerator(settings.extractive).stream(asked, passages))
    assert "föreningsstöd" in quoted and "analysmodell" not in quoted


def test_a_table_row_quoted_alone_is_read_with_its_column_names(fake_settings: Settings) -> None:
    text = (
        "Samverkan organiseras i två nivåer med olika uppgifter.\n"
        "Nivå | Deltagare | Mötesfrekvens\n"
        "Styrgrupp | Förvaltningschefer och polisområdeschef | Två gånger per år\n"
        "Arbetsgrupp | Samordnare och kommunpolis | Var fjärde vecka"
    )
    got = answer(fake_settings, "Hur ofta träffas styrgruppen?", [passage(make_chunk(PM, 5, "Organisation", text))])
    assert "Styrgrupp – Deltagare: Förvaltningschefer och polisområdeschef; Mötesfrekvens: Två gånger per år [1]" in got
    assert "Styrgrupp | " not in got


def test_a_fragment_between_two_quoted_sentences_is_not_taken_in(fake_settings: Settings) -> None:
    text = (
        "Klottret på busskurerna ökade kraftigt under året i kommunen. Analys. "
        "Klottret på busskurerna minskade när saneringsavtalet kom på plats."
    )
    got = answer(
        fake_settings, "Hur gick det med klottret på busskurerna?", [passage(make_chunk(PM, 2, "Klotter", text))]
    )
    assert "ökade kraftigt" in got and "minskade" in got and "Analys" not in got


def test_a_total_asked_for_is_the_sum_row_of_the_table(fake_settings: Settings) -> None:
    rows = ["Post | Kostnad (kr)", "Samordnare halvtid | 350 000", "Utbildning | 200 000", "Totalt | 700 000"]
    budget = [passage(make_chunk(PM, 5, "Budget", "\n".join(["Budgetmall för år 1", *rows])))]
    assert "700 000" in answer(fake_settings, "Vad blir totalsumman i budgetmallen?", budget)
    assert "700 000" not in answer(fake_settings, "Vad kostar utbildningen i budgetmallen?", budget)


def test_a_joined_list_keeps_what_its_lines_knew(fake_settings: Settings) -> None:
    """The list block is one unit: its cosine is its best line's, and it keeps its place and source."""
    intro = Unit(["Stödet innehöll:"], 0, 0, True, group=1, similarity=0.81, section=(PM, "Stöd"), paragraph=2)
    items = [Unit([f"- del {i}"], 0, i, True, group=1, similarity=0.8 + i / 100, paragraph=2) for i in (1, 2)]
    (joined,) = ExtractiveGenerator(fake_settings.extractive)._join_lists([intro, *items])
    assert joined.lines == ["Stödet innehöll:", "- del 1", "- del 2"]
    assert joined.similarity == pytest.approx(0.82)
    assert (joined.section, joined.paragraph) == ((PM, "Stöd"), 2)
    assert intro.lines == ["Stödet innehöll:"]  # the candidate itself is not changed


def test_a_list_after_a_short_intro_is_quoted_whole_also_when_some_items_were_chosen(fake_settings: Settings) -> None:
    lines = ["Falun tog fram en avsiktsförklaring med varje förening.", "Den innehöll:", "- syftet,", "- ersättningen,"]
    lines += ["- kontaktpersoner,", "- jämställdhet."]
    units = [Unit([t], 0, i, True, group=None if i == 0 else 1) for i, t in enumerate(lines)]
    units[3].lines.insert(0, "Den innehöll:")  # an item quoted alone starts with its intro (`with_intro`)
    chosen = [units[0], units[3], units[5]]
    got = ExtractiveGenerator(fake_settings.extractive)._listed(chosen, units)
    assert [u.lines for u in got] == [[lines[0]], lines[1:]]  # the items in the whole list, once
