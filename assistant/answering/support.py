"""Does the retrieved material support an answer? Decided from evidence, before generating.

The evidence (`assistant.answering.evidence`: passage and sentence similarities, term coverage,
terms the material never uses, unmet demands) goes into a logistic model whose weights were
*fitted* on labelled development questions (`tools/fit_support.py`; the fit, its cross-validated
error and the data it used are recorded in `data/support_model.json`). The question is answered
when the modelled probability of support reaches the model's threshold (or `refusal.threshold`).

The model weighs how related the material is to the question; it cannot tell a near miss (the
topic is there, the asked-for fact is not) from an answerable question, so the evidence's vetoes
decide those: a year the material never mentions, a name no top passage mentions, the counted thing
or the kind of evidence the question demands missing (`evidence.VETOES`; `refusal.vetoes`).
The features are exposed as `signal:` flags so that the model can be refitted from `ask --json`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.answering.evidence import FEATURES, VETOES, Evidence, gather
from assistant.answering.fitted import LinearModel, read_model
from assistant.language.question import Question
from assistant.language.terms import TermStats
from assistant.settings import RefusalSettings
from assistant.types import Passage

SIGNAL = "signal:"  # prefix of the calibration flags; a front end may hide them
MODEL_FILE = Path(__file__).parent / "data" / "support_model.json"
REFUSAL_TEXT = {
    "sv": "Det framgår inte av underlaget vad du frågar om.",
    "en": "The material does not say what you are asking about.",
}


UNNAMED_TEXT = {
    "sv": "Materialet nämner inte {name}.",
    "en": "The material does not mention {name}.",
}


def refusal_text(language: str, name: str = "") -> str:
    """The refusal; it names what the question is about when the material never mentions it."""
    if name:
        return UNNAMED_TEXT.get(language, UNNAMED_TEXT["sv"]).format(name=name)
    return REFUSAL_TEXT.get(language, REFUSAL_TEXT["sv"])


SupportModel = LinearModel  # the support model is a fitted logistic model (`fitted`)


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_FILE) -> LinearModel:
    return read_model(path, FEATURES, "Stödmodellen")


@dataclass(frozen=True)
class Support:
    supported: bool
    probability: float
    evidence: Evidence
    reason: str = ""

    @property
    def dense(self) -> float:
        return self.evidence.values["dense"]

    @property
    def coverage(self) -> float:
        return self.evidence.values["coverage"]

    def flags(self) -> list[str]:
        """The evidence as signal flags ("signal:dense=0.861", ...), the modelled probability,
        and the reason of a refusal ("refused:low_support", "refused:missing_name", ...)."""
        out = [f"{SIGNAL}{name}={self.evidence.values[name]:.3f}" for name in (*FEATURES, *VETOES)]
        out.append(f"{SIGNAL}support={self.probability:.3f}")
        if self.evidence.missing:
            out.append(f"{SIGNAL}missing=" + ",".join(self.evidence.missing))
        if self.reason:
            out.append(f"refused:{self.reason}")
        return out


def assess(
    question: Question,
    passages: Sequence[Passage],
    settings: RefusalSettings,
    stats: TermStats | None = None,
    model: LinearModel | None = None,
) -> Support:
    """Whether `passages` support answering `question`, with the evidence that decided it."""
    evidence = gather(question, passages, settings, stats)
    if not passages:
        return Support(False, 0.0, evidence, "no_passages")
    model = model or load_model()
    probability = model.probability(evidence.values)
    threshold = model.threshold if settings.threshold is None else settings.threshold
    if probability < threshold:
        return Support(False, probability, evidence, "low_support")
    if evidence.vetoed and settings.vetoes:
        return Support(False, probability, evidence, evidence.unmet)
    return Support(True, probability, evidence)
