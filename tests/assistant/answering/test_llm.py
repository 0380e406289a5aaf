"""LLM generators and prompts with a scripted chat model: no model file, no network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from assistant.answering import prompts
from assistant.answering.llm import (
    LangChainGenerator,
    llamacpp_generator,
    ollama_generator,
    openai_generator,
    strip_leading,
)
from assistant.errors import ConfigError, GenerationError, MissingDependencyError
from assistant.language.conversation import resolve
from assistant.language.question import Question
from assistant.settings import Settings
from assistant.types import Chunk, Passage

asked = Question.analyse  # the analysed question every stage reads

DATES = "Brå fick i mars 2022 i uppdrag av regeringen att utveckla stödet till kommuner med utsatta områden."
END = "Projektet startade i augusti år 2022 och avslutades i maj år 2024."
FILLER = "Kommunerna arbetade med många olika aktiviteter inom ramen för samverkan och lokala lägesbilder."


class ScriptedChat(BaseChatModel):
    """Streams a scripted reply in pieces and remembers the messages it was given."""

    reply: str = "Svaret [1]."
    piece_chars: int = 4
    fail: bool = False
    seen: list[list[BaseMessage]] = Field(default_factory=list)
    stops: list[Any] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> ChatResult:
        self.seen.append(list(messages))
        self.stops.append(stop)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply))])

    def _stream(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> Iterator[ChatGenerationChunk]:
        self.seen.append(list(messages))
        self.stops.append(stop)
        if self.fail:
            raise ConnectionError("server went away")
        yield ChatGenerationChunk(message=AIMessageChunk(content=""))  # a role-only first delta, as llama.cpp sends
        for i in range(0, len(self.reply), self.piece_chars):
            yield ChatGenerationChunk(message=AIMessageChunk(content=self.reply[i : i + self.piece_chars]))


def passage(text: str, n: int = 0, section: str = "Sammanfattning", page: int | None = 3) -> Passage:
    chunk = Chunk(
        id=f"c{n}",
        doc_id="slutrapport-suo-2024",
        title="Slutrapport",
        doc_type="pm",
        section=section,
        page_start=page,
        position=n,
        text=text,
        content_hash=f"h{n}",
    )
    return Passage(chunk=chunk, score=1.0 - n / 10)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedder="fake")


def generator(settings: Settings, reply: str = "Svaret [1].", **kw: Any) -> tuple[LangChainGenerator, ScriptedChat]:
    chat = ScriptedChat(reply=reply, seen=[], **kw)
    return LangChainGenerator("scripted", chat, settings.llm), chat


# -- prompts ---------------------------------------------------------------------------------
def test_prompt_has_swedish_rules_and_numbered_passages(settings: Settings) -> None:
    gen, chat = generator(settings)
    list(gen.stream(asked("När avslutades projektet?"), [passage(DATES, 0), passage(END, 1, "Organisation", 7)]))
    system, user = chat.seen[0]
    assert system.type == "system" and user.type == "human"
    assert "bara utifrån de numrerade källorna" in system.content
    assert '"Det framgår inte av underlaget."' in system.content
    assert "[1] eller [1][2]" in system.content and "Hitta aldrig på" in system.content
    assert "Svara på svenska." in system.content
    assert f"[1] (avsnitt: Sammanfattning, s. 3) {DATES}" in user.content
    assert f"[2] (avsnitt: Organisation, s. 7) {END}" in user.content
    assert user.content.startswith("Fråga: När avslutades projektet?")  # first, and again after the sources
    assert user.content.count("Fråga: När avslutades projektet?") == 2


def test_english_question_gets_english_instruction(settings: Settings) -> None:
    messages = prompts.build_messages("When did the project end?", [passage(END)], "en", settings.llm)
    system, user = (m.content for m in messages)
    assert "svara på engelska" in system
    assert '"The material does not say."' in system and "Det framgår inte" not in system
    assert "Answer in English" in user
    assert "Svara på svenska" not in system + user


def sources(question: str, passages: list[Passage], total_words: int) -> str:
    return prompts.format_sources(passages, prompts.prepare_sources(question, passages), total_words)


def test_header_without_page_or_section() -> None:
    text = sources("fråga", [passage("En mening om något viktigt här.", 0, section="", page=None)], 50)
    assert text.startswith("[1] En mening")


def test_header_names_the_innermost_section() -> None:
    text = sources("fråga", [passage("En mening om något viktigt här.", 0, section="Projektet > Organisation")], 50)
    assert text.startswith("[1] (avsnitt: Organisation, s. 3) En mening")


def test_markers_inside_passage_text_are_removed(settings: Settings) -> None:
    user = prompts.build_messages("Vad hände?", [passage("Projektet avslutades [3] i maj.")], "sv", settings.llm)[1]
    assert "[3]" not in user.content and "Projektet avslutades i maj." in user.content


def test_excerpt_keeps_the_matching_sentence_within_the_word_limit() -> None:
    text = " ".join([FILLER] * 4 + [END] + [FILLER] * 4)
    cut = sources("När avslutades projektet?", [passage(text)], 30)
    assert END in cut
    assert len(cut.split()) <= 30 + 6  # plus the header and the "…" gap marks


def test_excerpt_cuts_one_overlong_sentence() -> None:
    long = " ".join(["ord"] * 80) + "."
    cut = sources("Vad?", [passage(long)], 20)
    assert cut.endswith("ord …") and cut.count("ord") == 19


def test_list_stays_together_with_its_intro() -> None:
    text = (
        f"{FILLER} Samtliga aktiviteter ryms inom sex fokusområden:\n- kunskapsbaserat arbete\n"
        "- barn och unga\n- välfärdsbrottslighet\nEfter listan kommer en mening om något helt annat här."
    )
    cut = sources("Vilka fokusområden fanns?", [passage(text)], 20)
    assert "sex fokusområden: kunskapsbaserat arbete; barn och unga; välfärdsbrottslighet." in cut


def test_text_repeated_by_a_later_passage_is_shown_once() -> None:
    first, second, third = passage(f"{END} {DATES}", 0), passage(END, 1), passage(f"{DATES} {FILLER}", 2)
    text = sources("När avslutades projektet?", [first, second, third], 200)
    assert text.count(DATES) == 1 and text.count(END) == 1
    assert "[2]" not in text  # nothing new: left out, and its number stays unused
    assert text.splitlines()[1].startswith("[3] (avsnitt: Sammanfattning, s. 3)")


def test_words_go_to_the_relevant_sentences_of_any_passage() -> None:
    first = passage(" ".join([FILLER.replace("olika", f"olika{i}") for i in range(6)]), 0)
    second = passage(f"{FILLER} {END} {DATES}", 1)
    text = sources("När avslutades projektet i maj?", [first, second], 45)
    assert END in text
    assert len(text.splitlines()) == 2 and text.splitlines()[0].startswith("[1]")


def test_budget_trimming_keeps_the_prompt_within_the_token_budget(settings: Settings) -> None:
    settings = settings.model_copy(update={"llm_prompt_tokens": 650, "llm_context_passages": 4})
    many = [passage(" ".join([FILLER.replace("olika", f"olika{i}")] * 10 + [END]), i) for i in range(8)]
    kept, words, _ = prompts.fit_passages("När avslutades projektet?", many, "sv", settings.llm)
    messages = prompts.build_messages("När avslutades projektet?", many, "sv", settings.llm)
    total = sum(prompts.estimate_tokens(m.content) for m in messages) + prompts.MESSAGE_OVERHEAD_TOKENS
    assert total <= 650
    assert 1 <= len(kept) <= 4 and words <= 4 * settings.llm.passage_words
    assert "[5]" not in messages[1].content
    assert END in messages[1].content  # the sentence that answers survives the cut


def test_budget_drops_low_ranked_passages_before_the_top_one(settings: Settings) -> None:
    settings = settings.model_copy(update={"llm_prompt_tokens": 420})
    many = [passage(" ".join([FILLER.replace("olika", f"olika{i}")] * 10), i) for i in range(4)]
    kept, _, user = prompts.fit_passages("Vad gjorde kommunerna?", many, "sv", settings.llm)
    assert kept[0].chunk.id == "c0" and "[1]" in user
    assert len(kept) < 4


def test_exact_token_counter_is_used_when_given(settings: Settings) -> None:
    calls: list[str] = []

    def count(text: str) -> int:
        calls.append(text)
        return len(text.split())

    gen = LangChainGenerator("x", ScriptedChat(seen=[]), settings.llm, count_tokens=count)
    gen.messages("Vad?", [passage(END)], "sv")
    assert calls


def test_is_no_answer() -> None:
    assert prompts.is_no_answer("Det framgår inte av underlaget.")
    assert prompts.is_no_answer(' "The material does not say." [1]')
    assert not prompts.is_no_answer("Projektet avslutades i maj 2024 [1].")


# -- streaming -------------------------------------------------------------------------------
def test_stream_yields_pieces_without_leading_whitespace(settings: Settings) -> None:
    reply = "\n  Projektet avslutades i maj 2024 [1]. Det startade i augusti 2022 [1]."
    gen, _ = generator(settings, reply=reply)
    pieces = list(gen.stream(asked("När avslutades projektet?"), [passage(END)]))
    assert len(pieces) > 5
    assert "".join(pieces) == reply.lstrip()
    assert all(pieces)
    assert gen.last_stats["prompt_tokens"] > 50


def test_strip_leading_only_touches_the_start() -> None:
    assert list(strip_leading([" ", "\n", " Hej", " där", ""])) == ["Hej", " där"]


def test_model_is_created_once_and_lazily(settings: Settings) -> None:
    made: list[ScriptedChat] = []

    def factory() -> ScriptedChat:
        made.append(ScriptedChat(seen=[]))
        return made[-1]

    gen = LangChainGenerator("lazy", factory, settings.llm, serialize=True)
    assert not gen.loaded and not made
    for _ in range(3):
        assert "".join(gen.stream(asked("Vad?"), [passage(END)])) == "Svaret [1]."
    assert len(made) == 1 and len(made[0].seen) == 3


def test_model_failure_becomes_generation_error(settings: Settings) -> None:
    gen, _ = generator(settings, fail=True)
    with pytest.raises(GenerationError, match="server went away"):
        list(gen.stream(asked("Vad?"), [passage(END)]))


# -- follow-up rewriter ----------------------------------------------------------------------
def test_rewriter_returns_a_standalone_question() -> None:
    chat = ScriptedChat(reply="Fristående fråga: Vilka kommuner startade SSPF?", seen=[], stops=[])
    rewrite = prompts.make_rewriter(chat)
    assert rewrite("Vilka kommuner startade det?", ["Vad är SSPF?"]) == "Vilka kommuner startade SSPF?"
    system, user = chat.seen[0]
    assert "fristående" in user.content.lower() and "- Vad är SSPF?" in user.content
    assert "Skriv om" in system.content
    assert chat.stops == [["\n"]]


def test_rewriter_stops_reading_after_the_first_line() -> None:
    chat = ScriptedChat(reply="Vad gjorde Sigtuna?\nFörklaring: frågan syftar på ...", seen=[], piece_chars=3)
    assert prompts.make_rewriter(chat)("Och Sigtuna?", ["Vad gjorde Linköping?"]) == "Vad gjorde Sigtuna?"


def test_rewriter_plugs_into_conversation_resolve() -> None:
    chat = ScriptedChat(reply='"Vilka kommuner startade SSPF?"', seen=[], stops=[])
    query = resolve("Vilka kommuner startade det?", ["Vad är SSPF?"], prompts.make_rewriter(lambda: chat))
    assert query == "Vilka kommuner startade SSPF?"


def test_unusable_or_unchanged_rewrite_is_empty() -> None:
    assert prompts.clean_rewrite("   ", "Och där?") == ""
    assert prompts.clean_rewrite("x" * 500, "Och där?") == ""
    assert prompts.clean_rewrite("Fristående fråga: och  där", "Och där?") == ""  # the conversation's rule decides


def test_generator_rewriter_shares_the_model(settings: Settings) -> None:
    made: list[ScriptedChat] = []

    def factory() -> ScriptedChat:
        made.append(ScriptedChat(reply="Vad gjorde Sigtuna?", seen=[], stops=[]))
        return made[-1]

    gen = LangChainGenerator("lazy", factory, settings.llm, serialize=True)
    assert gen.rewriter()("Och Sigtuna?", ["Vad gjorde Linköping?"]) == "Vad gjorde Sigtuna?"
    list(gen.stream(asked("Vad?"), [passage(END)]))
    assert len(made) == 1


# -- factories -------------------------------------------------------------------------------
def test_llamacpp_without_model_path_names_the_env_var(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="METODSTOD_LLM_MODEL_PATH") as info:
        llamacpp_generator(settings.llm)
    assert "python tools/fetch_llm.py" in str(info.value)


def test_llamacpp_with_missing_file_names_the_env_var(settings: Settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"llm_model_path": tmp_path / "nope.gguf"})
    with pytest.raises(ConfigError, match=r"METODSTOD_LLM_MODEL_PATH.*nope\.gguf"):
        llamacpp_generator(settings.llm)


def test_llamacpp_model_path_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("METODSTOD_LLM_MODEL_PATH", str(tmp_path / "missing.gguf"))
    with pytest.raises(ConfigError, match=r"missing\.gguf"):
        llamacpp_generator(Settings().llm)


def test_llamacpp_factory_loads_nothing_until_used(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("llama_cpp")
    pytest.importorskip("langchain_community")
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    made: list[dict] = []

    class FakeChatLlamaCpp(ScriptedChat):
        def __init__(self, **kw: Any) -> None:
            made.append(kw)
            super().__init__(seen=[])

    import langchain_community.chat_models as chat_models

    monkeypatch.setattr(chat_models, "ChatLlamaCpp", FakeChatLlamaCpp)
    gen = llamacpp_generator(settings.model_copy(update={"llm_model_path": model, "llm_threads": 3}).llm)
    assert gen.name == "llamacpp" and not gen.loaded and not made
    list(gen.stream(asked("Vad?"), [passage(END)]))
    list(gen.stream(asked("Vad?"), [passage(END)]))
    assert len(made) == 1
    params = made[0]
    assert params["model_path"] == str(model) and params["n_threads"] == 3
    assert params["temperature"] == 0.0 and params["top_k"] == 1 and params["seed"] == 0
    assert params["n_ctx"] == settings.llm.context_tokens and params["max_tokens"] == settings.llm.max_tokens
    assert params["rope_freq_base"] == 0.0  # from the GGUF, not ChatLlamaCpp's 10000


def test_openai_factory_constructs_without_network(settings: Settings) -> None:
    pytest.importorskip("langchain_openai")
    settings = settings.model_copy(update={"openai_base_url": "http://127.0.0.1:9/v1", "openai_model": "m1"})
    gen = openai_generator(settings.llm)
    assert gen.name == "openai" and gen.loaded
    assert gen.model.model_name == "m1" and gen.model.temperature == 0.0
    assert str(gen.model.openai_api_base).startswith("http://127.0.0.1:9")


def test_ollama_factory_constructs_without_network(settings: Settings) -> None:
    pytest.importorskip("langchain_ollama")
    settings = settings.model_copy(update={"ollama_base_url": "http://127.0.0.1:9", "ollama_model": "qwen"})
    gen = ollama_generator(settings.llm)
    assert gen.name == "ollama"
    assert gen.model.model == "qwen" and gen.model.temperature == 0.0 and gen.model.base_url == "http://127.0.0.1:9"


def test_the_composition_root_builds_generators_by_name(settings: Settings) -> None:
    from assistant.wiring import build_generator

    pytest.importorskip("langchain_openai")
    llm = build_generator(settings.model_copy(update={"generator": "openai"}))
    assert llm.name == "openai" and llm.instant is False
    extractive = build_generator(settings.model_copy(update={"generator": "extractive"}))
    assert extractive.name == "extractive" and extractive.instant is True and extractive.rewriter() is None


def test_missing_package_names_the_install_command(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    missing = "langchain_ollama"
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == missing else real(name))
    with pytest.raises(MissingDependencyError, match="pip install"):
        ollama_generator(settings.llm)


# -- markers the model forgot (assistant.answering.attribution has its own tests) ---------------------
def test_generator_adds_missing_markers_unless_turned_off(settings: Settings) -> None:
    reply = "Projektet avslutades i maj 2024."
    gen, _ = generator(settings, reply=reply)
    assert "".join(gen.stream(asked("När?"), [passage(END)])) == reply + " [1]"
    gen, _ = generator(settings.model_copy(update={"llm_add_missing_markers": False}), reply=reply)
    assert "".join(gen.stream(asked("När?"), [passage(END)])) == reply
