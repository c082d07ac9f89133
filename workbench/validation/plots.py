"""Plots of validation results for the notebook: each reads a check's ``details`` (no recomputation)."""
from __future__ import annotations

from matplotlib.figure import Figure

from workbench.validation.checks import CheckResult


def _find(results: list[CheckResult], name: str) -> CheckResult | None:
    return next((r for r in results if r.name == name and r.details), None)


def plot_gain(results: list[CheckResult]) -> Figure | None:
    """Pause ratio and words/min against gain (dB), one line per clip; None when not run."""
    import matplotlib.pyplot as plt

    result = _find(results, "gain_pause_ratio")
    if result is None or "series" not in result.details:
        return None
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
    for clip in result.details["series"]:
        gains = [row["gain_db"] for row in clip["levels"]]
        left.plot(gains, [row["pause_ratio"] for row in clip["levels"]], marker="o", label=clip["clip"])
        right.plot(gains, [row["words_per_minute"] for row in clip["levels"]], marker="o", label=clip["clip"])
    left.set(xlabel="gain (dB)", ylabel="pause ratio", title="pause ratio against gain")
    right.set(xlabel="gain (dB)", ylabel="words per minute", title="speaking rate against gain")
    left.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_tempo(results: list[CheckResult]) -> Figure | None:
    """Measured speaking-rate ratio against the tempo factor, with the identity line."""
    import matplotlib.pyplot as plt

    result = _find(results, "tempo_rate_ratio")
    if result is None or "rows" not in result.details:
        return None
    fig, ax = plt.subplots(figsize=(4.5, 4))
    rows = result.details["rows"]
    ax.plot([0.7, 1.35], [0.7, 1.35], color="grey", linestyle="--", label="expected")
    ax.scatter([r["factor"] for r in rows], [r["rate_ratio"] or 0 for r in rows], label="words/min ratio")
    ax.scatter([r["factor"] for r in rows], [r["speaking_time_ratio"] or 0 for r in rows], marker="x",
               label="speaking-time ratio")
    ax.set(xlabel="tempo factor", ylabel="measured ratio", title="speaking rate against tempo")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_mirror(results: list[CheckResult]) -> Figure | None:
    """Yaw of each frame against the yaw of its mirror image (should lie on y = -x)."""
    import matplotlib.pyplot as plt

    result = _find(results, "mirror_flips_yaw")
    if result is None or "rows" not in result.details:
        return None
    rows = [r for r in result.details["rows"] if r["yaw_deg"] is not None and r["mirrored_yaw_deg"] is not None]
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.plot([-20, 20], [20, -20], color="grey", linestyle="--", label="y = -x")
    ax.scatter([r["yaw_deg"] for r in rows], [r["mirrored_yaw_deg"] for r in rows])
    ax.set(xlabel="yaw (deg)", ylabel="yaw of mirrored frame (deg)", title="mirror flips yaw")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_degradation(results: list[CheckResult]) -> Figure | None:
    """Brightness/sharpness sweeps: where the flag is raised and where a metric first changes."""
    import matplotlib.pyplot as plt

    panels = [(name, key, measure) for name, key, measure in (
        ("darkening_flags_before_metrics", "darken_factor", "brightness"),
        ("blur_flags_before_metrics", "blur_sigma_px", "sharpness")) if _find(results, name)]
    if not panels:
        return None
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.5), squeeze=False)
    for ax, (name, key, measure) in zip(axes[0], panels, strict=True):
        levels = _find(results, name).details["levels"]
        xs = [row[key] for row in levels]
        ax.plot(xs, [row[measure] or 0 for row in levels], marker="o", label=measure)
        for row in levels:
            if row["flagged"]:
                ax.axvline(row[key], color="orange", alpha=0.3)
            if row["metrics_changed"]:
                ax.axvline(row[key], color="red", linestyle=":")
        ax.set(xlabel=key, ylabel=measure, title=f"{name}\n(orange: flagged, red: metric changed)")
    fig.tight_layout()
    return fig
