"""workbench transcribe AUDIO: a transcript with word timings and probabilities."""
from __future__ import annotations

import argparse

from workbench.cli.common import add_json_flag


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("transcribe",
                                   help="transcribe a recording (wav, mp3, webm, mp4...) with word timings")
    parser.add_argument("audio", metavar="AUDIO", help="recording to transcribe (any container FFmpeg reads)")
    parser.add_argument("--model", metavar="ID", default=None,
                        help="speech-to-text model id (default: whisper-tiny.en)")
    parser.add_argument("--beam", type=int, default=5, metavar="N", help="beam size (1 = greedy, faster; default 5)")
    parser.add_argument("--language", default="en", help="language code, or 'auto' to detect (multilingual models)")
    parser.add_argument("--plain", action="store_true", help="no filler-keeping prompt (Whisper then drops most um/uh)")
    parser.add_argument("--progress", action="store_true", help="show a progress bar on stderr")
    add_json_flag(parser)
    parser.set_defaults(handler=_run, format_text=format_transcript)


def _run(args: argparse.Namespace) -> dict:
    from workbench.speech import transcribe

    language = None if args.language == "auto" else args.language
    result = transcribe(args.audio, model_id=args.model, beam_size=args.beam, language=language,
                        keep_fillers=not args.plain, progress=args.progress)
    return result.to_json()


def format_transcript(result: dict) -> str:
    if not result["speech_detected"]:
        return f"no speech detected in {result['duration_s']} s of audio"
    lines = [result["text"], ""]
    for w in result["words"]:
        lines.append(f"{w['start_s']:8.2f} {w['end_s']:8.2f}  {w['probability']:.2f}  {w['text']}")
    lines.append(f"{result['word_count']} words, {result['duration_s']} s, "
                 f"{result['model_id']} beam {result['beam_size']}, "
                 f"transcribed in {result['transcribe_s']} s")
    lines += [f"note: {n}" for n in result["notes"]]
    return "\n".join(lines)
