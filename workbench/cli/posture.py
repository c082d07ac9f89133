"""workbench posture VIDEO_OR_IMAGE: upper-body posture and gestures of a recording or a photo (all local)."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli.common import add_json_flag
from workbench.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "posture", help="shoulder tilt, lean, slouch, fidgeting, gestures, face touches of a video or image")
    parser.add_argument("path", metavar="VIDEO_OR_IMAGE", help="webm/mp4/avi/... video or a jpg/png photo")
    parser.add_argument("--fps", type=float, default=10.0, help="frames analysed per second of video (default 10)")
    parser.add_argument("--frames", action="store_true", help="include every frame (points, flags) in the output")
    parser.add_argument("--thumbnails", metavar="DIR",
                        help="write skeleton JPEG thumbnails to DIR (opt-in: they show the person)")
    add_json_flag(parser)
    parser.set_defaults(handler=_run, format_text=format_text)


def _run(args: argparse.Namespace) -> dict[str, Any]:
    from workbench.vision.posture import analyse_posture

    if not Path(args.path).expanduser().is_file():
        raise InputError(f"no such file: {args.path}")
    analysis = analyse_posture(args.path, fps=args.fps, thumbnails_dir=args.thumbnails)
    return analysis.to_json(include_frames=args.frames)


def _fmt(value: Any, unit: str = "", digits: int = 2) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}{unit}"
    return f"{value}{unit}"


def format_text(result: dict[str, Any]) -> str:
    s = result["summary"]
    lines = [f"{result['source']} ({result['kind']}, {_fmt(result['width_px'])}x{_fmt(result['height_px'])} px), "
             f"{s['frames_used']}/{s['frames_total']} frames usable"]
    lines.append(f"  shoulder tilt (absolute, camera-dependent) {_fmt(s['absolute_shoulder_tilt_deg'], ' deg', 1)}")
    if not s["measured"]:
        lines.append(f"  {s['not_measured_reason']}")
    else:
        b = s["baseline"]
        lines += [
            f"  baseline            {b['kind']} ({b['frames']} frames)",
            f"  shoulder tilt change {_fmt(s['shoulder_tilt_change_deg'], ' deg', 1)} "
            f"(95th pct |change| {_fmt(s['shoulder_tilt_change_p95_abs_deg'], ' deg', 1)})",
            f"  lean (shoulder width) {_fmt(s['lean_shoulder_width_change_pct'], ' %', 1)}",
            f"  slouch (head drop)  {_fmt(s['slouch_head_drop_pct'], ' %', 1)}",
            f"  fidget energy       {_fmt(s['fidget_energy'], digits=4)}   "
            f"body motion {_fmt(s['body_motion_energy'], digits=4)}",
            f"  gesturing ratio     {_fmt(s['gesturing_ratio'])}",
            f"  hand-to-face        {_fmt(s['hand_to_face_touches'])} touches "
            f"({_fmt(s['hand_to_face_ratio'])} of frames)",
            f"  crossed arms ratio  {_fmt(s['crossed_arms_ratio'])}",
            f"  posture changes     {_fmt(s['posture_change_events'])}, "
            f"longest steady {_fmt(s['longest_steady_posture_s'], ' s', 1)}",
            f"  {s['norm']}",
        ]
    flagged = {k: v for k, v in s["quality"].items() if v and k not in ("frames_used", "frames_total")}
    lines.append("  quality flags       " + (", ".join(f"{k} {v}" for k, v in flagged.items()) or "none"))
    lines += [f"  warning: {w}" for w in result["warnings"]]
    lines += [f"  thumbnail: {p}" for p in result["thumbnails"]]
    return "\n".join(lines)
