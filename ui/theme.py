"""The web app's look that gradio owns: the font (served from this machine) and gradio's own labels.

* Font: Source Sans Pro from the ``font-source-sans-pro`` package, every weight and its
  italic with å, ä and ö (gradio's bundled semibold face has only ASCII, so bold Swedish
  capitals fell back to another font). The files are served by gradio from the package
  folder; nothing is fetched from the internet.
* Labels: gradio translates its own buttons ("Like", "Clear") after the browser's language.
  The app is Swedish whatever the browser says, so the Swedish text is given for every
  language gradio knows (and English, its fallback).
"""

from __future__ import annotations

import logging
from pathlib import Path

import gradio as gr

log = logging.getLogger("metodstod.ui")

FONT_FAMILY = "Metodstod Sans"
# (file stem, CSS weight, CSS style) of the faces the app uses.
FONT_FACES = (
    ("SourceSansPro-Light", 300, "normal"),
    ("SourceSansPro-Regular", 400, "normal"),
    ("SourceSansPro-It", 400, "italic"),
    ("SourceSansPro-Semibold", 600, "normal"),
    ("SourceSansPro-SemiboldIt", 600, "italic"),
    ("SourceSansPro-Bold", 700, "normal"),
    ("SourceSansPro-BoldIt", 700, "italic"),
    ("SourceSansPro-Black", 900, "normal"),
)

# gradio's own strings the app shows, in Swedish (keys as in gradio's translation files).
LABELS: dict[str, str] = {
    "chatbot.like": "Gilla",
    "chatbot.dislike": "Ogilla",
    "chatbot.clear": "Rensa samtalet",
    "chatbot.retry": "Försök igen",
    "chatbot.undo": "Ångra",
    "chatbot.edit": "Redigera",
    "chatbot.submit": "Skicka",
    "chatbot.cancel": "Avbryt",
    "chatbot.copy": "Kopiera",
    "chatbot.copied": "Kopierat",
    "common.clear": "Rensa",
    "common.download": "Ladda ner",
    "common.edit": "Redigera",
    "common.empty": "Tom",
    "common.error": "Fel",
    "common.loading": "Laddar",
    "common.remove": "Ta bort",
    "common.settings": "Inställningar",
    "common.submit": "Skicka",
    "common.undo": "Ångra",
    "common.language": "Språk",
    "common.display_theme": "Visningstema",
    "common.built_with_gradio": "Byggt med Gradio",
    "common.copy": "Kopiera",
    "common.fullscreen": "Helskärm",
    "common.exit_fullscreen": "Lämna helskärm",
    "dataframe.sort_column": "Sortera kolumn",
    "dataframe.sort_ascending": "Sortera stigande",
    "dataframe.sort_descending": "Sortera fallande",
    "dataframe.clear_sort": "Rensa sortering",
    "dataframe.search": "Sök",
    "dataframe.copy": "Kopiera",
    "dataframe.fullscreen": "Helskärm",
    "dropdown.dropdown": "Rullgardinsmeny",
    "plot.plot": "Diagram",
    "slider.slider": "Skjutreglage",
    "number.number": "Nummer",
    "blocks.lost_connection": "Anslutningen bröts. Ladda om sidan.",
    "blocks.waiting_for_inputs": "Väntar på att filer ska bli klara, försök igen.",
    "errors.use_via_api": "Använd via API",
    "errors.use_via_api_or_mcp": "Använd via API eller MCP",
    "file.uploading": "Laddar upp …",
}
# The languages gradio ships translations for; any other browser language falls back to "en".
GRADIO_LOCALES = (
    "en", "ar", "ca", "ckb", "de", "es", "et", "eu", "fa", "fi", "fr", "he", "hi", "id", "it", "ja", "ko",
    "lt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sv", "ta", "th", "tr", "uk", "ur", "uz", "zh-CN", "zh-TW",
)  # fmt: skip


def font_dir() -> Path | None:
    """The folder of the font files, or None without the package (the browser's sans-serif is used)."""
    try:
        import font_source_sans_pro
    except ImportError:
        log.warning("font-source-sans-pro is not installed: the web app uses the browser's sans-serif font")
        return None
    return Path(font_source_sans_pro.font_directory)


def font_css(folder: Path | None) -> str:
    """@font-face rules for every face, served by gradio from ``folder`` (a relative URL, so the app
    also works behind a path prefix)."""
    if folder is None:
        return ""
    rules = []
    for stem, weight, style in FONT_FACES:
        path = folder / f"{stem}.ttf"
        if path.is_file():
            rules.append(
                f"@font-face {{ font-family: '{FONT_FAMILY}'; src: url('gradio_api/file={path.as_posix()}') "
                f"format('truetype'); font-weight: {weight}; font-style: {style}; font-display: swap; }}"
            )
    return "\n".join(rules)


FONT_DIR = font_dir()
FONT_PATHS = [str(FONT_DIR)] if FONT_DIR else []
FONT_CSS = font_css(FONT_DIR)
THEME = gr.themes.Default(
    font=[gr.themes.Font(FONT_FAMILY), "ui-sans-serif", "system-ui", "sans-serif"],
    font_mono=["ui-monospace", "Consolas", "monospace"],
)
SWEDISH_LABELS = gr.I18n(**{locale: dict(LABELS) for locale in GRADIO_LOCALES})
