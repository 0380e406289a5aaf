"""Passage sentences, tables of contents, and words typed without Swedish letters."""

from __future__ import annotations

from assistant.language.sentences import heading_key, is_navigation, passage_sentences
from assistant.language.terms import TermStats, question_terms, text_stems
from assistant.language.text import fold_letters, stems

HEADINGS = frozenset(
    heading_key(h)
    for h in ["Inledning", "1.1 Varför guiden behövs", "1.2 Vem guiden vänder sig till", "Datakällor", "3.1 Polisen"]
)


def test_a_table_of_contents_is_navigation_and_prose_is_not() -> None:
    toc = "- Inledning - 1.1 Varför guiden behövs - 1.2 Vem guiden vänder sig till\n- Datakällor - 3.1 Polisen"
    assert is_navigation(toc, HEADINGS)
    prose = "Inledning: guiden behövs eftersom kommunerna saknar stöd. Den vänder sig till samordnare."
    assert not is_navigation(prose, HEADINGS)
    assert not is_navigation("- Inledning - Datakällor", HEADINGS)  # too short to be a table of contents


def test_passage_sentences_keep_list_lines_whole() -> None:
    assert passage_sentences("Ett. Två meningar.\n- en punkt. med punkt") == [
        "Ett.",
        "Två meningar.",
        "- en punkt. med punkt",
    ]


def test_words_typed_without_swedish_letters_find_the_material_s_words() -> None:
    stats = TermStats(stems(t) for t in ["Problemträdet har rötter.", "Frågan ställs tre gånger."])
    assert fold_letters("problemträdet") == "problemtradet"
    (term,) = question_terms("problemtradet", stats)
    assert term.found_in(text_stems("Problemträdet har rötter."))
    assert stats.spelled_out(stems("problemträdet")[0]) == ()  # the material's own spelling needs nothing


def test_a_word_one_letter_off_finds_the_material_s_word_and_short_or_known_words_do_not() -> None:
    stats = TermStats(stems(t) for t in ["Crime proofing är en metod.", "Sigtuna deltog.", "Ett mål sattes."])
    assert stats.spelled_out(stems("proffing")[0]) == tuple(stems("proofing"))  # a letter wrong
    assert stats.spelled_out(stems("sigtna")[0]) == tuple(stems("sigtuna"))  # a letter missing
    assert stats.spelled_out(stems("croofing")[0]) == tuple(stems("proofing"))
    assert stats.spelled_out(stems("mål")[0]) == ()  # the material's own word
    assert stats.spelled_out("måla") == ()  # too short to be read as a typo
    assert stats.spelled_out(stems("västervik")[0]) == ()  # nothing of the material is one edit away
