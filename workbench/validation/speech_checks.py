"""Speech checks: word error rate, pitch against an independent estimator, speaking rate against
the reference transcript, and perturbations (gain, silence, noise, fillers, inserted pause, tempo)
on real recordings (Debian pocketsphinx-testdata and alsa-utils, see ``fixtures``)."""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from workbench.validation import fixtures as fx
from workbench.validation.checks import Measured, check, relative_difference, within_abs, worst

WER_MAX = 0.15  # Radford et al. 2022 (Whisper), Table 2: tiny.en/base about 5-8% WER on LibriSpeech
# test-clean; ours: 15% leaves room for 64 kb/s LibriVox audio and single short sentences
PITCH_AGREEMENT_MAX = 0.05  # the issue: median F0 of two independent estimators agree within 5%
PYIN_FMIN_HZ, PYIN_FMAX_HZ = 60.0, 500.0  # the speech module's Praat range (prosody.py), for a fair comparison
PYIN_FRAME = 1024  # samples, 64 ms at 16 kHz: more than three periods of 60 Hz (pyin needs two)
PYIN_HOP = 160  # samples, 10 ms: the speech module's frame rate (prosody.HOP_S), so the same moments are compared
RATE_VS_REFERENCE_MAX = 0.10  # ours: ASR word-count errors and word-boundary timing on 3-7 s sentences
SPEECH_TRIM_TOP_DB = 30.0  # ours: the reference speech time spans samples within 30 dB of the peak
GAIN_LEVELS_DB = (-12.0, 6.0)  # the issue: -12 dB and +6 dB versions of the same speech
GAIN_SWEEP_DB = (-18.0, -12.0, -6.0, 0.0, 6.0)  # full run: the curve for the notebook's plot
GAIN_PAUSE_RATIO_MAX = 0.03  # the issue: pause ratio moves by at most 0.03 with gain
GAIN_RATE_MAX = 0.03  # the issue: speaking rate moves by at most 3% with gain
EMPTY_CLIP_S = 5.0  # ours: five seconds of silence or noise
TEMPO_FACTORS = (0.8, 1.25)  # the issue: time-stretched by 0.8x and 1.25x
TEMPO_RATE_MAX = 0.05  # the issue: the rate changes by the same factor within 5%
INSERTED_PAUSE_S = 1.0  # the issue: 1 s of silence inserted between words
INSERTED_PAUSE_DURATION_TOL_S = 0.15  # ours: the new pause measures 1 s within 150 ms (word-edge timing)
FAST_CLIPS = ("0920", "0930")  # two LibriVox sentences (5.7 s and 3.3 s) for the fast subset
JOINED_CLIPS = ("0880", "0930")  # two sentences joined: a real pause in real room noise between them
FILLER_WORD_STEP_S, FILLER_WORD_GAP_S = 0.3, 0.05  # ours: timings of text-level test words (no pause)

# Sentences in which these words mean what they say (the list); no filler in any of them.
MEANINGFUL_SENTENCES = (
    "Every human on the team also reviewed the design.",
    "My reasoning was simple: the client likes clear numbers.",
    "The so-called quick fix also broke the human review step.",
    "I would like to explain the reasoning behind it.",
    "So that we could ship on time, I split the work.",
    "She likes it when the results look like the plan.",
)
# Sentences with scripted fillers and their true counts (lexical fillers as Whisper writes them).
SCRIPTED_FILLER_SENTENCES = (
    ("Um, I think we, uh, shipped it on time.", 2),
    ("So, we started again, you know, from scratch.", 2),
    ("Well, uh, the hardest part was, um, the data.", 3),
    ("I mean, it was, like, a big change for us.", 2),
)
_NUMBERS = {str(i): w for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
_ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint"}


def normalise_text(text: str) -> str:
    """Lower case, no punctuation, hyphens as spaces, small numbers and titles spelled out, so WER
    counts words and not "10" against "ten" (MODELS.md: score WER with a normaliser)."""
    text = text.lower().replace("-", " ")
    text = re.sub(r"[^\w\s']", " ", text)
    tokens = [_ABBREVIATIONS.get(t, _NUMBERS.get(t, t)) for t in text.split()]
    return " ".join(t.strip("'") for t in tokens if t.strip("'"))


def word_error_rate(references: list[str], hypotheses: list[str]) -> dict[str, Any]:
    """Corpus WER (normalised) with its substitutions, deletions and insertions."""
    import jiwer

    refs = [normalise_text(r) for r in references]
    hyps = [normalise_text(h) for h in hypotheses]
    out = jiwer.process_words(refs, hyps)
    return {"wer": out.wer, "substitutions": out.substitutions, "deletions": out.deletions,
            "insertions": out.insertions, "reference_words": sum(len(r.split()) for r in refs)}


def _librivox(ctx: fx.Context) -> list[fx.ReferenceClip]:
    clips = fx.librivox_clips()
    return [c for c in clips if c.name in FAST_CLIPS] if ctx.fast else clips


def _analysis(ctx: fx.Context, clip: fx.ReferenceClip, *, model_id: str | None = None) -> Any:
    return ctx.voice(clip.name, lambda: ctx.samples(clip), model_id=model_id)


def _wer_check(ctx: fx.Context, model_id: str, clips: list[fx.ReferenceClip]) -> Measured:
    analyses = [_analysis(ctx, c, model_id=model_id) for c in clips]
    result = word_error_rate([c.transcript for c in clips], [a.transcript.text for a in analyses])
    per_clip = [{"clip": c.name, "reference": c.transcript, "hypothesis": a.transcript.text,
                 "wer": round(word_error_rate([c.transcript], [a.transcript.text])["wer"], 3)}
                for c, a in zip(clips, analyses, strict=True)]
    return Measured(result["wer"], result["wer"] <= WER_MAX, {**result, "model_id": model_id, "clips": per_clip})


@check("speech", "wer_whisper_tiny_en_librivox", fast=True, tolerance=f"WER <= {WER_MAX}",
       reason="Whisper paper: tiny.en about 5-8% on clean read speech; 15% allows for MP3 audio (ours)")
def wer_tiny(ctx: fx.Context) -> Measured:
    return _wer_check(ctx, "whisper-tiny.en", _librivox(ctx))


@check("speech", "wer_whisper_base_librivox", tolerance=f"WER <= {WER_MAX}",
       reason="Whisper paper: base about 5% on clean read speech; 15% allows for MP3 audio (ours)")
def wer_base(ctx: fx.Context) -> Measured:
    return _wer_check(ctx, "whisper-base", fx.librivox_clips())


@check("speech", "wer_whisper_tiny_en_short_clips", tolerance=f"WER <= {WER_MAX}",
       reason="same bound on 1-3 s clips (cards); short clips with room-noise tails invite invented words",
       known_limit="whisper-tiny.en appends invented phrases ('Thank you', 'see you next time') to short clips "
                   "whose tails are room noise; the no-speech guard of workbench.speech.stt does not drop them")
def wer_short(ctx: fx.Context) -> Measured:
    return _wer_check(ctx, "whisper-tiny.en", fx.cards_clips())


def pyin_f0_hz(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """F0 (Hz) and voicing flag every 10 ms by librosa's pYIN (Mauch & Dixon 2014), an estimator
    independent of Praat's autocorrelation method that the speech module uses. Unvoiced frames
    keep pYIN's best F0 guess, so it can be read at the frames the module calls voiced."""
    import librosa

    f0, voiced, _ = librosa.pyin(samples, fmin=PYIN_FMIN_HZ, fmax=PYIN_FMAX_HZ, sr=fx.SAMPLE_RATE_HZ,
                                 frame_length=PYIN_FRAME, hop_length=PYIN_HOP, fill_na=None)
    return f0, voiced


def pitch_comparison(analysis: Any, samples: np.ndarray) -> dict[str, Any]:
    """The module's median F0 against pYIN's median at the frames the module calls voiced
    (``relative_difference``), and against pYIN's median over its own voiced frames (for reference)."""
    f0, voiced = pyin_f0_hz(samples)
    module_f0 = analysis.track.pitch_hz
    n = min(len(f0), len(module_f0))
    same_frames = f0[:n][np.isfinite(module_f0[:n])]
    own = f0[voiced & np.isfinite(f0)]
    reference = float(np.median(same_frames)) if same_frames.size else None
    measured = analysis.metrics.pitch_median_hz
    return {"praat_median_hz": measured, "pyin_median_same_frames_hz": reference,
            "pyin_median_own_voicing_hz": float(np.median(own)) if own.size else None,
            "voiced_frames": int(same_frames.size), "relative_difference": relative_difference(measured, reference),
            "relative_difference_own_voicing": relative_difference(measured,
                                                                   float(np.median(own)) if own.size else None)}


def _pitch_check(ctx: fx.Context, clips: list[fx.ReferenceClip]) -> Measured:
    rows = [{"clip": c.name, **pitch_comparison(_analysis(ctx, c), ctx.samples(c))} for c in clips]
    value = worst([r["relative_difference"] for r in rows])
    return Measured(value, value is not None and value <= PITCH_AGREEMENT_MAX, {"clips": rows})


@check("speech", "pitch_praat_vs_pyin_librivox", fast=True,
       tolerance=f"relative difference of medians <= {PITCH_AGREEMENT_MAX}",
       reason="two independent F0 estimators on real voices agree on the median within 5% (the issue)",
       known_limit="LibriVox clip 0890 has a bimodal F0 (clusters near 70-85 Hz and 100-110 Hz), so each "
                   "estimator's median can fall at a different point between them; before the octave repair "
                   "(speech.prosody.repair_octave_jumps) Praat read 91.1 Hz against pYIN's 84.6 Hz there, after "
                   "it the worst of the five clips differs by 2.0%")
def pitch_librivox(ctx: fx.Context) -> Measured:
    return _pitch_check(ctx, _librivox(ctx) + (fx.alsa_clips()[:1] if ctx.fast else []))


@check("speech", "pitch_praat_vs_pyin_short_clips",
       tolerance=f"relative difference of medians <= {PITCH_AGREEMENT_MAX}",
       reason="the same agreement on 1-3 s clips (alsa-utils voice, cards), with few voiced frames",
       known_limit="on the shortest clips (under 50 voiced frames) pYIN and Praat can disagree: too few frames")
def pitch_short(ctx: fx.Context) -> Measured:
    return _pitch_check(ctx, fx.alsa_clips() + fx.cards_clips())


def speech_time_s(samples: np.ndarray) -> float:
    """Seconds from the first to the last sample within ``SPEECH_TRIM_TOP_DB`` of the peak."""
    import librosa

    _, (start, end) = librosa.effects.trim(samples, top_db=SPEECH_TRIM_TOP_DB)
    return (end - start) / fx.SAMPLE_RATE_HZ


@check("speech", "speaking_rate_vs_reference", fast=True,
       tolerance=f"relative difference <= {RATE_VS_REFERENCE_MAX}",
       reason="words/min must match the reference word count over the speech time; 10% for ASR and timing (ours)",
       known_limit="on 3 s sentences 0.3-0.5 s of timing error is 10-16%: Whisper's last word can end early (0930: "
                   "'himself' ends at 2.80 s) and the energy-trimmed reference span keeps room noise that sits only "
                   "about 28 dB under the LibriVox peaks")
def rate_vs_reference(ctx: fx.Context) -> Measured:
    rows = []
    for clip in _librivox(ctx):
        samples = ctx.samples(clip)
        reference = clip.reference_words / speech_time_s(samples) * 60.0
        measured = _analysis(ctx, clip).metrics.words_per_minute
        rows.append({"clip": clip.name, "reference_wpm": round(reference, 1), "measured_wpm": measured,
                     "whole_file_wpm": round(clip.reference_words / (len(samples) / fx.SAMPLE_RATE_HZ) * 60, 1),
                     "relative_difference": relative_difference(measured, reference)})
    value = worst([r["relative_difference"] for r in rows])
    return Measured(value, value is not None and value <= RATE_VS_REFERENCE_MAX, {"clips": rows})


def _gain_sources(ctx: fx.Context) -> list[tuple[str, Any]]:
    by_name = {c.name: c for c in fx.librivox_clips()}
    joined = ("joined_" + "_".join(JOINED_CLIPS), lambda: fx.join([ctx.samples(by_name[n]) for n in JOINED_CLIPS]))
    sources = [joined]
    if not ctx.fast:
        sources += [(c.name, (lambda c=c: ctx.samples(c))) for c in fx.librivox_clips()]
    return sources


def gain_series(ctx: fx.Context) -> list[dict[str, Any]]:
    """Per source clip: pause ratio, words/min and pause count at each gain level (dB)."""
    levels = sorted(set(GAIN_LEVELS_DB) | {0.0} | (set() if ctx.fast else set(GAIN_SWEEP_DB)))

    def build() -> list[dict[str, Any]]:
        series = []
        for name, samples in _gain_sources(ctx):
            rows = []
            for gain_db in levels:
                make = samples if gain_db == 0 else (lambda s=samples, g=gain_db: fx.apply_gain(s(), g))
                m = ctx.voice(name if gain_db == 0 else f"{name}@{gain_db:+.0f}dB", make).metrics
                rows.append({"gain_db": gain_db, "pause_ratio": m.pause_ratio, "words_per_minute": m.words_per_minute,
                             "pause_count": m.pause_count, "word_count": m.word_count})
            series.append({"clip": name, "levels": rows})
        return series

    return ctx.cached(("gain_series", ctx.fast), build)


def gain_deltas(series: list[dict[str, Any]], key: str, *, relative: bool) -> list[float | None]:
    """For each clip and each of ``GAIN_LEVELS_DB``: the change of ``key`` from the 0 dB value."""
    deltas = []
    for clip in series:
        by_gain = {row["gain_db"]: row[key] for row in clip["levels"]}
        base = by_gain[0.0]
        for gain_db in GAIN_LEVELS_DB:
            value = by_gain[gain_db]
            if relative:
                deltas.append(relative_difference(value, base))
            else:
                deltas.append(None if value is None or base is None else abs(value - base))
    return deltas


@check("speech", "gain_pause_ratio", fast=True, tolerance=f"|change| <= {GAIN_PAUSE_RATIO_MAX} at -12 and +6 dB",
       reason="a quieter or louder recording has the same pauses (the issue); thresholds must be relative")
def gain_pause_ratio(ctx: fx.Context) -> Measured:
    series = gain_series(ctx)
    value = worst(gain_deltas(series, "pause_ratio", relative=False))
    return Measured(value, value is not None and value <= GAIN_PAUSE_RATIO_MAX, {"series": series})


@check("speech", "gain_speaking_rate", fast=True, tolerance=f"relative change <= {GAIN_RATE_MAX} at -12 and +6 dB",
       reason="a quieter or louder recording has the same words per minute (the issue)")
def gain_speaking_rate(ctx: fx.Context) -> Measured:
    series = gain_series(ctx)
    value = worst(gain_deltas(series, "words_per_minute", relative=True))
    return Measured(value, value is not None and value <= GAIN_RATE_MAX, {"series": series})


def _empty_result(ctx: fx.Context, name: str, make: Any) -> Measured:
    m = ctx.voice(name, make).metrics
    passed = (not m.speech_detected) and m.word_count == 0 and m.words_per_minute is None
    return Measured(m.word_count, passed, {"speech_detected": m.speech_detected,
                                           "words_per_minute": m.words_per_minute, "bands": m.bands})


@check("speech", "digital_silence_no_words", fast=True,
       tolerance="0 words, words_per_minute None, speech_detected False",
       reason="nothing was said: any word is invented (the issue)")
def silence(ctx: fx.Context) -> Measured:
    return _empty_result(ctx, "digital_silence", lambda: fx.digital_silence(EMPTY_CLIP_S))


@check("speech", "white_noise_no_words", fast=True,
       tolerance="0 words, words_per_minute None, speech_detected False",
       reason="noise is not speech: any word is invented (the issue)")
def noise(ctx: fx.Context) -> Measured:
    return _empty_result(ctx, "white_noise", lambda: fx.white_noise(EMPTY_CLIP_S, seed=ctx.seed))


def text_words(sentence: str) -> list[Any]:
    """A sentence as transcript words with even timings and no pause (as Whisper writes them)."""
    from workbench.speech.stt import Word

    return [Word(token, round(i * FILLER_WORD_STEP_S, 3), round(i * FILLER_WORD_STEP_S + FILLER_WORD_STEP_S
                                                                - FILLER_WORD_GAP_S, 3), 0.9)
            for i, token in enumerate(sentence.split())]


def count_text_fillers(sentence: str) -> int:
    """Lexical fillers the speech module finds in ``sentence`` given as a transcript."""
    from workbench.speech.fillers import lexical_fillers

    return len(lexical_fillers(text_words(sentence)))


@check("speech", "fillers_meaningful_words_zero", fast=True, tolerance="0 fillers in every sentence",
       reason="'human', 'also', 'reasoning', 'likes', 'so-called' are words, not fillers (the issue)")
def fillers_meaningful(ctx: fx.Context) -> Measured:  # noqa: ARG001 - text only
    rows = [{"sentence": s, "fillers": count_text_fillers(s)} for s in MEANINGFUL_SENTENCES]
    total = sum(r["fillers"] for r in rows)
    return Measured(total, total == 0, {"sentences": rows})


@check("speech", "fillers_scripted_count", fast=True, tolerance="the exact count in every sentence",
       reason="scripted fillers must all be found, nothing else (the issue)")
def fillers_scripted(ctx: fx.Context) -> Measured:  # noqa: ARG001 - text only
    rows = [{"sentence": s, "expected": n, "found": count_text_fillers(s)} for s, n in SCRIPTED_FILLER_SENTENCES]
    wrong = sum(r["found"] != r["expected"] for r in rows)
    return Measured(wrong, wrong == 0, {"sentences": rows, "measured_is": "sentences with a wrong count"})


@check("speech", "inserted_pause_count_plus_one", fast=True,
       tolerance=(f"pause count +1 exactly; the new pause lasts {INSERTED_PAUSE_S} s "
                  f"+/- {INSERTED_PAUSE_DURATION_TOL_S} s"),
       reason="1 s of silence inserted at a word boundary is one more pause, no more (the issue)")
def inserted_pause(ctx: fx.Context) -> Measured:
    rows = []
    for clip in _librivox(ctx):
        base = _analysis(ctx, clip)
        samples = ctx.samples(clip)
        at_s = fx.pause_cut_point(samples, [(w.start_s, w.end_s) for w in base.transcript.words],
                                  [(p["start_s"], p["end_s"]) for p in base.metrics.pauses])
        after = ctx.voice(f"{clip.name}+pause@{at_s}",
                          lambda s=samples, a=at_s: fx.insert_silence(s, a, INSERTED_PAUSE_S)).metrics
        new = [p for p in after.pauses if p["start_s"] - 0.3 <= at_s <= p["end_s"] + 0.3]
        duration = new[0]["duration_s"] if new else None
        rows.append({"clip": clip.name, "cut_s": at_s, "pauses_before": base.metrics.pause_count,
                     "pauses_after": after.pause_count, "new_pause_s": duration,
                     "ok": after.pause_count == base.metrics.pause_count + 1
                     and within_abs(duration, INSERTED_PAUSE_S, INSERTED_PAUSE_DURATION_TOL_S)})
    increase = [r["pauses_after"] - r["pauses_before"] for r in rows]
    value = max(increase, key=lambda d: abs(d - 1)) if increase else None
    return Measured(value, bool(rows) and all(r["ok"] for r in rows),
                    {"clips": rows, "measured_is": "pause-count change furthest from +1"})


def tempo_rows(ctx: fx.Context) -> list[dict[str, Any]]:
    """Per clip and tempo factor: words/min ratio to the original, and its error against the factor."""
    rows = []
    for clip in _librivox(ctx):
        base = _analysis(ctx, clip).metrics
        for factor in TEMPO_FACTORS:
            m = ctx.voice(f"{clip.name}x{factor}", lambda f=factor, c=clip: fx.time_stretch(ctx.samples(c), f)).metrics
            ratio = (None if not (m.words_per_minute and base.words_per_minute)
                     else m.words_per_minute / base.words_per_minute)
            rows.append({"clip": clip.name, "factor": factor, "rate_ratio": ratio,
                         "speaking_time_ratio": base.speaking_time_s / m.speaking_time_s if m.speaking_time_s else None,
                         "word_count": m.word_count, "word_count_original": base.word_count,
                         "error": relative_difference(ratio, factor)})
    return rows


@check("speech", "tempo_rate_ratio", fast=True, tolerance=f"|rate ratio / factor - 1| <= {TEMPO_RATE_MAX}",
       reason="speech played 0.8x or 1.25x as fast has its words per minute scaled by that factor (the issue)",
       known_limit="at 1.25x, beam-5 decoding of LibriVox 0870 drops the opening 'And' (21 of 22 words), so the "
                   "rate ratio is 1.17 while the speaking-time ratio is right (1.23): an ASR miss, not a rate error")
def tempo(ctx: fx.Context) -> Measured:
    rows = tempo_rows(ctx)
    value = worst([r["error"] for r in rows])
    return Measured(value, value is not None and value <= TEMPO_RATE_MAX, {"rows": rows})
