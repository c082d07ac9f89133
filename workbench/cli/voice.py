"""workbench voice AUDIO: transcript plus every voice measure, each against its cited band."""
from __future__ import annotations

import argparse

from workbench.cli.common import add_json_flag

TEXT_MEASURES = (
    ("words_per_minute", "speaking rate", "wpm"), ("articulation_rate_wpm", "articulation rate", "wpm"),
    ("pause_count", "pauses", ""), ("pause_mean_s", "mean pause", "s"), ("pause_longest_s", "longest pause", "s"),
    ("pause_ratio", "pause ratio", ""), ("filler_count", "fillers", ""),
    ("fillers_per_100_words", "fillers per 100 words", ""), ("repetition_count", "repetitions", ""),
    ("pitch_median_hz", "pitch median", "Hz"), ("pitch_range_semitones", "pitch range", "st"),
    ("pitch_variability_semitones", "pitch variability", "st"), ("loudness_mean_db", "loudness", "dBFS"),
    ("loudness_variability_db", "loudness variability", "dB"), ("monotony", "monotony (0-1)", ""),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("voice", help="transcript + voice measures (rate, pauses, fillers, pitch, loudness)")
    parser.add_argument("audio", metavar="AUDIO", help="recording to analyse (any container FFmpeg reads)")
    parser.add_argument("--model", metavar="ID", default=None,
                        help="speech-to-text model id (default: whisper-tiny.en)")
    parser.add_argument("--context", choices=("conversation", "presentation"), default="conversation",
                        help="which speaking-rate norm to apply (default: conversation)")
    parser.add_argument("--curves", action="store_true", help="include pitch/loudness curves (10 Hz) in the JSON")
    parser.add_argument("--progress", action="store_true", help="show a progress bar on stderr")
    add_json_flag(parser)
    parser.set_defaults(handler=_run, format_text=format_voice)


def _run(args: argparse.Namespace) -> dict:
    from workbench.speech import analyse_voice

    analysis = analyse_voice(args.audio, model_id=args.model, context=args.context, progress=args.progress)
    return analysis.to_json(include_curves=args.curves)


def format_voice(result: dict) -> str:
    transcript = result["transcript"]
    if not result["speech_detected"]:
        return f"no speech detected in {result['duration_s']} s of audio: no speaking rate or fillers to report"
    lines = [transcript["text"], ""]
    for key, label, unit in TEXT_MEASURES:
        value = result.get(key)
        band = result["bands"].get(key, {}).get("band")
        shown = "-" if value is None else f"{value} {unit}".strip()
        lines.append(f"{label:24} {shown:>14}  {'' if band is None else '(' + band + ')'}")
    if result["fillers"]:
        lines.append("fillers: " + ", ".join(f"{f['text']} @ {f['start_s']:.1f}s" for f in result["fillers"]))
    lines.append(f"analysed in {result['analyse_s']} s with {transcript['model_id']}")
    return "\n".join(lines)
