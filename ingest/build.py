"""An `Ingestor` from settings: the components come from the composition root (`assistant.wiring`)."""

from __future__ import annotations

from collections.abc import Callable

from assistant.settings import Settings
from ingest.pipeline import Ingestor


def build_ingestor(
    settings: Settings,
    progress: Callable[[int, int], object] | None = None,
    notify: Callable[[str], object] | None = None,
) -> Ingestor:
    from assistant.wiring import (
        build_embedder,
        build_records,
        build_registry,
        build_store,
        build_tagger,
        load_corpus_vocabulary,
    )

    vocabulary = load_corpus_vocabulary(settings, local=True)  # the corpus folder's: published by the run
    return Ingestor(
        settings,
        build_embedder(settings),
        build_store(settings, timeout=settings.store.chroma_write_timeout_seconds),
        build_registry(settings),
        records_store_factory=lambda: build_records(settings),
        tagger=build_tagger(vocabulary),
        progress=progress,
        kommuner=sorted(vocabulary.kommuner) if vocabulary is not None else None,
        notify=notify,
    )
