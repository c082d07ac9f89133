"""Two processes updating the same stored turn (the voice and face notebooks run side by side):
``update_turn`` is one transaction from read to write, so neither overwrites the other's keys."""
from __future__ import annotations

import multiprocessing

import pytest

from workbench.errors import InputError
from workbench.session import Session, Turn, TurnState
from workbench.store import SessionStore

UPDATES = 40


def _writer(data_dir: str, session_id: str, key: str, start) -> None:
    store = SessionStore(data_dir=data_dir)
    start.wait(timeout=60)  # both processes write at the same time
    for count in range(1, UPDATES + 1):
        store.update_turn(session_id, 0, lambda turn, count=count: turn.analysis.update({key: {"count": count}}))


def test_concurrent_updates_of_one_turn_keep_every_key(data_dir):
    store = SessionStore()
    session = store.save(Session(turns=[Turn(index=0, question="Why this role?", state=TurnState.ANSWERED,
                                             answer_text="Because I like building tools.")]))
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(2)
    writers = [spawn.Process(target=_writer, args=(str(data_dir), session.id, key, start))
               for key in ("voice", "face")]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=120)
        assert process.exitcode == 0
    turn = store.get(session.id).turns[0]
    assert turn.analysis == {"voice": {"count": UPDATES}, "face": {"count": UPDATES}}
    assert turn.answer_text == "Because I like building tools." and turn.state is TurnState.ANSWERED


def test_update_of_a_missing_turn_says_so_and_changes_nothing(data_dir):
    store = SessionStore()
    session = store.save(Session(turns=[Turn(index=0, question="Why this role?")]))
    with pytest.raises(InputError, match="no turn 3"):
        store.update_turn(session.id, 3, lambda turn: turn.analysis.update(voice={}))
    assert store.get(session.id).turns[0].analysis == {}
