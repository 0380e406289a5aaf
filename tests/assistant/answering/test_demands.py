"""What a question demands of its evidence: an amount of money, a comparison, its names."""

from __future__ import annotations

import pytest

from assistant.answering.demands import amount_missing, unmet_demand, vague_answer
from assistant.answering.support import assess
from assistant.language.question import Question
from assistant.settings import Settings
from assistant.types import sentence_key
from tests.assistant.rag_fixtures import make_chunk, passage

asked = Question.analyse  # the analysed question every stage reads

BUDGET = "För uppdragets genomförande erhöll Brå 3 miljoner kronor för år 2022."
CVE = "Trollhättan planerar att fortsätta samarbetet med CVE och har fått medel från Brå för det."
METHOD = "Crime proofing är en analysmodell. SSPF är en samverkansform mellan skola, socialtjänst och polis."


@pytest.mark.parametrize(
    ("question", "evidence", "names", "unmet"),
    [
        ("Hur mycket pengar fick Brå för uppdraget?", [BUDGET], ["Brå"], ""),
        ("How much funding did Brå receive?", [BUDGET], ["Brå"], ""),
        ("Hur mycket pengar fick Trollhättan för samarbetet med CVE?", [CVE], ["Trollhättan", "CVE"], "amount"),
        # an amount about someone else is no answer either
        ("Hur mycket pengar fick Trollhättan?", [CVE, BUDGET], ["Trollhättan"], "amount"),
        ("Vad kostade projektet?", [BUDGET], [], ""),
        ("Är Crime proofing en bättre metod än SSPF?", [METHOD], ["Crime", "SSPF"], "comparison"),
        ("Är Crime proofing bättre än SSPF?", ["Crime proofing gav bättre resultat än SSPF."], ["Crime", "SSPF"], ""),
        # a comparison of other things does not count
        (
            "Is Crime proofing more effective than SSPF?",
            ["Skolan blev bättre än väntat."],
            ["Crime", "SSPF"],
            "comparison",
        ),
        ("Vad är Crime proofing?", [METHOD], ["Crime"], ""),
        ("Hur mycket betalade Brå till Sweco?", [BUDGET], ["Brå", "Sweco"], "amount"),  # Brå's budget, not Sweco's fee
        # advice and the asker's own case are answered with what the material says (no demand of their own)
        ("Vad tycker du, borde vår kommun införa SSPF?", [METHOD], ["SSPF"], ""),
        ("Should we start with SSPF?", [METHOD], ["SSPF"], ""),
        ("Hur gammal är Lisa Pedersen?", ["Författare: Lisa Pedersen"], ["Lisa", "Pedersen"], "age"),
        ("Hur gammal är Lisa Pedersen?", ["Lisa Pedersen är 45 år gammal."], ["Lisa", "Pedersen"], ""),
        ("How would SSPF work in our municipality?", [METHOD], ["SSPF"], ""),
        ("Vad gjorde kommunerna med SSPF?", [METHOD], ["SSPF"], ""),
        ("Hur ska Trollhättan fortsätta arbetet?", [CVE], ["Trollhättan"], ""),  # "ska" about a municipality named
        (
            "Vilken lön har en SSPF-koordinator?",
            ["En SSPF-koordinator anställdes under hösten 2023."],
            ["SSPF"],
            "amount",
        ),
    ],
)
def test_unmet_demand(question: str, evidence: list[str], names: list[str], unmet: str) -> None:
    assert unmet_demand(question, evidence, names) == unmet


def test_an_amount_must_be_about_the_question_s_topic() -> None:
    question = "Hur mycket kostar en trygghetsundersökning?"
    plan = "Åtgärdsplanen fick en budget på 420 000 kronor."
    survey = "En trygghetsundersökning kostar omkring 150 000 kronor."
    about = lambda sentence: "trygghetsundersökning" in sentence.lower()  # noqa: E731
    assert unmet_demand(question, [plan], [], about) == "amount"
    assert unmet_demand(question, [plan, survey], [], about) == ""


def _assess(question: str, *texts: str, settings: Settings) -> tuple[bool, str]:
    passages = [passage(make_chunk("pm", i, "Projektets genomförande", t, "h1", "pm")) for i, t in enumerate(texts)]
    support = assess(asked(question), passages, settings.model_copy(update={"refusal": {"threshold": 0.0}}).refusal)
    return support.supported, support.reason


def test_topic_passages_without_the_demanded_amount_are_refused(fake_settings: Settings) -> None:
    question = "Hur mycket pengar fick Trollhättan för att fortsätta samarbetet med CVE?"
    assert _assess(question, CVE, settings=fake_settings) == (False, "no_amount")
    assert _assess(question, CVE.replace("medel", "2 miljoner kronor"), settings=fake_settings) == (True, "")


def test_a_known_name_no_top_passage_mentions_is_refused(fake_settings: Settings) -> None:
    from assistant.language.terms import TermStats, text_stems

    valsta = "Valsta i Sigtuna klassas som riskområde."
    crime = "Brottsligheten i området har minskat enligt polisens bedömning de senaste åren."
    stats = TermStats([text_stems(valsta), text_stems(crime)])
    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.0}})
    top = [passage(make_chunk("pm", 0, "Projektets genomförande", crime, "h1", "pm"))]
    question = "Kommer brottsligheten i Valsta att minska de kommande åren?"
    assert assess(asked(question, stats=stats), top, settings.refusal, stats).reason == "missing_name"
    top.append(passage(make_chunk("pm", 1, "Sigtuna", valsta, "h1", "pm")))
    assert assess(asked(question, stats=stats), top, settings.refusal, stats).reason != "missing_name"


def test_a_year_the_material_never_mentions_is_refused(fake_settings: Settings) -> None:
    from assistant.language.terms import TermStats, text_stems

    text = "Hovsjö betraktas som ett särskilt utsatt område år 2023."
    stats = TermStats([text_stems(text)])
    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.0}})
    top = [passage(make_chunk("pm", 0, "Medverkande kommuner", text, "h1", "pm"))]
    assert (
        assess(asked("Är Hovsjö ett särskilt utsatt område år 2026?", stats=stats), top, settings.refusal, stats).reason
        == "unknown_year"
    )
    assert assess(
        asked("Var Hovsjö ett särskilt utsatt område år 2023?", stats=stats), top, settings.refusal, stats
    ).supported


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("Hur många skjutningar inträffade i Trollhättan?", "skjutningar"),
        ("Hur många av projektets kommuner blev pilotkommuner?", "kommuner"),
        ("Vad var antalet deltagare?", "deltagare"),
        ("Hur många var de?", None),
        ("Vad är SSPF?", None),
        ("hur många deltog på konferensen?", None),  # a verb counts no thing
        ("Av dem som blev lurade, hur många gick till polisen?", None),
        ("Hur många personer fick slutenkäten?", None),  # any number may answer: "30 respondenter"
        ("Hur många gånger fick drönaren syn på trängsel?", None),
    ],
)
def test_counted_word(question: str, counted: str | None) -> None:
    from assistant.language.terms import counted_word

    assert counted_word(question) == counted


def test_a_count_of_something_no_top_passage_mentions_is_refused(fake_settings: Settings) -> None:
    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.0}})
    text = "I Trollhättan inträffade personalförändringar och omorganisationer under projekttiden."
    top = [passage(make_chunk("pm", 0, "Hinder", text, "h1", "pm"))]
    support = assess(asked("Hur många skjutningar inträffade i Trollhättan under projekttiden?"), top, settings.refusal)
    assert support.reason == "missing_counted"
    # the counted thing is there, but no number with it: the passage does not say how many
    assert assess(asked("Hur många omorganisationer inträffade i Trollhättan?"), top, settings.refusal).reason == (
        "missing_counted"
    )
    counted = [passage(make_chunk("pm", 0, "Hinder", "I Trollhättan gjordes tre omorganisationer.", "h1", "pm"))]
    assert assess(asked("Hur många omorganisationer inträffade i Trollhättan?"), counted, settings.refusal).supported


NAMED = {"kommun": ["sigtuna", "borås", "göteborg sydväst"], "område": ["valsta"]}


@pytest.mark.parametrize(
    ("question", "answer", "vague"),
    [
        ("Vilka nya kommuner får stöd 2024?", "Det inleds med ett antal nya kommuner, enligt Brås plan. [1]", True),
        ("Which municipalities get support?", "Stöd går till ett antal nya kommuner. [1] Det gick väl. [1]", True),
        ("Vilka områden ingår?", "Flera områden ingår i arbetet. [1]", True),
        ("Vilka kommuner får stöd?", "Brå stöder kommuner. [1] Nu inleds arbete med några nya kommuner. [1]", True),
        ("Vilka kommuner får stöd?", "Brå stöder några nya kommuner. [1] Bra. [1] Sigtuna fick pengar. [2]", True),
        ("Vilka kommuner deltog?", "Sigtuna och Borås deltog. [1] Flera kommuner visade intresse. [2]", False),
        ("Vilka kommuner deltog?", "Flera kommuner deltog, bland annat Sigtuna och Borås. [1]", False),
        ("Vilka kommuner deltog?", "Flera kommuner deltog: Sigtuna och Borås. [1]", False),
        ("Vilka kommuner deltog?", "Några kommuner deltog. [1] I Göteborg Sydväst hölls möten. [2]", False),
        ("Vilka kommuner deltog?", "Kommunerna Sigtuna och Borås deltog. [1] Några kommuner avstod. [2]", False),
        ("Vilka kommuner skulle prioriteras?", "De kommuner där det bedöms få störst effekt prioriteras. [1]", False),
        ("Vilka hinder stötte projektet på?", "Projektet mötte några hinder. [1] Projektledare slutade. [1]", False),
        ("Vad gjorde kommunerna?", "Ett antal kommuner höll möten. [1]", False),  # not a "which" question
    ],
)
def test_vague_answer(question: str, answer: str, vague: bool) -> None:
    assert vague_answer(question, answer, NAMED) is vague


def test_a_count_or_amount_asked_in_words_the_passage_does_not_use_is_not_vetoed(fake_settings: Settings) -> None:
    from assistant.language.terms import TermStats, text_stems

    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.0}}).refusal
    budget = passage(make_chunk("pm", 0, "Uppdraget", BUDGET, "h1", "pm"))
    other = "Kommunens budget för fritid minskade."
    common = [text_stems("Brå och regeringen fick stor uppmärksamhet.")] * 40  # the question's other words are common
    stats = TermStats([*common, text_stems(BUDGET), text_stems(other), text_stems(CVE)])
    question = "Hur stor budget fick Brå från regeringen?"
    assert (
        assess(asked(question, stats=stats), [budget], settings, stats).reason == "no_amount"
    )  # "budget" is not in the sentence
    near = budget.model_copy(update={"sentence_scores": {sentence_key(BUDGET): 0.9}})
    assert assess(
        asked(question, stats=stats), [near], settings, stats
    ).supported  # ... but it is the sentence nearest in meaning
    survey = passage(make_chunk("pm", 0, "Enkät", "Enkäten skickades till 30 personer och 27 svar kom in.", "h1", "pm"))
    stats = TermStats([text_stems("Enkäten skickades till 30 personer och 27 svar kom in."), text_stems(CVE)])
    # "besvarade" is a word the material never uses: it cannot tell that the count is missing
    assert (
        assess(asked("Hur många besvarade enkäten?", stats=stats), [survey], settings, stats).reason
        != "missing_counted"
    )


def test_a_kind_of_thing_the_material_never_speaks_of_is_declined(fake_settings: Settings) -> None:
    from assistant.language.terms import TermStats, text_stems

    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.0}}).refusal
    text = "Åtgärdsplanen beslutas av kommunfullmäktige enligt lagen. Målen och nivåerna följs upp."
    stats = TermStats([text_stems(text), text_stems(CVE), text_stems(BUDGET)])
    top = [passage(make_chunk("pm", 0, "Lagen", text, "h1", "pm"))]
    question = "Vilken paragraf i lagen säger att åtgärdsplanen beslutas av kommunfullmäktige?"
    assert assess(asked(question, stats=stats), top, settings, stats).reason == "unknown_type"
    # a compound of known parts, a typo of a known word, a glossary word: the material speaks of them
    for said in ("Vilka målnivåer följs upp?", "Vilken åtgärdsplaan beslutas?", "Vilka orter har en åtgärdsplan?"):
        assert assess(asked(said, stats=stats), top, settings, stats).reason != "unknown_type", said


def test_a_why_or_how_question_that_names_money_does_not_demand_an_amount() -> None:
    plan = "Vandringen bör ligga på hösten så att förslagen hinner komma med i budgetprocessen."
    asked_why = "Varför ska vandringen ligga på hösten med tanke på budgetprocessen?"
    assert unmet_demand(asked_why, [plan], [], measures=False) == ""
    assert unmet_demand("Hur stor är budgeten för vandringen?", [plan], []) == "amount"


def test_a_clause_that_asks_who_pays_does_not_demand_an_amount() -> None:
    plan = "Den nya styrmodellen kommer att implementeras under 2024 och 2025 med stöd från Brå."
    assert unmet_demand("När ska den börja användas, och vem står för kostnaden?", [plan], []) == ""
    assert unmet_demand("Vem betalade kostnaden för styrmodellen?", [plan], []) == ""
    assert unmet_demand("Vad kostade styrmodellen, och vem betalade?", [plan], []) == "amount"


def test_a_name_in_the_genitive_is_found_in_its_base_form(fake_settings: Settings) -> None:
    from assistant.language.terms import TermStats, text_stems

    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.0}}).refusal
    said = "Kommunerna uppskattade Brå för det praktiknära stödet. Brås roll var att samordna."
    text = "De svarande tyckte att Brå gav ett flexibelt och praktiknära stöd."
    stats = TermStats([text_stems(said), text_stems(text), text_stems(CVE)])
    top = [passage(make_chunk("pm", 0, "Enkäten", text, "h1", "pm"))]
    question = "Vad tyckte de svarande fungerade bra med Brås stöd?"
    assert assess(asked(question, stats=stats), top, settings, stats).reason != "missing_name"


def test_a_count_needs_its_number_next_to_the_counted_thing(fake_settings: Settings) -> None:
    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.0}}).refusal
    apart = "Fyra av de fem kommunerna valde stöd inom fokusområdet om ungdomar som rekryteras, med SSPF."
    near = "Under 2023 hanterades 45 ungdomar i SSPF."
    heading = make_chunk("pm", 0, "Fokusområde 2: Ungdomar", apart, "h1", "pm")
    question = "Hur många ungdomar hanterades i SSPF?"
    assert assess(asked(question), [passage(heading)], settings).reason == "missing_counted"
    counted = make_chunk("pm", 0, "Fokusområde 2: Ungdomar", near, "h1", "pm")
    assert assess(asked(question), [passage(counted)], settings).reason != "missing_counted"


def test_the_name_a_count_question_asks_about_may_be_in_the_passage_s_heading(fake_settings: Settings) -> None:
    """ "Hur många dagar … i Kristianstad?" is answered by the chapter "13 Kristianstad", whose text does
    not repeat the name; a passage that names neither is no answer."""
    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.0}}).refusal
    text = "Det tog i genomsnitt 26 dagar från inskrivning till första praktikdag."
    question = "Hur många dagar tog det innan deltagarna i Kristianstad började praktik?"
    named = make_chunk("guide", 0, "Kapitel 13 – Kristianstad > Resultat", text, "h1", "guide")
    assert assess(asked(question), [passage(named)], settings).reason != "missing_counted"
    other = make_chunk("guide", 0, "Kapitel 12 – Vänersborg > Resultat", text, "h1", "guide")
    assert assess(asked(question), [passage(other)], settings).reason == "missing_counted"


def test_a_kind_of_thing_the_material_names_in_a_longer_compound_is_not_declined(fake_settings: Settings) -> None:
    from assistant.language.terms import TermStats, text_stems

    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.0}}).refusal
    text = "Gruppledarna utbildades i föräldraskapsprogrammet LST."
    stats = TermStats([text_stems(text), text_stems(CVE), text_stems(BUDGET)])
    top = [passage(make_chunk("pm", 0, "Föräldrar", text, "h1", "pm"))]
    assert assess(asked("Vilket föräldraprogram utbildades de i?", stats=stats), top, settings, stats).reason != (
        "unknown_type"
    )
    assert assess(asked("Vilket kartprogram används?", stats=stats), top, settings, stats).reason == "unknown_type"
    # typed without å/ä/ö, or one letter short of the material's stem: the same thing
    for said in ("vilket foraldraskapsprogram utbildades de i", "Vilka gruppledar utbildades?"):
        assert assess(asked(said, stats=stats), top, settings, stats).reason != "unknown_type", said
    # how often, or a summary: the word names no thing the material must speak of
    for said in ("Med vilket intervall utbildades gruppledarna?", "Sammanfatta vilka huvuddelar utbildningen har"):
        assert assess(asked(said, stats=stats), top, settings, stats).reason != "unknown_type", said
    assert assess(asked("Vilket intervall har programmet?", stats=stats), top, settings, stats).reason == "unknown_type"
    # a compound typed apart ("föräldraskaps program"), a genitive ("Vilket års …"): the material's word
    year = [passage(make_chunk("pm", 1, "Urval", "I urvalet användes lägesbilden från år 2021.", "h1", "pm"))]
    stats = TermStats([text_stems(text), text_stems("I urvalet användes lägesbilden från år 2021."), text_stems(CVE)])
    for said, found in (
        ("vilket foraldraskaps program utbildades de i?", top),
        ("Vilket års lägesbild användes?", year),
    ):
        assert assess(asked(said, stats=stats), found, settings, stats).reason != "unknown_type", said
    assert assess(asked("Vilket kart program används?", stats=stats), top, settings, stats).reason == "unknown_type"


@pytest.mark.parametrize(
    ("question", "evidence", "names", "unmet"),
    [
        ("Vad heter kommunpolisen i Åmål?", ["I Åmål deltog kommunpolisen Erik Berg i vandringen."], ["Åmål"], ""),
        ("Vad heter föreningen som stöttar mammor?", ["Stöd gick till föreningen Mamma United Community."], [], ""),
        # a place near the role names no one
        ("Vad heter projektledaren i Linköping?", ["I Linköping och Sigtuna bytte projektledarna tjänst."], [], "name"),
        ("Vad heter den lokala projektledaren?", ["De lokala projektledarna rapporterade varje kvartal."], [], "name"),
        # one word named right after what it names, or after "namnet"; a pronoun ends the phrase asked about
        ("vad hette föräldragruppen dom körde?", ["Kommunen erbjöd föräldragruppen Vägval med sex träffar."], [], ""),
        ("Vad hette överenskommelsen i Kalmar?", ["I Kalmar startade det under namnet Kalmarlöftet."], ["Kalmar"], ""),
        ("Vad hette överenskommelsen i Kalmar?", ["I Kalmar skrev krogarna på överenskommelsen."], ["Kalmar"], "name"),
        # a pronoun alone points at what was named before: any name answers ("den lokala …" is an article)
        ("Finns det en grupp för mammor? Vad heter de och vad gör de?", ["Kommunen stöder Mamma United."], [], ""),
        ("Vad heter den lokala samordnaren?", ["Kommunen stöder Mamma United."], [], "name"),
    ],
)
def test_a_question_for_a_name_needs_a_name_next_to_what_it_names(
    question: str, evidence: list[str], names: list[str], unmet: str
) -> None:
    assert unmet_demand(question, evidence, names) == unmet


def test_a_budget_table_s_figures_are_amounts_when_its_header_names_the_currency() -> None:
    from assistant.answering.demands import priced

    table = "Budgeten:\nPost | Beräkning | Kostnad (kr)\nBelysning | Sex lampor | 240 000\n**Summa** | | **1 370 000**"
    assert "240 000 kr" in priced(table) and "1 370 000 kr" in priced(table)
    counts = "År | Antal anmälningar\n2022 | 15"
    assert priced(counts) == counts  # no currency in the header: counts stay counts
    question = "Vad landar totalsumman på i budgetexemplet?"
    assert unmet_demand(question, [table]) == ""
    assert unmet_demand(question, [counts]) == "amount"


def test_a_counted_compound_is_met_by_another_compound_of_the_same_head(fake_settings: Settings) -> None:
    from assistant.language.terms import TermStats, text_stems

    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.0}})
    said = "Vi rekommenderar minst fyra fokusgrupper med unga. Samtal med unga ger underlag."
    other = "Lägesbilden bygger på samtal, enkäter och grupper av olika slag."
    stats = TermStats([text_stems(said), text_stems(other)])  # "samtalsgrupper" splits into samtal + grupp
    question = "Hur många samtalsgrupper med unga behövs?"
    top = [passage(make_chunk("pm", 0, "Lägesbild", said, "h1", "pm"))]
    assert assess(asked(question, stats=stats), top, settings.refusal, stats).reason != "missing_counted"
    none = [passage(make_chunk("pm", 0, "Lägesbild", "Vi rekommenderar fyra enkäter med unga.", "h1", "pm"))]
    assert assess(asked(question, stats=stats), none, settings.refusal, stats).reason == "missing_counted"


def test_an_answer_to_an_amount_question_must_quote_an_amount() -> None:
    question = "Vad kostade Swecos processtöd i samhällsbyggnadsarbetet?"
    assert amount_missing(question, "Brå har upphandlat konsulttjänster, däribland Sweco. [1]")
    assert not amount_missing(question, "Processtödet kostade 450 000 kronor. [1]")
    assert not amount_missing(question, "| Post | Kostnad (kr) |\n| Sweco | 450 000 | [1]")  # a priced table
    assert not amount_missing("Vem deltog i Swecos processtöd?", "Brå upphandlade Sweco. [1]")


def test_a_compound_whose_first_part_begins_another_compound_of_the_material_is_a_known_kind(
    fake_settings: Settings,
) -> None:
    from assistant.language.terms import TermStats, text_stems

    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.0}}).refusal
    text = "I arbetsgruppen fanns kurator, rektor och skolsköterska, med nyckelroller för alla yrkesverksamma."
    stats = TermStats(
        [text_stems(text), text_stems("Roller och ansvar var tydliga för alla verksamma."), text_stems(CVE)]
    )
    top = [passage(make_chunk("pm", 0, "Skolan", text, "h1", "pm"))]
    # "yrkes" is never a word of its own, but it begins "yrkes|verksamma"; "roller" is a word of the material
    said = "Vilka yrkesroller satt i arbetsgruppen?"
    assert assess(asked(said, stats=stats), top, settings, stats).reason != "unknown_type"
    # a first part no compound of the material begins with: still a kind it never speaks of
    said = "Vilka konsultroller satt i arbetsgruppen?"
    assert assess(asked(said, stats=stats), top, settings, stats).reason == "unknown_type"
