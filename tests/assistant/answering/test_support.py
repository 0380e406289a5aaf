"""The support model: fitted weights from a data file, features from the evidence, vetoes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answering.evidence import FEATURES, gather
from assistant.answering.support import MODEL_FILE, SupportModel, assess, load_model, refusal_text
from assistant.errors import ConfigError
from assistant.language.question import Question
from assistant.language.terms import TermStats
from assistant.language.text import stems
from assistant.settings import RefusalSettings
from tests.assistant.rag_fixtures import make_chunk, passage

asked = Question.analyse  # the analysed question every stage reads

TEXT = "SSPF är en samverkansform mellan skola, socialtjänst och polis. Arbetet startade i Sigtuna 2023."


def scored(text: str, cosine: float):
    p = passage(make_chunk("pm", 0, "SSPF", text, "h1", "pm"))
    return p.model_copy(update={"dense_score": cosine, "sentence_scores": {s: cosine for s in text.split(". ")}})


def model(threshold: float = 0.5) -> SupportModel:
    n = len(FEATURES)
    weights = tuple(4.0 if f in ("sentence", "coverage") else 0.0 for f in FEATURES)
    return SupportModel(FEATURES, (0.5,) * n, (0.1,) * n, weights, 0.0, threshold)


def test_the_shipped_model_is_fitted_and_documented() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    shipped = load_model()
    assert shipped.features == FEATURES and len(shipped.weights) == len(FEATURES)
    assert data["fitted_on"] and data["errors"]["cross_validated_5_fold"]  # provenance and held-out error


def test_related_evidence_is_supported_and_unrelated_is_not() -> None:
    settings = RefusalSettings()
    good = assess(asked("Vad är SSPF?"), [scored(TEXT, 0.9)], settings, model=model())
    assert good.supported and good.probability > 0.5 and not good.reason
    bad = assess(asked("Vad kostar en hyresrätt?"), [scored(TEXT, 0.1)], settings, model=model())
    assert not bad.supported and bad.reason == "low_support"
    assert any(f.startswith("signal:sentence=") for f in bad.flags())


def test_a_veto_refuses_however_related() -> None:
    stats = TermStats([stems(TEXT)])
    question, top = "Vad hände i Sigtuna år 2031?", [scored(TEXT, 0.95)]
    support = assess(asked(question, stats=stats), top, RefusalSettings(), stats, model=model(0.0))
    assert not support.supported and support.reason == "unknown_year"
    assert assess(asked(question, stats=stats), top, RefusalSettings(vetoes=False), stats, model=model(0.0)).supported


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Hur arbetar man med SSPF i Norge, t.ex. i Oslo?", "Norge"),  # never mentioned: declined, named
        ("Kräver IMY tillstånd för SSPF?", "IMY"),
        ("Vi i Kiruna undrar hur SSPF startade?", ""),  # the asker's place: the router notes it, the rest is answered
        ("Hur startade arbetet i Sigtnua?", ""),  # a letter or two off a name the material uses
        ("Hej! Jag jobbar i Örebro. Hur startade SSPF?", ""),  # the asker's context, not the question
        ("Hej från Örebro! Hur startade SSPF?", ""),  # named before what it asks: context too
        ("Hejsan :) Någon sa att SSPF startade 2023?", ""),  # a capitalised grammar word is no name
        ("Hur startade arbetet i Sigtunaskolan?", ""),  # a known name in a compound with a word of the material
        ("Hur startade arbetet i Osloskolan?", "Osloskolan"),  # … not an unknown one
        ("How did SSPF start in Norway?", ""),  # English names are not checked (they may be translations)
    ],
)
def test_a_name_the_material_never_uses_is_declined_and_named(question: str, name: str) -> None:
    stats = TermStats([stems(TEXT)])
    support = assess(asked(question, stats=stats), [scored(TEXT, 0.95)], RefusalSettings(), stats, model=model(0.0))
    assert support.evidence.name == name
    assert (support.reason == "unknown_name") == bool(name)
    if name:
        assert refusal_text("sv", support.evidence.name) == f"Materialet nämner inte {name}."


def test_evidence_has_every_feature() -> None:
    evidence = gather(asked("Vad är SSPF?"), [scored(TEXT, 0.8)], RefusalSettings())
    assert set(FEATURES) <= set(evidence.values) and evidence.values["sentence"] == pytest.approx(0.8)


def test_a_broken_model_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text('{"features": ["dense", "magic"]}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"model\.json"):
        load_model(path)
