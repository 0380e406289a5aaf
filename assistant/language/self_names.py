"""What a document calls itself ("vägledningen", "metodstödet"), learnt from the document.

A guide says what it leaves out in its own name for itself: "Vägledningen tar inte upp följande:",
"Det här tar metodstödet inte upp". The general names ("guiden", "rapporten", "vi") are grammar
words (`data/words.yaml`); a document's own is the noun it points at with "den här"/"det här"
("I den här vägledningen …") whose stem its title also uses ("En vägledning om …", "… en
metodvägledning"): "den här gången" or "det här kapitlet" name no document.
"""

from __future__ import annotations

import re

from assistant.language.text import normalize, stem, words

POINTED_RE = re.compile(r"\b(?:den|det)\s+här\s+([^\W\d_]{4,})", re.IGNORECASE)
MIN_STEM = 4  # a shorter stem found inside a title word is chance


def learnt_self_names(title: str, text: str) -> frozenset[str]:
    """The definite nouns `text` points at with "den här"/"det här" whose stem a word of `title` holds."""
    title_words = words(normalize(title).lower())
    found = {m.group(1).lower() for m in POINTED_RE.finditer(normalize(text))}
    return frozenset(
        noun for noun in found if len(stem(noun)) >= MIN_STEM and any(stem(noun) in w for w in title_words)
    )
