"""The bundled question banks and role-play cards: schema, coverage, selection."""
from __future__ import annotations

from collections import Counter

import pytest

from workbench.errors import InputError
from workbench.interview.bank import LEVELS, ROLES, TYPES, load_bank, read_bank_file
from workbench.interview.roleplay import load_roleplays

MIN_QUESTIONS = 150  # the floor


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def test_bank_is_large_and_covers_every_role_level_and_type(bank):
    assert len(bank) >= MIN_QUESTIONS
    for role in ROLES:
        for level in LEVELS:
            assert len(bank.filter(role, level)) >= 8, (role, level)
        own = {q.type for q in bank.questions if role in q.roles}
        assert own == set(TYPES), (role, set(TYPES) - own)
    assert all(q.concepts and q.competency for q in bank.questions)


def test_question_texts_are_unique(bank):
    counts = Counter(q.text.lower() for q in bank.questions)
    assert [t for t, n in counts.items() if n > 1] == []


def test_selection_is_seeded_distinct_and_mixes_types(bank):
    first = bank.select("teacher", "mid", types=["behavioural", "technical"], n=6, seed=7)
    again = bank.select("teacher", "mid", types=["behavioural", "technical"], n=6, seed=7)
    other = bank.select("teacher", "mid", types=["behavioural", "technical"], n=6, seed=8)
    assert [q.id for q in first] == [q.id for q in again]
    assert [q.id for q in first] != [q.id for q in other]
    assert len({q.id for q in first}) == 6
    assert {q.type for q in first} == {"behavioural", "technical"}
    assert all("teacher" in q.roles or "any" in q.roles for q in first)


def test_unknown_role_or_level_names_the_choices(bank):
    with pytest.raises(InputError, match="choose one of"):
        bank.select("astronaut", "mid")
    with pytest.raises(InputError, match="junior"):
        bank.select("nurse", "expert")


def test_invalid_bank_file_is_reported_with_file_and_entry(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions:\n  - {id: ok-1, text: 'Why?', roles: [nurse], levels: [junior], "
                   "type: gossip, competency: x, concepts: [a]}\n")
    with pytest.raises(InputError, match=r"bad.yaml.*ok-1"):
        read_bank_file(bad)
    bad.write_text(": not yaml : [")
    with pytest.raises(InputError, match="cannot read"):
        read_bank_file(bad)


def test_roleplay_cards_are_complete():
    cards = load_roleplays()
    assert len(cards) >= 6
    for card in cards.values():
        assert card.duration_s == 300
        assert len(card.candidate_tasks) >= 3 and len(card.fallback_lines) >= 3
        assert card.patient_concerns[0] not in card.candidate_card()  # hidden from the candidate
