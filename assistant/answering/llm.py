"""Language-model generators: a local GGUF model (llama.cpp), an OpenAI-compatible server, or Ollama.

All three are a langchain chat model behind `LangChainGenerator`, which builds the Swedish
prompt (`assistant.answering.prompts`), streams the model's answer, strips leading whitespace and —
unless `llm_add_missing_markers` is off — appends a marker to a finished sentence that has
none when one passage clearly supports it (`assistant.answering.attribution`). The model is created
once per generator, on first use, never per question. Marker validation and citations
happen in `assistant.answering.pipeline`.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from assistant.answering.attribution import add_missing_markers
from assistant.answering.prompts import (
    MESSAGE_OVERHEAD_TOKENS,
    TokenCounter,
    build_messages,
    estimate_tokens,
    make_rewriter,
    message_text,
)
from assistant.errors import ConfigError, GenerationError, MetodstodError, MissingDependencyError
from assistant.language.question import Question
from assistant.settings import LLMSettings
from assistant.types import Passage

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

ModelFactory = Callable[[], "BaseChatModel"]
MODEL_PATH_ENV = "METODSTOD_LLM_MODEL_PATH"
FETCH_HINT = "python tools/fetch_llm.py"
LLAMACPP_INSTALL = "pip install llama-cpp-python langchain-community"
OPENAI_INSTALL = "pip install 'metodstod[llm]'  (or: pip install langchain-openai)"
OLLAMA_INSTALL = "pip install 'metodstod[llm]'  (or: pip install langchain-ollama)"
LLAMACPP_BATCH = 512  # prompt tokens evaluated per batch (ChatLlamaCpp's default of 8 is very slow)
SEED = 0


def _require(module: str, package: str, install: str, purpose: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise MissingDependencyError(package, install, purpose)


def strip_leading(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces with leading whitespace of the whole text removed and empty pieces dropped."""
    started = False
    for piece in pieces:
        if not started:
            piece = piece.lstrip()
            started = bool(piece)
        if piece:
            yield piece


class LangChainGenerator:
    """The `Generator` protocol over a langchain chat model (or a factory that creates it once)."""

    instant = False  # the model writes token by token: the answer is shown as it comes

    def __init__(
        self,
        name: str,
        chat_model: BaseChatModel | ModelFactory,
        settings: LLMSettings,
        *,
        serialize: bool = False,
        count_tokens: TokenCounter | None = None,
    ) -> None:
        self.name = name
        self.settings = settings
        self._model: BaseChatModel | None = None if _is_factory(chat_model) else chat_model  # type: ignore[assignment]
        self._factory: ModelFactory | None = chat_model if _is_factory(chat_model) else None  # type: ignore[assignment]
        self._load_lock = threading.Lock()
        self._lock = threading.Lock() if serialize else None  # a local model runs one request at a time
        self._count = count_tokens
        self.last_stats: dict[str, float] = {}  # prompt_tokens and first_token_seconds of the latest answer

    @property
    def model(self) -> BaseChatModel:
        """The chat model, created on first use."""
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    assert self._factory is not None
                    self._model = self._factory()
        return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def messages(self, question: str, passages: Sequence[Passage], language: str) -> list[BaseMessage]:
        return build_messages(question, passages, language, self.settings, self._counter())

    def _counter(self) -> TokenCounter:
        if self._count is not None:
            return self._count
        tokenize = getattr(getattr(self._model, "client", None), "tokenize", None)  # llama.cpp: exact counts
        if callable(tokenize):
            return lambda text: len(tokenize(text.encode("utf-8"), add_bos=False, special=True))
        return estimate_tokens

    def prompt_tokens(self, messages: Sequence[BaseMessage]) -> int:
        count = self._counter()
        return sum(count(message_text(m.content)) for m in messages) + MESSAGE_OVERHEAD_TOKENS

    def stream(self, question: Question, passages: Sequence[Passage]) -> Iterator[str]:
        if self._lock is None:
            yield from self._answer(question.query, passages, question.language)
            return
        with self._lock:
            yield from self._answer(question.query, passages, question.language)

    def _answer(self, question: str, passages: Sequence[Passage], language: str) -> Iterator[str]:
        pieces = self._pieces(question, passages, language)
        if self.settings.add_missing_markers:  # small models forget a marker now and then
            pieces = add_missing_markers(pieces, passages[: self.settings.context_passages])
        return strip_leading(pieces)

    def _pieces(self, question: str, passages: Sequence[Passage], language: str) -> Iterator[str]:
        model = self.model
        messages = self.messages(question, passages, language)
        stats = {"prompt_tokens": float(self.prompt_tokens(messages))}
        self.last_stats = stats
        started = time.perf_counter()
        try:
            for chunk in model.stream(messages):
                piece = message_text(chunk.content)
                if piece:
                    stats.setdefault("first_token_seconds", time.perf_counter() - started)
                yield piece
        except MetodstodError:
            raise
        except Exception as exc:
            raise GenerationError(f"Språkmodellen ({self.name}) svarade inte: {exc}") from exc

    def rewriter(self) -> Callable[[str, Sequence[str]], str]:
        """A follow-up rewriter on the same model (loaded once, shared with answering)."""
        return make_rewriter(lambda: self.model, self._lock)


def _is_factory(chat_model: object) -> bool:
    return callable(chat_model) and not hasattr(chat_model, "stream")


# -- factories -------------------------------------------------------------------------------
def llamacpp_generator(settings: LLMSettings) -> LangChainGenerator:
    """The local GGUF model through llama.cpp; greedy (deterministic) decoding."""
    path = settings.llamacpp.model_path
    if path is None:
        raise ConfigError(
            f"generatorn 'llamacpp' behöver en GGUF-modellfil: sätt {MODEL_PATH_ENV} (eller llm_model_path i "
            f"metodstod.toml). Hämta standardmodellen med `{FETCH_HINT}`."
        )
    if not path.is_file():
        raise ConfigError(
            f"{MODEL_PATH_ENV} pekar på {path}, som inte är en fil. Hämta modellen med `{FETCH_HINT}` "
            "och låt inställningen peka på den .gguf-fil det skriver ut."
        )
    _require("llama_cpp", "llama-cpp-python", LLAMACPP_INSTALL, "Generatorn llamacpp")
    _require("langchain_community", "langchain-community", LLAMACPP_INSTALL, "Generatorn llamacpp")
    return LangChainGenerator("llamacpp", lambda: _chat_llamacpp(settings), settings, serialize=True)


def _chat_llamacpp(settings: LLMSettings) -> BaseChatModel:
    from langchain_community.chat_models import ChatLlamaCpp

    try:
        return ChatLlamaCpp(
            model_path=str(settings.llamacpp.model_path),
            n_ctx=settings.context_tokens,
            n_threads=settings.llamacpp.threads,
            n_batch=LLAMACPP_BATCH,
            max_tokens=settings.max_tokens,
            temperature=0.0,  # greedy: the same question and sources give the same answer
            top_k=1,
            top_p=1.0,
            repeat_penalty=1.0,  # a penalty would discourage repeating markers and quoted terms
            seed=SEED,
            rope_freq_base=0.0,  # 0 = from the model file (ChatLlamaCpp's 10000 is wrong for Qwen2.5)
            rope_freq_scale=0.0,
            streaming=True,
            verbose=False,
        )
    except (ValueError, ImportError) as exc:
        raise GenerationError(f"Den lokala modellen {settings.llamacpp.model_path} kunde inte läsas in: {exc}") from exc


def openai_generator(settings: LLMSettings) -> LangChainGenerator:
    """Any OpenAI-compatible chat server (vLLM, llama.cpp server, LM Studio, OpenAI)."""
    _require("langchain_openai", "langchain-openai", OPENAI_INSTALL, "Generatorn openai")
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        base_url=settings.openai.base_url,
        model=settings.openai.model,
        api_key=settings.openai.api_key.get_secret_value(),
        temperature=0.0,
        max_tokens=settings.max_tokens,
        timeout=settings.timeout_seconds,
        max_retries=1,
        streaming=True,
    )
    return LangChainGenerator("openai", model, settings)


def ollama_generator(settings: LLMSettings) -> LangChainGenerator:
    """A model served by Ollama."""
    _require("langchain_ollama", "langchain-ollama", OLLAMA_INSTALL, "Generatorn ollama")
    from langchain_ollama import ChatOllama

    model = ChatOllama(
        base_url=settings.ollama.base_url,
        model=settings.ollama.model,
        temperature=0.0,
        seed=SEED,
        num_predict=settings.max_tokens,
        num_ctx=settings.context_tokens,
        client_kwargs={"timeout": settings.timeout_seconds},
    )
    return LangChainGenerator("ollama", model, settings)
