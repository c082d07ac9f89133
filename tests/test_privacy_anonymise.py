"""Anonymisation on examples: each kind of personal information is redacted, ordinary content stays."""
from __future__ import annotations

import json

import pytest

from workbench.privacy.anonymise import anonymise_session_json, anonymise_text
from workbench.session import Session, Turn, TurnState

CASES = [  # (text, what must disappear, tag expected)
    ("My name is Priya Sharma and I am applying for this role.", ["Priya", "Sharma"], "[NAME]"),
    ("I reported to John Smith for three years.", ["John Smith"], "[NAME]"),
    ("Email me at priya.sharma@example.com any time.", ["priya.sharma@example.com"], "[EMAIL]"),
    ("My phone is +44 20 7946 0958.", ["7946", "0958"], "[PHONE]"),
    ("Call me on 555-123-4567 after five.", ["555-123-4567"], "[PHONE]"),
    ("I live at 221B Baker Street in the city.", ["221B Baker Street"], "[ADDRESS]"),
    ("Our office was at 1600 Amphitheatre Parkway Way, and later SW1A 1AA.", ["SW1A 1AA"], "[ADDRESS]"),
    ("I was born on 12 March 1990 in a small town.", ["12 March 1990"], "[DATE_OF_BIRTH]"),
    ("DOB: 03/04/1985", ["03/04/1985"], "[DATE_OF_BIRTH]"),
    ("I spent four years at Microsoft before joining Google.", ["Microsoft", "Google"], "[EMPLOYER]"),
]


@pytest.mark.parametrize("text,secrets,tag", CASES)
def test_redacts(text, secrets, tag):
    out = anonymise_text(text)
    for secret in secrets:
        assert secret not in out, out
    assert tag in out, out


def test_keeps_ordinary_content():
    text = "In 2019 I led a team of 6 engineers and cut latency by 40% using a cache."
    assert anonymise_text(text) == text


def test_session_json_redacts_everywhere_including_word_lists():
    session = Session(candidate="Priya Sharma", turns=[Turn(
        0, "Tell me about yourself", state=TurnState.ANALYSED,
        answer_text="I am Priya Sharma, I worked at Microsoft, mail priya@example.org.",
        analysis={"voice": {"transcript": {"words": [{"word": " Priya", "start_s": 0.1},
                                                     {"word": " Sharma,", "start_s": 0.4}]},
                            "words_per_minute": 141.0}},
    )])
    out = anonymise_session_json(session.to_json())
    dumped = json.dumps(out)
    for secret in ("Priya", "Sharma", "Microsoft", "priya@example.org"):
        assert secret not in dumped
    assert out["candidate"] == "[CANDIDATE]" and out["anonymised"] is True
    assert out["id"] == session.id and out["turns"][0]["state"] == "analysed"
    assert out["turns"][0]["analysis"]["voice"]["words_per_minute"] == 141.0
    assert out["turns"][0]["question"] == "Tell me about yourself"
    assert session.candidate == "Priya Sharma"  # the original is untouched


def test_empty_and_long_text_is_redacted_to_the_end(monkeypatch):
    from workbench.privacy import anonymise

    assert anonymise_text("") == ""
    monkeypatch.setattr(anonymise, "NER_CHUNK_CHARS", 500)  # long text goes through in chunks
    long_text = "I worked with Jane Doe on the payments team. " * 40 + "Thanks, Oliver Twist."
    out = anonymise_text(long_text)
    assert "Jane Doe" not in out and "Oliver Twist" not in out and out.count("[NAME]") == 41
