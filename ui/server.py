"""Build the app's services once and launch it (used by `metodstod serve`)."""

from __future__ import annotations

import logging
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


def focus_names(settings: Settings) -> dict[int, str]:
    from assistant.wiring import load_corpus_vocabulary

    try:
        vocabulary = load_corpus_vocabulary(settings)
        return {n: entry.namn for n, entry in vocabulary.fokusomraden.items()} if vocabulary else {}
    except MetodstodError as exc:
        log.warning("focus area names unavailable: %s", exc)
        return {}


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
        activities=ActivityView(build_records(settings), names),
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
    from ui.styles import CSS

    auth = make_auth(users or {})
    web = settings.web
    app.queue(default_concurrency_limit=web.concurrency_limit)
    print(f"Metodstöd-assistenten: http://{host}:{port}/" + (" (inloggning krävs)" if auth else ""), flush=True)
    return app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        auth_message=AUTH_MESSAGE if auth else None,
        app_kwargs={"middleware": login_middleware(web)} if auth else None,
        state_session_capacity=web.session_capacity,
        show_error=False,
        ssr_mode=False,
        css=CSS,
        max_threads=max(40, 4 * settings.web.concurrency_limit),
        quiet=True,
        footer_links=[],
        run_history=False,
        prevent_thread_lock=not block,
    )


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
