"""One truth per session in the report (issue 21): one uncertainty figure, the scoring stage's own,
and only the questions that were asked counted and shown."""
from __future__ import annotations

import re

import pytest

import report_inputs as inputs
from workbench.report import plots, render
from workbench.report.overview import asked_turns
from workbench.report.summary import build_summary
from workbench.scoring.api import session_overview
from workbench.session import Turn, TurnState

WEAK_ANSWER = "I made it faster I think. It was fine in the end, more or less."


@pytest.fixture(scope="module")
def session():
    """Three answers of different quality, then two planned questions the interview never reached."""
    answered = [inputs.scored_turn(0), inputs.scored_turn(1, answer=WEAK_ANSWER),
                inputs.scored_turn(2, answer=inputs.GOOD_ANSWER + " My manager asked me to do it again.")]
    planned = [Turn(index=i, question=f"Planned question {i}", state=TurnState.PLANNED) for i in (3, 4)]
    return inputs.session_of(*answered, *planned)


def test_one_uncertainty_the_scoring_stage_own(session):
    rows = [{"overall": t.analysis["scores"]["overall"], "uncertainty": t.analysis["scores"]["uncertainty"]}
            for t in session.turns if "scores" in t.analysis]
    scoring = session_overview(rows)  # what notebook 40 and scores.json show
    summary = build_summary(session)
    assert summary["overall_score"] == scoring["overall_mean"]
    assert summary["overall_uncertainty"] == scoring["overall_uncertainty"]
    assert summary["band"] == scoring["band"]
    card = render.overview_html(summary, band=summary["band"])
    shown = re.search(r"Overall score: (\d+) / 100 ± (\d+)", card)
    assert shown and int(shown.group(2)) == round(scoring["overall_uncertainty"])
    assert int(shown.group(1)) == round(scoring["overall_mean"])


def test_only_asked_questions_are_counted_and_shown(session):
    summary = build_summary(session)
    assert summary["answers"] == 3 and [t["index"] for t in summary["turns"]] == [0, 1, 2]
    assert [t.index for t in asked_turns(session)] == [0, 1, 2]
    card = render.overview_html(summary, band=summary["band"])
    assert "3 questions, 3 answers scored" in card
    assert not any(k.startswith(("turn3.", "turn4.")) for k in summary["numbers"])


def test_an_asked_but_unanswered_question_is_shown(session):
    asked = Turn(index=5, question="Asked at the end, not answered", state=TurnState.ASKED)
    ended = inputs.session_of(*session.turns, asked)
    summary = build_summary(ended)
    assert summary["answers"] == 4 and summary["turns"][-1]["overall_score"] is None
    card = render.answer_card_html(asked, summary["turns"][-1])
    assert "No answer was recorded" in card
    timeline = plots.session_timeline(ended, summary)  # not "4 answers": 3 were given
    assert timeline.axes[0].get_title() == "Session timeline (4 questions, 3 answered)"
