"""Cost of the privacy layer: encryption of the store and media, anonymisation, input checks.

Each figure is a median over repeats; ratios compare with a plaintext store measured in the same run.
"""
from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

REPEATS = 7  # ours: enough for a stable median on a loaded 2-core machine
TURNS_PER_SESSION = 10  # ours: a typical practice session
ANSWER_WORDS = 250  # ours: about 100 s of speech at 150 words/min
MEDIA_MB = 20  # ours: about 3 min of 720p webm from the recorder
REAL_WAV = Path("/usr/share/pocketsphinx/test/data/cards/001.wav")
ANSWER = ("In my last role at Contoso I worked with Maria Lopez on the payments team, where we cut the "
          "failure rate of nightly jobs by moving them to a queue and adding alerts. ")


def _median_s(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _session():
    from workbench.session import Session, Turn, TurnState

    text = " ".join((ANSWER * 20).split()[:ANSWER_WORDS])
    return Session(turns=[Turn(i, f"Question {i}", answer_text=text, state=TurnState.ANSWERED)
                          for i in range(TURNS_PER_SESSION)])


def run() -> dict:
    from workbench.privacy.anonymise import anonymise_text
    from workbench.privacy.inputs import check_media_file
    from workbench.store import SessionStore

    class PlainStore(SessionStore):  # baseline: the same store without encryption
        def _encode(self, data: dict, context: str) -> str:
            return json.dumps(data, ensure_ascii=False)

        def _decode(self, text: str, context: str) -> dict:
            return json.loads(text)

    results: dict = {"turns_per_session": TURNS_PER_SESSION, "answer_words": ANSWER_WORDS}
    os.environ.pop("WORKBENCH_KEY", None)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        encrypted = SessionStore(Path(tmp) / "enc")
        results["store_open_first_s"] = round(time.perf_counter() - started, 4)
        results["store_open_s"] = round(_median_s(lambda: SessionStore(Path(tmp) / "enc")), 4)
        plain = PlainStore(Path(tmp) / "plain")
        session = _session()
        counter = iter(range(10**6))

        def save_changed(store: SessionStore) -> None:
            # a real save changes something: SQLite skips writing cells whose bytes are unchanged,
            # which would flatter the plaintext baseline (ciphertexts always change: fresh nonces)
            session.turns[-1].answered_at = f"2026-01-01T00:00:{next(counter) % 60:02d}+00:00"
            store.save(session)

        for name, store in (("plain", plain), ("encrypted", encrypted)):
            store.save(session)
            results[f"save_{name}_ms"] = round(1000 * _median_s(lambda s=store: save_changed(s)), 2)
            results[f"get_{name}_ms"] = round(1000 * _median_s(lambda s=store: s.get(session.id)), 2)
        results["save_encrypted_vs_plain_ratio"] = round(results["save_encrypted_ms"] / results["save_plain_ms"], 2)
        results["get_encrypted_vs_plain_ratio"] = round(results["get_encrypted_ms"] / results["get_plain_ms"], 2)

        data = os.urandom(MEDIA_MB * 1024**2)
        write_s = _median_s(lambda: encrypted.write_media(session.id, "answer.webm", data), 3)
        read_s = _median_s(lambda: encrypted.read_media(session.id, "answer.webm"), 3)
        results["media_write_encrypted_mb_per_s"] = round(MEDIA_MB / write_s, 1)
        results["media_read_decrypted_mb_per_s"] = round(MEDIA_MB / read_s, 1)

    results["check_media_file_real_wav_ms"] = round(
        1000 * _median_s(lambda: check_media_file(REAL_WAV, kind="audio")), 2)

    started = time.perf_counter()
    anonymise_text("Warm up with Jane Doe at Initech.")
    results["anonymise_model_load_s"] = round(time.perf_counter() - started, 2)
    text = " ".join((ANSWER * 20).split()[:ANSWER_WORDS])
    anonymise_s = _median_s(lambda: anonymise_text(text))
    results["anonymise_answer_ms"] = round(1000 * anonymise_s, 1)
    results["anonymise_words_per_s"] = round(ANSWER_WORDS / anonymise_s)
    return results
