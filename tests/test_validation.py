"""The validation suite: the fast subset of the checks on real media (each passes or is a documented
known limit), proof that checks fail when a measure is broken, and `workbench validate` end to end."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from workbench.validation import checks as ck
from workbench.validation import face_checks, fixtures, speech_checks
from workbench.validation.run import registered, run_checks, summary, write_results

FAST_CHECKS = [f"{spec.area}.{spec.name}" for spec in registered(fast=True)]


@pytest.fixture(scope="module")
def context() -> fixtures.Context:
    return fixtures.Context(fast=True)


@pytest.fixture(scope="module")
def fast_results(context):
    return {f"{r.area}.{r.name}": r for r in run_checks(fast=True, progress=False, context=context)}


def test_fast_subset_covers_every_area():
    assert {name.split(".")[0] for name in FAST_CHECKS} == set(ck.AREAS)
    assert len(FAST_CHECKS) >= 15


@pytest.mark.parametrize("name", FAST_CHECKS)
def test_fast_check_passes_or_is_a_known_limit(fast_results, name):
    result = fast_results[name]
    assert "error" not in result.details, result.details.get("traceback")
    assert result.status in (ck.STATUS_PASS, ck.STATUS_KNOWN_LIMIT), (
        f"{name} measured {result.measured} against {result.tolerance}: {json.dumps(result.details)[:1500]}")
    if result.status == ck.STATUS_KNOWN_LIMIT:
        assert result.details["known_limit"] and result.measured is not None


def test_results_are_written_as_json_and_table(fast_results, tmp_path):
    results = list(fast_results.values())
    path = write_results(results, tmp_path)
    payload = json.loads(path.read_text())
    assert payload["summary"] == summary(results)
    assert len(payload["results"]) == len(results)
    table = (tmp_path / "validation.md").read_text()
    assert all(r.name in table for r in results)


# --- a check must fail when its measure is broken ---------------------------------------------

def test_comparisons_reject_wrong_values():
    assert ck.within_rel(104.0, 100.0, 0.05) and not ck.within_rel(106.0, 100.0, 0.05)
    assert not ck.within_rel(None, 100.0, 0.05) and not ck.within_rel(float("nan"), 100.0, 0.05)
    assert ck.within_abs(0.52, 0.50, 0.03) and not ck.within_abs(0.54, 0.50, 0.03)
    assert ck.worst([0.01, None]) is None  # a missing measurement is never a pass


def test_a_check_that_raises_is_a_failure_not_a_crash(context):
    def broken(_ctx):
        raise RuntimeError("measure exploded")

    spec = ck.Check("speech", "broken", broken, "n/a", "test")
    result = ck.run_check(spec, context)
    assert result.status == ck.STATUS_FAIL and "measure exploded" in result.details["error"]
    assert ck.run_check(dataclasses.replace(spec, known_limit="documented"), context).status == ck.STATUS_KNOWN_LIMIT


def test_gain_check_fails_when_pause_ratio_depends_on_level():
    # an absolute silence threshold: the quieter copy shows four times the pauses (the example)
    series = [{"clip": "c", "levels": [
        {"gain_db": -12.0, "pause_ratio": 0.40, "words_per_minute": 150.0},
        {"gain_db": 0.0, "pause_ratio": 0.10, "words_per_minute": 150.0},
        {"gain_db": 6.0, "pause_ratio": 0.10, "words_per_minute": 170.0}]}]
    pause_deltas = speech_checks.gain_deltas(series, "pause_ratio", relative=False)
    assert ck.worst(pause_deltas) > speech_checks.GAIN_PAUSE_RATIO_MAX
    assert ck.worst(speech_checks.gain_deltas(series, "words_per_minute", relative=True)) > speech_checks.GAIN_RATE_MAX


def test_pitch_check_fails_for_a_wrong_pitch(fast_results, context):
    clip = next(c for c in fixtures.librivox_clips() if c.name in speech_checks.FAST_CLIPS)
    analysis = context.voice(clip.name, lambda: context.samples(clip))
    good = speech_checks.pitch_comparison(analysis, context.samples(clip))
    assert good["relative_difference"] <= speech_checks.PITCH_AGREEMENT_MAX
    # a spectral-peak tracker reading a harmonic: 20% too high
    wrong = dataclasses.replace(analysis, metrics=dataclasses.replace(
        analysis.metrics, pitch_median_hz=analysis.metrics.pitch_median_hz * 1.2))
    assert speech_checks.pitch_comparison(wrong, context.samples(clip))["relative_difference"] > 0.15


def test_filler_check_catches_substring_matches():
    assert speech_checks.count_text_fillers("Every human also likes reasoning.") == 0
    naive = sum(w in s.lower() for s in speech_checks.MEANINGFUL_SENTENCES for w in ("um", "so", "like"))
    assert naive > 0  # a substring matcher finds "um" in "human": the check would fail it


def test_degradation_margin_fails_when_metrics_change_before_the_flag():
    levels = [{"flagged": False, "metrics_changed": False}, {"flagged": False, "metrics_changed": True},
              {"flagged": True, "metrics_changed": True}]
    assert face_checks.flag_margin(levels) == -1
    assert face_checks.flag_margin([{"flagged": False, "metrics_changed": True}]) is None
    assert face_checks.flag_margin([{"flagged": True, "metrics_changed": False}]) == 1


def test_inserted_pause_lands_between_words_away_from_pauses():
    samples = np.ones(fixtures.SAMPLE_RATE_HZ * 3, dtype=np.float32) * 0.1
    samples[int(1.5 * fixtures.SAMPLE_RATE_HZ):int(1.52 * fixtures.SAMPLE_RATE_HZ)] = 0.0  # the quiet boundary
    words = [(0.0, 0.5), (0.5, 1.0), (1.0, 1.5), (1.52, 2.0), (2.0, 2.5), (2.5, 3.0)]
    at_s = fixtures.pause_cut_point(samples, words, pauses_s=[(0.4, 0.6)])
    assert 1.49 <= at_s <= 1.53
    longer = fixtures.insert_silence(samples, at_s, 1.0)
    assert len(longer) == len(samples) + fixtures.SAMPLE_RATE_HZ


def test_unknown_area_is_a_clear_error():
    from workbench.errors import InputError

    with pytest.raises(InputError, match="unknown validation area"):
        run_checks(areas="speech,smell", progress=False)


@pytest.mark.notebook
def test_validate_cli_runs_notebook_80(tmp_path, capsys):
    from workbench.cli import main

    code = main(["validate", "--fast", "--area", "face", "--out", str(tmp_path), "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == (0 if payload["all_ok"] else 1)
    assert payload["checks"] >= 5 and all(r["area"] == "face" for r in payload["results"])
    html = (tmp_path / "validation.html").read_text()
    assert "mirror_flips_yaw" in html and "<script src=\"http" not in html
    assert json.loads((tmp_path / "validation.json").read_text())["parameters"]["FAST"] is True
