"""workbench face VIDEO_OR_IMAGE: facial measures of a recording or a photo (all local)."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli.common import add_json_flag
from workbench.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "face", help="face presence, eye contact, head pose, blinks, smile and expression of a video or image")
    parser.add_argument("path", metavar="VIDEO_OR_IMAGE", help="webm/mp4/avi/... video or a jpg/png photo")
    parser.add_argument("--fps", type=float, default=10.0, help="frames analysed per second of video (default 10)")
    parser.add_argument("--frames", action="store_true", help="include the per-frame series in the output")
    parser.add_argument("--thumbnails", metavar="DIR",
                        help="write annotated JPEG thumbnails to DIR (opt-in: they show the face)")
    add_json_flag(parser)
    parser.set_defaults(handler=_run, format_text=format_text)


def _run(args: argparse.Namespace) -> dict[str, Any]:
    from workbench.vision import analyse_video

    if not Path(args.path).expanduser().is_file():
        raise InputError(f"no such file: {args.path}")
    analysis = analyse_video(args.path, fps=args.fps, progress=not args.json, thumbnails_dir=args.thumbnails)
    return analysis.to_json(include_frames=args.frames)


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.2f}{unit}"
    return f"{value}{unit}"


def format_text(result: dict[str, Any]) -> str:
    s = result["summary"]
    lines = [f"{result['source']} ({result['kind']}, {_fmt(result['width_px'])}x{_fmt(result['height_px'])} px)"]
    if result["kind"] == "video":
        lines.append(f"  duration analysed   {_fmt(s['duration_s'], ' s')} at {s['sampling_fps']} fps, "
                     f"{s['frames_used']}/{s['frames_total']} frames usable")
    lines += [
        f"  face visible        {_fmt(s['face_visible_ratio'])}",
        f"  eye contact         {_fmt(s['eye_contact_ratio'])}",
        f"  yaw / pitch / roll  {_fmt(s['yaw_mean_deg'])} / {_fmt(s['pitch_mean_deg'])} / "
        f"{_fmt(s['roll_mean_deg'])} deg"
        f" (sd yaw {_fmt(s['yaw_sd_deg'])})",
    ]
    if result["kind"] == "video":
        lines += [
            f"  looking away        {_fmt(s['looking_away_events'])} events, "
            f"longest {_fmt(s['looking_away_longest_s'], ' s')}",
            f"  blinks              {_fmt(s['blinks_per_min'])} per min",
            f"  expressiveness      {_fmt(s['expressiveness'])}",
        ]
    lines += [f"  smile               {_fmt(s['smile_ratio'])} of frames (mean score {_fmt(s['smile_score_mean'])})",
              f"  dominant expression {_fmt(s['dominant_expression'])}"]
    if s["expression_distribution"]:
        lines.append("  expressions         " + ", ".join(
            f"{k} {v:.2f}" for k, v in sorted(s["expression_distribution"].items(), key=lambda kv: -kv[1])))
    flagged = {k: v for k, v in s["quality"].items() if v and k not in ("frames_used", "frames_total")}
    lines.append("  quality flags       " + (", ".join(f"{k} {v}" for k, v in flagged.items()) or "none"))
    lines += [f"  warning: {w}" for w in result["warnings"]]
    lines += [f"  thumbnail: {p}" for p in result["thumbnails"]]
    return "\n".join(lines)
