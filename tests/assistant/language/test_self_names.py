"""What a document calls itself, learnt from its title and the nouns it points at."""

from __future__ import annotations

from assistant.language.self_names import learnt_self_names


def test_the_noun_the_text_points_at_and_the_title_uses_is_the_documents_name() -> None:
    title = "Skydda välfärden En vägledning om kontroll och samverkan"
    text = "I den här vägledningen beskriver vi tre kommuner. Den här gången gick det fort. Det här kapitlet …"
    assert learnt_self_names(title, text) == {"vägledningen"}


def test_a_compound_in_the_title_holds_the_name() -> None:
    assert learnt_self_names("Trygga gårdar – en metodvägledning", "Den här vägledningen är till för …") == {
        "vägledningen"
    }
    assert learnt_self_names("Trygg skola – ett metodstöd", "Det här metodstödet tar inte upp …") == {"metodstödet"}


def test_nothing_is_learnt_when_the_title_does_not_say_it() -> None:
    assert learnt_self_names("Föräldrar som kraft", "I den här guiden finns tre exempel.") == frozenset()
    assert learnt_self_names("En guide", "Guiden handlar om föräldrar.") == frozenset()  # never pointed at
