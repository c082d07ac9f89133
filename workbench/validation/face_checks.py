"""Face checks on a real face (``skimage.data.astronaut()``, public domain): found, head pose and
expression, and perturbations with known effects (mirror, in-plane rotation, darkening, blur)."""
from __future__ import annotations

from typing import Any

from workbench.validation import fixtures as fx
from workbench.validation.checks import Measured, check, worst

FRONTAL_MAX_DEG = 20.0  # ours: the astronaut faces the camera; 20 deg is half of MAX_ABS_YAW_DEG-ish range
EXPECTED_EXPRESSION = "happy"  # the astronaut smiles broadly (anyone can look at the photo)
TURN_ANGLES_DEG = (-15.0, 15.0)  # ours: perspective turns that give a clear yaw to flip (at -20 no face was found)
MIRROR_MAX_DEG = 3.0  # ours: |yaw + mirrored yaw| within 3 deg (landmark noise on a flipped face)
MIN_YAW_FOR_SIGN_DEG = 5.0  # ours: below 5 deg the sign of yaw is noise and is not required to flip
ROTATIONS_DEG = (-10.0, 10.0)  # the issue: rotating the frame by 10 deg
ROLL_MAX_DEG = 2.0  # ours: roll moves by the rotation within 2 deg ("about 10 deg", the issue)
DARKEN_FACTORS = (1.0, 0.7, 0.5, 0.35, 0.25, 0.18, 0.12, 0.08, 0.05)  # brightness multipliers, light to dark
DARKEN_FACTORS_FAST = (1.0, 0.35, 0.18, 0.12, 0.05)
BLUR_SIGMAS_PX = (0.0, 1.0, 1.5, 2.0, 2.5, 3.5, 5.0, 7.0)  # Gaussian blur sigma, sharp to blurred
BLUR_SIGMAS_PX_FAST = (0.0, 1.5, 2.5, 5.0)
POSE_DRIFT_DEG = 5.0  # ours: a metric "changed" when yaw, pitch or roll moves more than 5 deg ...
SMILE_DRIFT = 0.2  # ours: ... or the smile score moves by more than 0.2 (of 1), or the expression changes


def _frame(ctx: fx.Context, key: str, make: Any) -> Any:
    return ctx.face(key, make).frames[0]


def _original(ctx: fx.Context) -> Any:
    return _frame(ctx, "astronaut", fx.astronaut)


@check("face", "face_found_astronaut", fast=True, tolerance="a face, usable (no excluding quality flag)",
       reason="a real, well-lit, frontal face must be found")
def face_found(ctx: fx.Context) -> Measured:
    frame = _original(ctx)
    return Measured(frame.face_present, frame.face_present and frame.usable,
                    {"flags": frame.flags, "detection_confidence": frame.detection_confidence,
                     "face_box_px": frame.face_box_px})


@check("face", "head_pose_astronaut_frontal", fast=True, tolerance=f"|yaw|, |pitch|, |roll| <= {FRONTAL_MAX_DEG} deg",
       reason="the astronaut looks at the camera with her head nearly upright (ours, from the photo)")
def pose_frontal(ctx: fx.Context) -> Measured:
    frame = _original(ctx)
    angles = {"yaw_deg": frame.yaw_deg, "pitch_deg": frame.pitch_deg, "roll_deg": frame.roll_deg}
    value = worst([None if v is None else abs(v) for v in angles.values()])
    return Measured(value, value is not None and value <= FRONTAL_MAX_DEG, angles)


@check("face", "expression_astronaut_happy", fast=True,
       tolerance=f"dominant expression '{EXPECTED_EXPRESSION}' and smile",
       reason="the astronaut smiles broadly: both the expression CNN and the smile blendshapes must say so")
def expression(ctx: fx.Context) -> Measured:
    frame = _original(ctx)
    passed = frame.dominant_expression == EXPECTED_EXPRESSION and bool(frame.smile)
    return Measured(frame.dominant_expression, passed,
                    {"expressions": frame.expressions, "smile": frame.smile, "smile_score": frame.smile_score})


@check("face", "mirror_flips_yaw", fast=True,
       tolerance=f"|yaw + mirrored yaw| <= {MIRROR_MAX_DEG} deg; sign flips where |yaw| >= {MIN_YAW_FOR_SIGN_DEG}",
       reason="a mirror image turns the head the other way by the same angle (the issue)")
def mirror_yaw(ctx: fx.Context) -> Measured:
    t = fx.image_transforms()
    rows = []
    for angle in (0.0, *TURN_ANGLES_DEG):
        def base(a=angle):
            return fx.astronaut() if a == 0 else t["turn"](fx.astronaut(), a)

        original = _frame(ctx, f"turn{angle:+.0f}", base)
        mirrored = _frame(ctx, f"turn{angle:+.0f}_mirror", lambda b=base: t["mirror"](b()))
        yaw, yaw_m = original.yaw_deg, mirrored.yaw_deg
        error = None if yaw is None or yaw_m is None else abs(yaw + yaw_m)
        flips = None if error is None else (abs(yaw) < MIN_YAW_FOR_SIGN_DEG or yaw * yaw_m < 0)
        rows.append({"turn_deg": angle, "yaw_deg": yaw, "mirrored_yaw_deg": yaw_m, "sum_deg": error,
                     "sign_flips": flips})
    value = worst([r["sum_deg"] for r in rows])
    passed = value is not None and value <= MIRROR_MAX_DEG and all(r["sign_flips"] for r in rows)
    return Measured(value, passed, {"rows": rows})


@check("face", "rotation_moves_roll", fast=True, tolerance=f"|roll change - rotation| <= {ROLL_MAX_DEG} deg",
       reason="rotating the frame by 10 deg counter-clockwise tilts the head by 10 deg (the issue)")
def rotation_roll(ctx: fx.Context) -> Measured:
    t = fx.image_transforms()
    roll0 = _original(ctx).roll_deg
    rows = []
    for angle in ROTATIONS_DEG:
        frame = _frame(ctx, f"rotate{angle:+.0f}", lambda a=angle: t["rotate"](fx.astronaut(), a))
        change = None if frame.roll_deg is None or roll0 is None else frame.roll_deg - roll0
        rows.append({"rotation_deg": angle, "roll_deg": frame.roll_deg, "roll_change_deg": change,
                     "error_deg": None if change is None else abs(change - angle)})
    value = worst([r["error_deg"] for r in rows])
    return Measured(value, value is not None and value <= ROLL_MAX_DEG, {"original_roll_deg": roll0, "rows": rows})


def metrics_changed(reference: Any, frame: Any) -> bool:
    """Has a measure moved beyond ``POSE_DRIFT_DEG``/``SMILE_DRIFT``, or the face or expression been lost?"""
    if not frame.face_present:
        return True
    for key in ("yaw_deg", "pitch_deg", "roll_deg"):
        if abs(getattr(frame, key) - getattr(reference, key)) > POSE_DRIFT_DEG:
            return True
    if abs((frame.smile_score or 0.0) - (reference.smile_score or 0.0)) > SMILE_DRIFT:
        return True
    return frame.dominant_expression != reference.dominant_expression


def flag_margin(levels: list[dict[str, Any]]) -> int | None:
    """Steps between the first level that raises the flag and the first whose metrics changed
    (>= 0: flagged first or at the same step; None: the metrics changed and no flag was ever raised).
    When nothing changed within the sweep, the margin counts to one step past its end."""
    flagged = next((i for i, row in enumerate(levels) if row["flagged"]), None)
    changed = next((i for i, row in enumerate(levels) if row["metrics_changed"]), len(levels))
    if flagged is None:
        return None if changed < len(levels) else 0
    return changed - flagged


def _degradation(ctx: fx.Context, kind: str, values: tuple[float, ...], flag: str, make: Any) -> Measured:
    from workbench.vision.quality import FLAG_NO_FACE

    reference = _original(ctx)
    levels = []
    for value in values:
        frame = _frame(ctx, f"{kind}{value}", lambda v=value: make(v))
        levels.append({kind: value, "face_present": frame.face_present, "flags": frame.flags,
                       "flagged": flag in frame.flags or FLAG_NO_FACE in frame.flags,
                       "metrics_changed": metrics_changed(reference, frame),
                       "brightness": frame.brightness, "sharpness": frame.sharpness, "yaw_deg": frame.yaw_deg,
                       "roll_deg": frame.roll_deg, "smile_score": frame.smile_score,
                       "dominant_expression": frame.dominant_expression})
    margin = flag_margin(levels)
    return Measured(margin, margin is not None and margin >= 0,
                    {"levels": levels, "flag": flag, "measured_is": "steps from first flag to first metric change"})


@check("face", "darkening_flags_before_metrics", fast=True,
       tolerance="'too_dark' raised at or before the step where a metric changes",
       reason="a measure from a dark face must be flagged before it is trusted wrongly (the issue)")
def darkening(ctx: fx.Context) -> Measured:
    from workbench.vision.quality import FLAG_TOO_DARK

    t = fx.image_transforms()
    factors = DARKEN_FACTORS_FAST if ctx.fast else DARKEN_FACTORS
    return _degradation(ctx, "darken_factor", factors, FLAG_TOO_DARK,
                        lambda f: fx.astronaut() if f == 1.0 else t["darken"](fx.astronaut(), f))


@check("face", "blur_flags_before_metrics", fast=True,
       tolerance="'blurred' raised at or before the step where a metric changes",
       reason="a measure from a blurred face must be flagged before it is trusted wrongly (the issue)")
def blurring(ctx: fx.Context) -> Measured:
    from workbench.vision.quality import FLAG_BLURRED

    t = fx.image_transforms()
    sigmas = BLUR_SIGMAS_PX_FAST if ctx.fast else BLUR_SIGMAS_PX
    return _degradation(ctx, "blur_sigma_px", sigmas, FLAG_BLURRED,
                        lambda s: fx.astronaut() if s == 0 else t["blur"](fx.astronaut(), s))
