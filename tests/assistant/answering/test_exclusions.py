"""A question about a topic the material says it leaves out, and a year it only plans."""

from __future__ import annotations

from assistant.answering.exclusions import excluded_units, left_out
from assistant.answering.support import assess
from assistant.language.question import Question
from assistant.settings import Settings
from assistant.types import sentence_key
from tests.assistant.rag_fixtures import make_chunk, passage

SCOPE = (
    "Guiden behandlar inte:\n"
    "- regler om sekretess och behandling av personuppgifter,\n"
    "- riskbedömningar av enskilda individer, till exempel om en viss ung person är på väg in i kriminalitet.\n"
    "Guiden beskriver hur en lägesbild tas fram."
)
ROLE = "Samordnaren bör inte själv stå som ansvarig för enskilda åtgärder i planen."
RISK = "- riskbedömningar av enskilda individer, till exempel om en viss ung person är på väg in i kriminalitet."


def _weight(_term: str) -> float:
    return 1.0


def _scored(text: str, scores: dict[str, float]):
    found = passage(make_chunk("guide", 0, "Avgränsningar", text, "h1", "guide"))
    return found.model_copy(update={"sentence_scores": {sentence_key(k): v for k, v in scores.items()}})


def test_the_scope_statement_and_the_list_it_introduces_are_excluded_units() -> None:
    units = excluded_units(SCOPE)
    assert sentence_key("Guiden behandlar inte:") in units and sentence_key(RISK) in units
    # a list line reads with its intro, without its list mark
    assert units[sentence_key(RISK)].startswith("Guiden behandlar inte: riskbedömningar av enskilda individer")
    assert sentence_key("Guiden beskriver hur en lägesbild tas fram.") not in units


def test_a_scope_list_under_its_subject_alone_or_with_emphasis_is_one_of_statements() -> None:
    """ "Guiden" / "- ger **inte** juridisk rådgivning …": each line is a scope statement with its
    subject; "Guiden innehåller **inte**:" introduces its list; the emphasis is not quoted."""
    bare = excluded_units(
        "Guiden\n- ger **inte** juridisk rådgivning i enskilda ärenden;\n- beskriver kommunens arbete."
    )
    assert list(bare.values()) == ["Guiden ger inte juridisk rådgivning i enskilda ärenden."]
    contains = excluded_units("Guiden innehåller **inte**:\n- metoder för unga över 21 år.")
    assert (
        contains[sentence_key("- metoder för unga över 21 år.")]
        == "Guiden innehåller inte: metoder för unga över 21 år."
    )
    assert excluded_units("Guiden\n- handlar om samverkan.") == {}  # no negation, no statement


def test_a_question_nearest_a_left_out_topic_is_about_it_unless_another_sentence_covers_it() -> None:
    risk = Question.analyse("Hur ska vi bedöma risken för att en enskild ungdom rekryteras till ett nätverk?")
    scope = _scored(SCOPE, {RISK: 0.88, "Guiden beskriver hur en lägesbild tas fram.": 0.80})
    other = _scored("Lägesbilden bygger på minst tre källor.", {})
    stated = left_out(risk, [other, scope], _weight)
    assert stated.startswith("Guiden behandlar inte: riskbedömningar") and stated.endswith("[2]")  # its passage
    role = Question.analyse("Kan samordnaren stå som ansvarig för åtgärder i planen?")
    covered = _scored(f"{SCOPE}\n{ROLE}", {RISK: 0.88, ROLE: 0.86})
    assert not left_out(role, [covered], _weight)
    # not among the nearest sentences: no decision from the scope statement
    sources = "Lägesbilden bygger på minst tre källor."
    nearer = {"Guiden beskriver hur en lägesbild tas fram.": 0.9, ROLE: 0.89, sources: 0.8, RISK: 0.7}
    far = _scored(f"{SCOPE}\n{ROLE}\n{sources}", nearer)
    assert not left_out(risk, [far], _weight)
    # a question that asks what is left out is answered by the statement
    asked_out = Question.analyse("Vilka riskbedömningar tar guiden inte upp?")
    assert not left_out(asked_out, [scope], _weight)


def test_a_year_the_material_only_plans_is_no_answer_to_what_happened_then(fake_settings: Settings) -> None:
    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.0}}).refusal
    text = "Åtgärdsplanen antogs i juni 2024. Kommunen planerar att göra sin första uppföljning under 2026."
    top = [passage(make_chunk("guide", 0, "Ystad", text, "h1", "guide"))]
    happened = Question.analyse("Vad visade Ystads uppföljning 2026?")
    refused = assess(happened, top, settings)
    assert refused.reason == "planned_year"
    assert refused.evidence.statement == "Kommunen planerar att göra sin första uppföljning under 2026. [1]"
    assert assess(Question.analyse("Vad planerar Ystad att göra 2026?"), top, settings).supported
    assert assess(Question.analyse("Vad antogs i juni 2024?"), top, settings).supported


def test_a_pronoun_going_on_from_a_scope_statement_states_scope_too_quoted_with_it() -> None:
    text = "Guiden ger inga juridiska råd. Den redogör alltså inte för om tillstånd krävs. Den bygger på tre kommuner."
    units = excluded_units(text)
    going_on = units[sentence_key("Den redogör alltså inte för om tillstånd krävs.")]
    assert going_on == "Guiden ger inga juridiska råd. Den redogör alltså inte för om tillstånd krävs."
    assert sentence_key("Den bygger på tre kommuner.") not in units  # no negation: not a statement
    assert excluded_units("Projektet startade 2022. Det tar inte slut förrän 2025.") == {}  # no statement before


def test_a_list_under_a_heading_that_states_scope_lists_what_is_left_out() -> None:
    """The heading "Det här tar guiden inte upp" (the verb before the subject) states scope, so the
    list its section introduces ("Följande områden ligger utanför:") names what is left out."""
    text = (
        "Om guiden > Det här tar guiden inte upp\nVi har avgränsat guiden. Följande områden ligger utanför:\n"
        "- Spårbunden trafik ombord.\n- Skolskjuts med särskilda fordon."
    )
    units = excluded_units(text)
    assert units[sentence_key("- Skolskjuts med särskilda fordon.")] == (
        "Följande områden ligger utanför: Skolskjuts med särskilda fordon."
    )
    assert excluded_units(text.replace("tar guiden inte upp", "tar guiden upp")) == {}  # no scope heading


def test_under_a_scope_heading_a_pronoun_states_scope_and_a_statement_goes_on_through_pronouns() -> None:
    """Under "Det här tar guiden inte upp", "Den tar inte upp …" is the guide's scope though no
    sentence before names the guide; "… innehåller guiden ingen …" states it too."""
    text = (
        "Guider > Det här tar guiden inte upp\nGuiden handlar om förebyggande arbete. "
        "Den tar inte upp behandling av beroende. Den behandlar inte heller dopning. "
        "Vi går inte igenom sekretesslagen. Slutligen innehåller guiden ingen kostnadsberäkning."
    )
    units = excluded_units(text)
    for said in (
        "Den tar inte upp behandling av beroende.",
        "Den behandlar inte heller dopning.",
        "Vi går inte igenom sekretesslagen.",
        "Slutligen innehåller guiden ingen kostnadsberäkning.",
    ):
        assert sentence_key(said) in units, said
    assert sentence_key("Guiden handlar om förebyggande arbete.") not in units
    assert excluded_units(text.replace("tar guiden inte upp", "tar guiden upp")).keys() == {
        sentence_key("Vi går inte igenom sekretesslagen."),
        sentence_key("Slutligen innehåller guiden ingen kostnadsberäkning."),
    }  # no scope heading: only the statements that name the guide or its authors
    # a statement going on through two pronouns is quoted with the statement that began it
    going_on = excluded_units("Guiden ger inga råd. Den tar inte upp lagen. Den tar inte heller upp straff.")
    assert going_on[sentence_key("Den tar inte heller upp straff.")] == (
        "Guiden ger inga råd. Den tar inte heller upp straff."
    )


def test_a_documents_own_name_for_itself_states_its_scope_when_learnt() -> None:
    """ "Vägledningen tar inte upp följande:" is a scope statement of a guide that calls itself so."""
    text = "Vägledningen tar inte upp följande:\n- Kommunala bolag och deras uthyrning."
    item = sentence_key("- Kommunala bolag och deras uthyrning.")
    assert excluded_units(text) == {}
    learnt = excluded_units(text, frozenset({"vägledningen"}))
    assert learnt[item] == "Vägledningen tar inte upp följande: Kommunala bolag och deras uthyrning."
    bare = excluded_units("Vägledningen\n- ger **inte** juridiska råd.", frozenset({"vägledningen"}))
    assert list(bare.values()) == ["Vägledningen ger inte juridiska råd."]


def test_under_a_scope_heading_a_list_line_or_sentence_that_negates_states_scope() -> None:
    """ "Vad guiden inte tar upp" heads the section; a list line that states scope itself ("- **Juridik.**
    Guiden redogör inte för …") or, under that heading, negates ("… ingår inte") is left out."""
    text = (
        "Inledning > Vad guiden inte tar upp\nVi har gjort flera avgränsningar.\n"
        "- **Juridik.** Guiden redogör inte för regler om kamerabevakning.\n"
        "- **Andra transportformer.** Färdtjänst och skolskjuts ingår inte.\n"
        "- **Fokus.** Kommunens samverkan med regionen."
    )
    units = excluded_units(text)
    assert units[sentence_key("- **Juridik.** Guiden redogör inte för regler om kamerabevakning.")] == (
        "Juridik. Guiden redogör inte för regler om kamerabevakning."
    )
    assert sentence_key("- **Andra transportformer.** Färdtjänst och skolskjuts ingår inte.") in units
    assert sentence_key("- **Fokus.** Kommunens samverkan med regionen.") not in units
    elsewhere = excluded_units(text.replace("Vad guiden inte tar upp", "Vad guiden tar upp"))
    assert sentence_key("- **Andra transportformer.** Färdtjänst och skolskjuts ingår inte.") not in elsewhere
    assert sentence_key("- **Juridik.** Guiden redogör inte för regler om kamerabevakning.") in elsewhere


def test_an_answer_quoting_a_line_of_a_scope_list_quotes_it_with_its_intro() -> None:
    """The answer's first quoted unit is a line of the material's scope list: the refusal quotes the
    line as it reads with its intro, with its marker; a line of another list is no scope statement."""
    from assistant.answering.pipeline import _scope_statement

    scope = _scoped("Guiden har avgränsningar. Den behandlar inte:\n- klotter i kollektivtrafiken,\n- anlagda bränder.")
    answer = "Enligt materialet:\n- klotter i kollektivtrafiken, [1]\n- anlagda bränder. [1]"
    assert _scope_statement("Hur tar vi bort klotter på tågen?", answer, None, [scope]) == (
        "Den behandlar inte: klotter i kollektivtrafiken. [1]"
    )
    steps = _scoped("Så gör ni:\n- klotter i kollektivtrafiken,\n- anlagda bränder.", "Snabb sanering")
    assert _scope_statement("Hur tar vi bort klotter på tågen?", answer, None, [steps]) == ""
    assert _scope_statement("Vad tar guiden inte upp?", answer, None, [scope]) == ""  # asked: it is the answer


def _scoped(text: str, heading: str = "Förord > Vad guiden inte tar upp"):
    return passage(make_chunk("guide", 0, heading, text, "h1", "guide"))
