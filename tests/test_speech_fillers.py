"""Fillers: lexical rules with care for meaningful uses, disfluencies, norms, the WER normaliser,
and recall on scripted fillers at known times (piper voice)."""
from __future__ import annotations

import pytest

from workbench.speech.fillers import disfluencies, lexical_fillers
from workbench.speech.norms import band, bands
from workbench.speech.stt import Word
from workbench.speech.textnorm import normalise, word_error_rate


def words_of(text: str, pause_before: dict[int, float] | None = None) -> list[Word]:
    """Words 0.3 s apart (0.25 s long), with optional extra pauses before given word indices."""
    out, t = [], 0.0
    for i, token in enumerate(text.split()):
        t += (pause_before or {}).get(i, 0.0)
        out.append(Word(token, round(t, 2), round(t + 0.25, 2), 0.9))
        t += 0.3
    return out


def kinds(text: str, **kw) -> list[str]:
    return [f.text for f in lexical_fillers(words_of(text, **kw))]


def test_filled_pauses_always_count():
    assert kinds("Um, I led the team. Uh, we shipped.") == ["um", "uh"]


def test_meaningful_like_is_not_a_filler():
    assert kinds("I would like to lead the team") == []
    assert kinds("It looks like a good plan") == []
    assert kinds("We were, like, totally lost") == ["like"]


def test_so_as_connective_is_not_a_filler():
    assert kinds("I practised so that I could win") == []
    assert kinds("So, I started with the data") == ["so"]


def test_you_know_and_i_mean():
    assert kinds("It was, you know, hard") == ["you know"]
    assert kinds("Do you know what happened") == []
    assert kinds("I mean, it worked") == ["i mean"]


def test_repetitions_and_restarts():
    found = disfluencies(words_of("I I think we wh- we had had a plan"))
    assert sorted(d.kind for d in found) == ["repetition", "restart"]  # "had had" is grammatical


def test_bands_classify():
    wpm = band("words_per_minute", "conversation")
    assert (wpm.classify(90), wpm.classify(130), wpm.classify(190)) == ("low", "in", "high")
    assert band("words_per_minute", "presentation").classify(130) == "low"
    assert all(b.source for b in bands()) and "issue" not in " ".join(b.source for b in bands())


def test_normaliser_numbers_and_punctuation():
    assert normalise("10 of Clubs.") == "ten of clubs"
    assert normalise("Mr. Dashwood's ill-disposed, um, 42") == "mister dashwoods ill disposed forty two"
    assert word_error_rate(["ten of clubs"], ["10 of clubs!"])["wer"] == 0.0


@pytest.mark.slow
def test_scripted_fillers_are_found_at_known_times():
    """Two piper clips with 'um'/'uh' at known times: most fillers found, none invented."""
    from workbench.speech import analyse_voice
    from workbench.speech.synth_fillers import build_filler_set, match_fillers

    clips = build_filler_set(clips_per_voice=2, fluent_per_voice=1, voices=("piper",))
    hits = misses = false = 0
    onset_errors_s = []
    for clip in clips:
        found = [f["start_s"] for f in analyse_voice(clip.samples).metrics.fillers
                 if f["kind"] in ("filled_pause", "acoustic_filled_pause")]
        tp, fp, fn = match_fillers(clip.fillers, found)
        hits, false, misses = hits + tp, false + fp, misses + fn
        onset_errors_s += [min(abs(s - start) for s in found) for start, _, _ in clip.fillers if found]
    assert hits + misses >= 2
    assert hits / (hits + misses) >= 0.5  # eval-speech measured about 0.9 on the full set
    assert false <= 1
    # the fused filler takes the sound's onset, not Whisper's loose word time (0.5-0.7 s late here)
    assert sorted(onset_errors_s)[len(onset_errors_s) // 2] <= 0.2


def test_a_flat_hum_set_off_by_silence_is_a_filled_pause_and_a_word_is_not():
    """The acoustic detector on a built track: a flat 300 ms voiced sound between silences counts,
    the same sound under a transcribed word does not, and a transcribed "um" takes its onset."""
    import numpy as np

    from workbench.speech.fillers import acoustic_filled_pauses, fuse_fillers
    from workbench.speech.prosody import HOP_S, ProsodyTrack

    n = 300  # 3 s of 10 ms frames: speech 0-1 s, silence, a hum at 1.5-1.8 s, silence, speech 2.3-3 s
    times = np.arange(n) * HOP_S
    loud = np.full(n, -60.0)
    pitch = np.full(n, np.nan)
    for a, b in ((0, 100), (230, 300)):
        loud[a:b], pitch[a:b] = -20.0, 120 * 2 ** (np.sin(np.arange(b - a) / 6) / 3)  # lively speech
    loud[150:180], pitch[150:180] = -24.0, 110.0  # the hum: flat
    track = ProsodyTrack(times, pitch, loud)
    speech = [Word("We", 0.0, 0.5, 0.9), Word("shipped.", 0.5, 1.0, 0.9), Word("Then", 2.3, 2.6, 0.9)]
    found = acoustic_filled_pauses(speech, track)
    assert [(f.start_s, f.kind) for f in found] == [(1.5, "acoustic_filled_pause")]
    assert acoustic_filled_pauses([*speech, Word("so", 1.45, 1.85, 0.9)], track) == []  # it is a word
    whisper_um = lexical_fillers([*speech[:2], Word("um,", 2.0, 2.2, 0.6), speech[2]])
    fused = fuse_fillers(whisper_um, found)
    assert [(f.text, f.start_s, f.kind) for f in fused] == [("um", 1.5, "filled_pause")]
    pitch[150:180] = 110 * 2 ** (np.arange(30) % 2 * 0.5)  # alternating half an octave: not flat
    assert acoustic_filled_pauses(speech, ProsodyTrack(times, pitch, loud)) == []


def test_right_only_as_tag_question():
    assert kinds("Front, right, rear, center.") == []
    assert kinds("We shipped it on time, right?") == ["right"]
