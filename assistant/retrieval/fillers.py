"""Words of a question that carry none of its meaning: decided by the embedder, not by a list.

"okej men vad strulade …", "asså vad var det för …", "Hej! snabbfråga – …": a chat word the
material never uses counted as a missing term, and the support check refused questions the material
answers. Which words are filler is what the multilingual embedder says: a word is filler when the
question without it means the same (the cosine of the two question vectors is at least
`min_cosine`). Only words the material never uses are tried (one embedding each); a word the
material uses is evidence either way. Measured on a handful of questions with e5: "okej" 0.998,
"Hej" 0.996, "snabbfråga" 0.993, "faktiskt" 0.998; "kameramodeller" 0.93, "ansiktsigenkänning"
0.91, "2025" 0.96.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from assistant.language.terms import Term, TermStats
from assistant.language.text import stems, words

Vector = Sequence[float]
EDGE = 2  # words at each end of a question where a chat word may stand


def unused_words(query: str, terms: Sequence[Term], stats: TermStats) -> dict[str, Term]:
    """The question's words at its edges (its first or last `EDGE` words, where a chat word sits:
    "okej men …", "Hej! snabbfråga – …", "…, eller?") whose terms the material never uses, each
    with its term."""
    vocabulary = stats.vocabulary
    tokens = words(query)
    out: dict[str, Term] = {}
    for word in dict.fromkeys([*tokens[:EDGE], *tokens[-EDGE:]]):
        for term in terms:
            if set(stems(word)) & term and not term.found_in(vocabulary, inflected=False):
                out[word] = term
    return out


def filler_terms(
    query: str, candidates: dict[str, Term], embed: Callable[[str], Vector], min_cosine: float
) -> set[Term]:
    """The terms of `candidates` whose word the question means the same without (see the module docstring)."""
    if not candidates:
        return set()
    whole = embed(query)
    fillers: set[Term] = set()
    for word, term in candidates.items():
        without = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", query, flags=re.IGNORECASE)
        if _cosine(whole, embed(" ".join(without.split()))) >= min_cosine:
            fillers.add(term)
    return fillers


def _cosine(a: Vector, b: Vector) -> float:
    u, v = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    norm = float(np.linalg.norm(u) * np.linalg.norm(v))
    return float(u @ v) / norm if norm else 0.0
