from assistant.language.term_stats import TermStats
from assistant.language.text import stems

STATS = TermStats(stems(t) for t in ["Brå ger stöd.", "Det var bra.", "Problemträdet i Hovsjö har rötter."])


def test_a_word_typed_without_swedish_letters_is_the_material_s_spelled_with_them() -> None:
    assert STATS.spelled_out("problemtrad") == ("problemträd",)
    assert STATS.spelled_out("hovsjo") == ("hovsjö",)
    assert STATS.spelled_out("problemträd") == ()  # the material's own word


def test_a_word_of_its_own_has_its_spelling_with_swedish_letters_too() -> None:
    assert STATS.spelled_out("bra") == ()  # a word of the material: not respelt by default
    assert STATS.accented("bra") == ("brå",)  # but named so ("fick Bra pengar") it is "Brå"
    assert STATS.accented("brå") == ()  # already written with them


def test_a_word_one_letter_off_is_the_material_s() -> None:
    assert STATS.spelled_out("problemträdd") == ("problemträd",)
    assert STATS.spelled_out("rött") == ()  # too short to be read as a typo
