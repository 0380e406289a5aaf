"""Build the app's services once and launch it (used by `metodstod serve`)."""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from assistant.errors import GenerationError, IndexMissingError, MetodstodError, SearchUnavailableError
from assistant.settings import Settings, WebSettings
from ui.chat import AssistantHolder, AssistantLike, ChatController

if TYPE_CHECKING:
    from ui.app import Services

log = logging.getLogger("metodstod.ui")

AUTH_MESSAGE = "Logga in med ditt konto för Metodstöd-assistenten."
STOPPED = "Metodstöd-assistenten har stoppats."


class PortBusyError(OSError):
    """The port to serve on is taken; the message says which and what to do."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            f"port {port} på {host} används redan (kanske av en annan metodstod serve). "
            f"Välj en annan port med --port, till exempel --port {port + 1}."
        )


def check_port(host: str, port: int) -> None:
    """Raise `PortBusyError` unless ``host:port`` can be listened on now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: a closed port is free
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortBusyError(host, port) from exc


WARM_UP_QUESTION = "Vad är Crime proofing?"


def settings_info(settings: Settings) -> dict[str, Any]:
    """The settings stored with feedback, so an answer can be reproduced."""
    r, refusal = settings.retrieval, settings.refusal
    return {
        "generator": settings.generator,
        "retrieval_mode": r.mode,
        "top_k": r.top_k,
        "candidate_k": r.candidate_k,
        "refusal_threshold": refusal.threshold,
        "max_answer_sentences": settings.extractive.max_answer_sentences,
        "reranker_model": r.reranker_model,
        "neighbour_window": r.neighbour_window,
        "embedder": settings.embedder_id,
    }


def focus_names(settings: Settings, short: bool = False) -> dict[int, str]:
    """Focus-area number -> name (``short``: the short name for table cells and chart legends)."""
    from assistant.wiring import load_corpus_vocabulary

    try:
        vocabulary = load_corpus_vocabulary(settings)
    except MetodstodError as exc:
        log.warning("focus area names unavailable: %s", exc)
        return {}
    if vocabulary is None:
        return {}
    return {n: entry.short if short else entry.namn for n, entry in vocabulary.fokusomraden.items()}


def default_factory(settings: Settings) -> Callable[[], AssistantLike]:
    def build() -> AssistantLike:
        from assistant.wiring import build_assistant

        return build_assistant(settings)

    return build


def build_services(
    settings: Settings, factory: Callable[[], AssistantLike] | None = None, holder: AssistantHolder | None = None
) -> Services:
    """Registry, records, feedback and the (lazily retried) assistant, each built once."""
    from assistant.feedback import FeedbackStore
    from assistant.wiring import build_records, build_registry
    from ui.activities import ActivityView
    from ui.app import Services

    names = focus_names(settings)
    holder = holder or AssistantHolder(factory or default_factory(settings))
    chat = ChatController(
        holder, FeedbackStore(settings.records_url), settings.max_question_chars, settings_info(settings)
    )
    return Services(
        chat=chat,
        activities=ActivityView(build_records(settings), names, focus_names(settings, short=True)),
        registry=build_registry(settings),
        max_question_chars=settings.max_question_chars,
        concurrency_limit=settings.web.concurrency_limit,
        top_k=settings.retrieval.top_k,
        focus_names=names,
        session_ttl_seconds=settings.web.session_ttl_seconds,
    )


def prepare_assistant(holder: AssistantHolder) -> str | None:
    """Build the assistant and answer one question so models are loaded before the first user.

    Returns a warning when there is no index yet, the search service cannot be reached or the
    language model does not answer (the app starts anyway and says what to do); any other library
    error (a missing dependency, an index built with another embedder) propagates: `serve` then
    refuses to start with that message.
    """
    started = time.perf_counter()
    try:
        holder.get().ask(WARM_UP_QUESTION)
    except (IndexMissingError, GenerationError, SearchUnavailableError) as exc:  # fixable while running
        return str(exc)
    log.info("assistant ready in %.1f s", time.perf_counter() - started)
    return None


def launch(
    app: Any, settings: Settings, host: str, port: int, users: dict[str, str] | None = None, block: bool = True
) -> Any:
    """Queue with the configured concurrency and start serving (returns at once if not `block`)."""
    from ui.auth import make_auth
    from ui.styles import CSS, HEAD
    from ui.theme import FONT_CSS, FONT_PATHS, SWEDISH_LABELS, THEME

    auth = make_auth(users or {})
    web = settings.web
    app.queue(default_concurrency_limit=web.concurrency_limit)
    result = app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        auth_message=AUTH_MESSAGE if auth else None,
        app_kwargs={"middleware": login_middleware(web)} if auth else None,
        state_session_capacity=web.session_capacity,
        show_error=False,
        ssr_mode=False,
        css=FONT_CSS + CSS,
        theme=THEME,
        head=HEAD,
        i18n=SWEDISH_LABELS,
        allowed_paths=FONT_PATHS,
        max_threads=max(40, 4 * settings.web.concurrency_limit),
        quiet=True,
        footer_links=[],
        run_history=False,
        prevent_thread_lock=True,
    )
    ready = f"Metodstöd-assistenten: http://{host}:{port}/" + (" (inloggning krävs)" if auth else "")
    if block:
        serve_until_stopped(app, ready)
    else:
        print(ready, flush=True)
    return result


def serve_until_stopped(app: Any, ready: str) -> None:
    """Say where the app is, then serve until Ctrl-C or SIGTERM; close it quietly (one line, no traceback)."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        print(ready, flush=True)
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal while closing is no traceback either
        with contextlib.suppress(KeyboardInterrupt):
            app.close()
        signal.signal(signal.SIGTERM, previous)
        print(STOPPED, flush=True)


def login_middleware(web: WebSettings) -> list:
    """Failed logins slowed and locked per user and address (`ui.login_guard`)."""
    from starlette.middleware import Middleware

    from ui.login_guard import LoginGuard, LoginThrottle

    return [Middleware(LoginThrottle, guard=LoginGuard(web.login_max_failures, web.login_lock_seconds))]


def serve(
    settings: Settings,
    host: str,
    port: int,
    factory: Callable[[], AssistantLike] | None = None,
    users: dict[str, str] | None = None,
) -> None:
    """Build everything once, then block serving the web app.

    The assistant (models, indexes) is built and warmed up in a thread while gradio is
    imported and the app is built, so start-up costs the longer of the two, not the sum.
    """
    from assistant.wiring import knowledge_version

    check_port(host, port)  # before models load: a busy port is said at once
    started = time.perf_counter()
    holder = AssistantHolder(factory or default_factory(settings), knowledge_version(settings))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="warm-up") as pool:
        warm_up = pool.submit(prepare_assistant, holder)
        from ui.app import build_app

        app = build_app(build_services(settings, holder=holder))
        log.info("app built %.1f s after start", time.perf_counter() - started)
        warning = warm_up.result()
    if warning:
        print(f"Obs: appen startar, men frågor kan inte besvaras ännu: {warning}", flush=True)
    log.info("ready to launch %.1f s after start", time.perf_counter() - started)
    launch(app, settings, host, port, users)
