"""``make eval-speech``: accuracy of the speech stage on recordings no one here wrote.

- WER (normalised, jiwer) and real-time factor on real human speech: Debian pocketsphinx-testdata
  (cards and librivox sets, with reference transcripts) and alsa-utils' voice clips (the reference is
  the file name), for whisper-tiny.en and whisper-base at beam 1 and 5, with and without the
  filler-keeping prompt.
- Filler recall/precision on the synthetic filler set (piper + espeak-ng, fillers at known times),
  transcript fillers alone and with the acoustic detector; false fillers on the real fluent speech.

Writes ``reports/eval-speech/<run-id>/results.json`` and prints a table.
Usage: python -m bench.eval_speech [--quick]   (--quick: tiny.en beam 5 only)
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from workbench.config import settings
from workbench.errors import InputError
from workbench.media_limits import SAMPLE_RATE_HZ
from workbench.evaluation.stt_data import real_speech_pairs
from workbench.speech.audio import load_audio
from workbench.speech.stt import transcribe
from workbench.speech.textnorm import word_error_rate

MODELS = ("whisper-tiny.en", "whisper-base")
BEAMS = (1, 5)
FILLER_KINDS = ("filled_pause", "acoustic_filled_pause")


def real_speech_set() -> list[tuple[Path, str]]:
    """(wav, reference transcript) pairs of real human speech installed by Debian packages."""
    try:
        return real_speech_pairs("real-speech")
    except InputError as error:
        raise SystemExit(str(error)) from error


def evaluate_wer(model_id: str, beam_size: int, keep_fillers: bool, items: list[tuple[Path, str]]) -> dict:
    hyps, audio_s, compute_s = [], 0.0, 0.0
    for wav, _ in items:
        result = transcribe(wav, model_id=model_id, beam_size=beam_size, keep_fillers=keep_fillers)
        hyps.append(result.text)
        audio_s += result.duration_s
        compute_s += result.transcribe_s
    scores = word_error_rate([ref for _, ref in items], hyps)
    return {
        "model_id": model_id, "beam_size": beam_size, "keep_fillers": keep_fillers, **scores,
        "clips": len(items), "audio_s": round(audio_s, 2), "compute_s": round(compute_s, 2),
        "real_time_factor": round(compute_s / audio_s, 4), "times_real_time": round(audio_s / compute_s, 1),
        "hypotheses": hyps,
    }


def evaluate_fillers(model_id: str, clips: list, real_items: list[tuple[Path, str]]) -> dict:
    from workbench.speech.analyse import analyse_voice
    from workbench.speech.synth_fillers import match_fillers

    counts = {"transcript": [0, 0, 0], "transcript_and_acoustic": [0, 0, 0]}
    onset_errors_s = []
    for clip in clips:
        found = [f for f in analyse_voice(clip.samples, model_id=model_id).metrics.fillers if f["kind"] in FILLER_KINDS]
        for name, kinds in (("transcript", ("filled_pause",)), ("transcript_and_acoustic", FILLER_KINDS)):
            starts = [f["start_s"] for f in found if f["kind"] in kinds]
            counts[name] = [a + b for a, b in zip(counts[name], match_fillers(clip.fillers, starts), strict=True)]
        for start, _, _ in clip.fillers:
            near = [f["start_s"] - start for f in found if abs(f["start_s"] - start) < 1.5]
            if near:
                onset_errors_s.append(min(near, key=abs))
    false_on_real = 0
    for wav, _ in real_items:
        false_on_real += sum(f["kind"] in FILLER_KINDS for f in analyse_voice(wav, model_id=model_id).metrics.fillers)
    result = {"model_id": model_id, "clips": len(clips), "true_fillers": sum(len(c.fillers) for c in clips)}
    for name, (tp, fp, fn) in counts.items():
        result[name] = {
            "true_positives": tp, "false_positives": fp, "false_negatives": fn,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        }
    result["onset_error_s_median"] = round(statistics.median(onset_errors_s), 3) if onset_errors_s else None
    result["false_fillers_on_real_fluent_speech"] = false_on_real
    result["real_fluent_clips"] = len(real_items)
    return result


def format_table(results: dict) -> str:
    lines = [f"{'model':18} {'beam':>4} {'fillers':>7} {'WER %':>6} {'S/D/I':>9} {'x real time':>11}"]
    for r in results["wer"]:
        sdi = f"{r['substitutions']}/{r['deletions']}/{r['insertions']}"
        lines.append(f"{r['model_id']:18} {r['beam_size']:>4} {'prompt' if r['keep_fillers'] else 'plain':>7} "
                     f"{r['wer'] * 100:6.1f} {sdi:>9} {r['times_real_time']:>11}")
    for f in results["fillers"]:
        for name in ("transcript", "transcript_and_acoustic"):
            lines.append(f"fillers {f['model_id']} ({name}): recall {f[name]['recall']}, "
                         f"precision {f[name]['precision']} on {f['true_fillers']} scripted fillers")
        lines.append(f"  onset error median {f['onset_error_s_median']} s; false fillers on {f['real_fluent_clips']} "
                     f"real fluent clips: {f['false_fillers_on_real_fluent_speech']}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    items = real_speech_set()
    configs = [("whisper-tiny.en", 5)] if quick else [(m, b) for m in MODELS for b in BEAMS]
    started = time.perf_counter()
    results: dict = {"dataset": {"clips": len(items),
                                 "audio_s": round(sum(len(load_audio(p)) for p, _ in items) / SAMPLE_RATE_HZ, 2),
                                 "sources": ["pocketsphinx-testdata cards", "pocketsphinx-testdata librivox",
                                             "alsa-utils voice clips"]},
                     "wer": [], "fillers": []}
    for model_id, beam in configs:
        for keep in (True, False):
            results["wer"].append(evaluate_wer(model_id, beam, keep, items))
            print(f"WER {model_id} beam {beam} prompt {keep}: {results['wer'][-1]['wer']}", flush=True)
    from workbench.speech.synth_fillers import build_filler_set

    clips = build_filler_set()
    fluent_real = [(p, r) for p, r in items if "librivox" in str(p) or "cards" in str(p)]
    for model_id in (("whisper-tiny.en",) if quick else MODELS):
        results["fillers"].append(evaluate_fillers(model_id, clips, fluent_real))
    results["eval_wall_s"] = round(time.perf_counter() - started, 1)
    results["measured_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    run_id = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    out = settings().reports_dir / "eval-speech" / run_id / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(format_table(results))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
