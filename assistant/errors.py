"""Domain errors. Each carries a message fit to show a user as is; the CLI and the
web app turn them into clean messages instead of tracebacks."""

from __future__ import annotations

from pathlib import Path


class MetodstodError(Exception):
    """Base for every user-facing error of the product."""


class ConfigError(MetodstodError):
    """A setting or option has a value that is not allowed."""


class MissingDependencyError(MetodstodError):
    """An optional heavy library is not installed."""

    def __init__(self, package: str, install: str, purpose: str) -> None:
        super().__init__(f"{purpose} behöver paketet '{package}'. Installera det med: {install}")


class InputError(MetodstodError):
    """A question or other user input is not acceptable."""


class UsageError(InputError):
    """A command-line option with a value that is not allowed: the CLI exits with 2, as click does."""


class IndexMissingError(MetodstodError):
    """No index has been built yet."""


class SearchUnavailableError(MetodstodError):
    """The vector store (a Chroma server) cannot be reached or did not answer in time."""


class IngestLockedError(MetodstodError):
    """Another ingest holds the writer lock and did not finish in time."""


class EmbedderMismatchError(MetodstodError):
    """The index was built with another embedder than the one configured."""


class IngestError(MetodstodError):
    """A file could not be ingested; names the file."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = str(path)
        self.reason = message
        super().__init__(f"{path}: {message}")


class UnsupportedFileError(IngestError):
    """The file type cannot be ingested."""


class RecordsFileError(IngestError):
    """A records file has a bad row; names file and line."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.line = line
        super().__init__(f"{path}", f"rad {line}: {message}")
        self.args = (f"{path}:{line}: {message}",)

    def __str__(self) -> str:
        return self.args[0]


class UnknownDocumentError(MetodstodError):
    """A document id is not in the corpus."""


class GenerationError(MetodstodError):
    """The language model failed to answer."""


class DatasetError(MetodstodError):
    """An evaluation dataset file is missing or has an invalid item; names file and item."""
