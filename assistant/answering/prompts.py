"""Swedish prompts for the language-model generators and the follow-up rewriter.

The answer prompt is a system message with the rules (answer only from the numbered
sources, 2–4 sentences, in the question's language, every sentence ending with the
marker of its source, a fixed sentence when the sources do not answer, one short
example) and a user message with the question, the numbered sources and the question
again. The system message is the same for every question in a language, so llama.cpp
keeps it in its cache and evaluates only the user message.

The sources are trimmed to a token budget (`llm_prompt_tokens`, whole prompt): from at
most `llm_context_passages` passages (with their neighbouring context), the sentences
that best match the question — weighted by rarity, a list kept together with its intro,
a sentence repeated by an overlapping passage quoted once — up to `llm_passage_words`
words per passage on average. The passages keep their numbers, so [n] in the answer is
the n-th passage given to the generator. A prompt of ~700 tokens takes ~13 s at ~55
prompt tokens/s on two idle cores (~8 s when the system message is cached)."""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.answering.citations import MARKER_RE, is_list_line, passage_sentences
from assistant.language.terms import TermStats, question_terms, text_stems
from assistant.settings import LLMSettings
from assistant.types import Passage

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

NO_ANSWER = {"sv": "Det framgår inte av underlaget.", "en": "The material does not say."}
LANGUAGE_RULE = {  # last in the system prompt: the text before it is the same for every question (cached)
    "sv": "Svara på svenska.",
    "en": "Frågan är på engelska: svara på engelska (in English), även om källorna är på svenska.",
}
SYSTEM_PROMPT = """Du svarar på frågor om Brås material om brottsförebyggande arbete, \
bara utifrån de numrerade källorna.
Regler:
1. Använd aldrig egen kunskap. Står svaret inte i källorna, skriv bara: "{no_answer}"
2. Svara kort: 2–4 meningar.
3. Avsluta varje mening med numret på källan den bygger på, t.ex. [1] eller [1][2]. Hitta aldrig på nummer.
Exempel:
[1] (avsnitt: Bakgrund) Kommunen anställde två samordnare år 2021.
[2] (avsnitt: Resultat) Arbetet utvärderades av en extern forskare.
Fråga: Vem utvärderade arbetet?
Svar: Arbetet utvärderades av en extern forskare [2].
Fråga: Vad kostade arbetet?
Svar: {no_answer}
{language_rule}"""
# The question comes first (a small model reads the sources knowing what to look for) and again last.
USER_TEMPLATE = "Fråga: {question}\n\nKällor:\n{sources}\n\nFråga: {question}\n\n{reminder}"
REMINDER = {
    "sv": "Svara på svenska i 2–4 meningar. Avsluta varje mening med källans nummer, t.ex. [1].",
    "en": "Answer in English in 2–4 sentences. End every sentence with the source number, e.g. [1].",
}
CHARS_PER_TOKEN = 3.0  # Qwen2.5 tokenizer on the Swedish material: ~3.0 characters (2.4 tokens per word)
MESSAGE_OVERHEAD_TOKENS = 12  # chat-template tokens around the two messages
MIN_PASSAGE_WORDS = 25  # fewer quoted words per passage than this: the last passage is dropped
WORDS_STEP = 5
SECTION_CHARS = 50
_BULLET_RE = re.compile(r"^\s*(?:[-*•]|\(?\d+[.)])\s+")
GAP = " … "
TokenCounter = Callable[[str], int]

REWRITE_SYSTEM = """Du skriver om följdfrågor. Du får tidigare frågor i ett samtal och en ny fråga.
Skriv om den nya frågan så att den går att förstå utan samtalet: ersätt ord som "det", "de", "där" och "dem" \
med det de syftar på. Behåll frågans språk. Svara bara med den omskrivna frågan på en rad, utan förklaring.
Exempel:
Tidigare frågor:
- Vad är EST?
Ny fråga: Vilka deltog i det?
Fristående fråga: Vilka deltog i EST?"""
REWRITE_USER = "Tidigare frågor:\n{history}\n\nNy fråga: {question}\n\nFristående fråga:"
REWRITE_HISTORY_TURNS = 3
_REWRITE_PREFIX_RE = re.compile(r"^\s*(fristående fråga|omskriven fråga|standalone question|fråga)\s*:\s*", re.I)


def estimate_tokens(text: str) -> int:
    """Tokens of `text` for the local model, estimated from its length (calibrated on the material)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def system_prompt(language: str) -> str:
    lang = language if language in NO_ANSWER else "sv"
    return SYSTEM_PROMPT.format(language_rule=LANGUAGE_RULE[lang], no_answer=NO_ANSWER[lang])


def is_no_answer(text: str) -> bool:
    """Whether a generated answer is the fixed "the sources do not say" sentence (either language)."""
    body = MARKER_RE.sub("", text).strip().strip('"').strip()
    return body in NO_ANSWER.values()


# -- sources -------------------------------------------------------------------------------
@dataclass
class _Unit:
    """A quotable piece of a passage: a sentence, or a list (intro line + items) kept together."""

    text: str
    order: int
    own: bool
    stems: frozenset[str]
    score: float = 0.0

    @property
    def words(self) -> int:
        return len(self.text.split())


def _header(n: int, passage: Passage) -> str:
    chunk = passage.chunk
    section = " ".join(chunk.section.split(">")[-1].split())  # the innermost heading
    if len(section) > SECTION_CHARS:
        section = section[: SECTION_CHARS - 1].rstrip() + "…"
    parts = [f"avsnitt: {section}"] if section else []
    if chunk.page_start is not None:
        parts.append(f"s. {chunk.page_start}")
    return f"[{n}] ({', '.join(parts)})" if parts else f"[{n}]"


def _clean(line: str) -> str:
    """Passage text must not carry markers of its own: "[3]" in a source would look like a citation."""
    return " ".join(MARKER_RE.sub("", line).split())


def _render(block: list[str]) -> str:
    if len(block) == 1:
        return _BULLET_RE.sub("", block[0])
    head, items = (block[0], block[1:]) if not is_list_line(block[0]) else ("", block)
    listed = "; ".join(_BULLET_RE.sub("", item).strip(" |") for item in items)
    return f"{head} {listed}." if head else f"{listed}."


def _units(passage: Passage) -> list[_Unit]:
    own = passage.chunk.text
    blocks: list[list[str]] = []
    for line in (_clean(x) for x in passage_sentences(passage.context or own)):
        if not line:
            continue
        if is_list_line(line) and blocks and (is_list_line(blocks[-1][-1]) or blocks[-1][-1].endswith(":")):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return [_Unit(_render(b), i, b[0] in own, text_stems(" ".join(b))) for i, b in enumerate(blocks)]


def prepare_sources(question: str, passages: Sequence[Passage]) -> list[list[_Unit]]:
    """The units of every passage, scored by the question terms they contain (weighted by rarity)."""
    units = [_units(p) for p in passages]
    weigh = TermStats(u.stems for group in units for u in group).weight
    terms = question_terms(question)
    for group in units:
        for unit in group:
            unit.score = sum(t.weight(weigh) for t in terms if t.found_in(unit.stems))
    return units


def _best_first(unit: _Unit) -> tuple[float, bool, int]:
    return (-unit.score, not unit.own, unit.order)


def _cut(unit: _Unit, words: int) -> _Unit:
    text = " ".join(unit.text.split()[:words]) + " …"
    return _Unit(text, unit.order, unit.own, unit.stems, unit.score)


def select_units(units: Sequence[Sequence[_Unit]], total_words: int) -> list[list[_Unit]]:
    """Units to quote per passage within `total_words`, shared by relevance, each text at most once.

    Every passage first gets its best unit (in rank order; the top passage's is cut when it
    is too long alone), then the remaining words go to the best-scoring units of any passage.
    """
    chosen: list[list[_Unit]] = [[] for _ in units]
    seen: set[str] = set()
    used = 0

    def take(i: int, unit: _Unit, original: _Unit) -> None:
        nonlocal used
        chosen[i].append(unit)
        seen.add(original.text)
        used += unit.words

    for i, group in enumerate(units):
        best = next((u for u in sorted(group, key=_best_first) if u.text not in seen), None)
        if best is not None and used + best.words <= total_words:
            take(i, best, best)
        elif best is not None and i == 0:
            take(i, _cut(best, max(1, total_words - 1)), best)
    candidates = [(u, i) for i, group in enumerate(units) for u in group if u.score > 0]
    for unit, i in sorted(candidates, key=lambda c: (*_best_first(c[0]), c[1])):
        if unit.text not in seen and used + unit.words <= total_words:
            take(i, unit, unit)
    return [sorted(group, key=lambda u: u.order) for group in chosen]


def _join(units: list[_Unit]) -> str:
    gaps = ("" if i == 0 else " " if u.order == units[i - 1].order + 1 else GAP for i, u in enumerate(units))
    return "".join(gap + u.text for gap, u in zip(gaps, units, strict=True))


def format_sources(passages: Sequence[Passage], units: Sequence[Sequence[_Unit]], total_words: int) -> str:
    """One line per passage, "[n] (avsnitt: …, s. …) text"; a passage with nothing new is left out
    (its number stays unused, so [n] always means the n-th passage given to the generator)."""
    lines = []
    for n, (passage, group) in enumerate(zip(passages, select_units(units, total_words), strict=True), start=1):
        if group:
            lines.append(f"{_header(n, passage)} {_join(group)}")
    return "\n".join(lines)


def user_message(
    question: str, passages: Sequence[Passage], language: str, total_words: int, units: Sequence[Sequence[_Unit]] = ()
) -> str:
    lang = language if language in REMINDER else "sv"
    sources = format_sources(passages, units or prepare_sources(question, passages), total_words)
    return USER_TEMPLATE.format(sources=sources, question=question, reminder=REMINDER[lang])


def _tokens(system: str, user: str, count: TokenCounter) -> int:
    return count(system) + count(user) + MESSAGE_OVERHEAD_TOKENS


def fit_passages(
    question: str,
    passages: Sequence[Passage],
    language: str,
    settings: LLMSettings,
    count: TokenCounter = estimate_tokens,
) -> tuple[list[Passage], int, str]:
    """The passages, quoted words and user message that keep the prompt within `llm_prompt_tokens`.

    Starts from `llm_passage_words` words per passage; the total shrinks until the prompt
    fits, and the lowest-ranked passage is dropped whenever fewer than MIN_PASSAGE_WORDS
    remain per passage. The top passage is always kept.
    """
    system = system_prompt(language)
    kept = list(passages[: settings.context_passages])
    units = prepare_sources(question, kept)
    words = settings.passage_words * len(kept)
    while True:
        user = user_message(question, kept, language, words, units[: len(kept)])
        if _tokens(system, user, count) <= settings.prompt_tokens or words <= WORDS_STEP:
            return kept, words, user
        words -= WORDS_STEP
        if len(kept) > 1 and words < MIN_PASSAGE_WORDS * len(kept):
            kept.pop()


def build_messages(
    question: str,
    passages: Sequence[Passage],
    language: str,
    settings: LLMSettings,
    count: TokenCounter = estimate_tokens,
) -> list[BaseMessage]:
    """System and user messages for one answer; the markers [n] number `passages` from 1."""
    from langchain_core.messages import HumanMessage, SystemMessage

    user = fit_passages(question, passages, language, settings, count)[2]
    return [SystemMessage(content=system_prompt(language)), HumanMessage(content=user)]


# -- follow-up rewriting ---------------------------------------------------------------------
def rewrite_messages(question: str, history: Sequence[str]) -> list[BaseMessage]:
    from langchain_core.messages import HumanMessage, SystemMessage

    turns = [h.strip() for h in history if h and h.strip()][-REWRITE_HISTORY_TURNS:]
    listed = "\n".join(f"- {h}" for h in turns) or "- (inga)"
    return [
        SystemMessage(content=REWRITE_SYSTEM),
        HumanMessage(content=REWRITE_USER.format(history=listed, question=question.strip())),
    ]


def clean_rewrite(text: str, question: str) -> str:
    """The first line of the model's answer without a label or quotes; "" when unusable or unchanged."""
    line = next((ln for ln in text.strip().splitlines() if ln.strip()), "")
    line = _REWRITE_PREFIX_RE.sub("", line).strip().strip("\"'”“«»").strip()
    if not line or len(line) > 3 * len(question) + 200 or _same(line, question):
        return ""  # unusable or unchanged: the conversation's own rule decides
    return line


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()).rstrip("?. ") == " ".join(b.casefold().split()).rstrip("?. ")


def message_text(content: Any) -> str:
    """The text of a message (chunk) content: a string, or a list of content blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = (b if isinstance(b, str) else str(b.get("text", "")) for b in content if isinstance(b, str | dict))
        return "".join(parts)
    return ""


def first_line(model: BaseChatModel, messages: list[BaseMessage]) -> str:
    """Stream until the first complete line: not every chat model honours `stop` (ChatLlamaCpp drops it
    in `invoke`), and a small model may go on explaining after the question."""
    text = ""
    for chunk in model.stream(messages, stop=["\n"]):
        text += message_text(chunk.content)
        if "\n" in text.lstrip():
            break
    return text


def make_rewriter(
    chat_model: BaseChatModel | Callable[[], BaseChatModel],
    lock: threading.Lock | None = None,
) -> Callable[[str, Sequence[str]], str]:
    """A follow-up rewriter for `assistant.language.conversation.resolve`: (question, history) -> standalone question.

    `chat_model` may be a zero-argument factory so that a local model is loaded only when
    first needed; `lock` serialises calls into a model that is not thread-safe. Returns ""
    when the model's answer is unusable (the conversation then falls back to its rule).
    """

    def rewrite(question: str, history: Sequence[str]) -> str:
        model = chat_model if hasattr(chat_model, "stream") else chat_model()  # type: ignore[operator]
        messages = rewrite_messages(question, history)
        if lock is None:
            return clean_rewrite(first_line(model, messages), question)
        with lock:
            return clean_rewrite(first_line(model, messages), question)

    return rewrite
