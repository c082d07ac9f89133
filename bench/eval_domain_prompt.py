"""Does the domain prompt (``speech.domain``) make Whisper hear the field's words? (issue 19, item 3)

    .venv/bin/python -m bench.eval_domain_prompt [--model whisper-tiny.en] [--json OUT]

Three sets, each transcribed without and with the prompt by the same model in the same run:
- scripted technical answers with known text: the bundled sample's three answers (piper) and
  ``SCRIPTED`` answers to bank questions spoken by the packaged piper voice and by espeak-ng;
  figure: technical-term errors (a term of the answer's ``terms`` missing from the transcript) and WER;
- real read speech (LibriVox and "cards" of pocketsphinx-testdata): WER, each clip heard with the prompt
  of a bank question it does not answer (the prompt must not hurt speech off its topic); the guard
  against invented closings was written looking at these clips, so the alsa-utils voice clips are
  kept apart as a held-out check;
- digital silence and white noise with the prompt: words found (must be 0).
Each set is heard twice: by the report's voice analysis (``speech.stt.transcribe``, beam 5) and by the live
interview's quick transcript (``interview.intake.transcribe_heard``, greedy), figures prefixed ``live_``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from workbench.interview.bank import load_bank
from workbench.speech.domain import domain_prompt
from workbench.speech.textnorm import normalise, word_error_rate

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample_session"
# (bank question id, answer text, technical terms in it) -- written for this evaluation
SAMPLE = [
    ("swe-debug-prod", "answer1.webm",
     "In my last job our checkout service started timing out for about five percent of users. I looked at the "
     "logs and the database metrics and found a query without an index. I added the index, wrote a regression "
     "test, and the error rate went back to zero within an hour.",
     ["checkout", "logs", "database", "metrics", "query", "index", "regression test", "error rate"]),
    ("swe-code-review-disagree", "answer2.webm",
     "Um, so, we had a disagreement in a code review about error handling. Uh, we talked it through and, you "
     "know, we kind of agreed on a compromise.",
     ["code review", "error handling", "compromise"]),
    ("swe-design-url-shortener", "answer3.webm",
     "I would start by estimating the traffic: about a hundred million redirects a day is roughly twelve "
     "hundred per second. I would store the short keys in a key value store and put a cache in front, "
     "because reads dominate.",
     ["redirects", "short keys", "key value store", "cache", "reads"]),
]
SCRIPTED = [
    ("swe-rest-vs-grpc",
     "I would choose gRPC for internal services, because the binary protocol and the protobuf schemas give us "
     "code generation and streaming. With REST we keep browser support and easier debugging.",
     ["gRPC", "binary protocol", "protobuf", "schemas", "code generation", "streaming", "REST", "browser support"]),
    ("swe-index-slow-query",
     "First I would run explain to see the query plan, check whether the index is still used, and look at "
     "data growth, locks and stale statistics.",
     ["explain", "query plan", "index", "data growth", "locks", "statistics"]),
    ("swe-concurrency-race",
     "A race condition happens when two requests change shared mutable state at the same time. I would "
     "reproduce it under load, then fix it with a lock, an atomic operation or a database transaction, and "
     "make the handler idempotent.",
     ["race condition", "shared mutable state", "under load", "lock", "atomic operation", "database transaction",
      "idempotent"]),
    ("swe-memory-leak",
     "I would graph the heap over time, take a heap profile, and look for caches without bounds. While it is "
     "being fixed, a scheduled restart is the mitigation.",
     ["heap", "heap profile", "caches", "bounds", "mitigation"]),
    ("swe-security-input",
     "Use parameterised queries, validate the input, encode the output, give the database user least "
     "privilege, and keep the dependencies updated.",
     ["parameterised queries", "validate", "input", "encode", "output", "least privilege", "dependencies"]),
    ("swe-design-rate-limiter",
     "I would use a token bucket per API key, keep the counters in a shared store across instances, and return "
     "the remaining quota in the response headers.",
     ["token bucket", "API key", "counters", "shared store", "instances", "quota", "response headers"]),
]
OFF_TOPIC_QUESTION = "swe-design-notifications"  # the prompt the real read speech is heard with


def term_errors(text: str, terms: list[str]) -> int:
    """Terms (normalised) that do not occur in the normalised transcript."""
    heard = f" {normalise(text)} "
    return sum(1 for term in terms if f" {normalise(term)} " not in heard)


def _prompt(question_id: str) -> str | None:
    question = load_bank().get(question_id)
    return domain_prompt(question.text, question.concepts)


def _transcribe(samples: np.ndarray, prompt: str | None, model_id: str, *, live: bool = False) -> str:
    """What the report's voice analysis hears, or with ``live`` what the live interview hears at once."""
    from workbench.interview.intake import transcribe_heard
    from workbench.speech.stt import transcribe

    if live:
        return transcribe_heard(samples, model_id=model_id, domain_prompt=prompt).text
    return transcribe(samples, model_id=model_id, domain_prompt=prompt).text


def _clips() -> list[tuple[str, str, np.ndarray, str, list[str]]]:
    """(name, question id, 16 kHz samples, reference text, terms) of every scripted answer."""
    from workbench.speech.audio import load_audio
    from workbench.speech.synth_fillers import VOICES

    clips = [(f"sample/{name}", qid, load_audio(SAMPLE_DIR / name), text, terms)
             for qid, name, text, terms in SAMPLE]
    for voice, synth in VOICES.items():
        clips += [(f"{voice}/{qid}", qid, synth(text), text, terms) for qid, text, terms in SCRIPTED]
    return clips


def _figures(clips: list, model_id: str, *, live: bool) -> dict:
    """Every figure of one path (the report's, or with ``live`` the live interview's) on the three sets."""
    from workbench.validation import fixtures as fx

    prefix = "live_" if live else ""
    scripted = []
    for name, qid, samples, text, terms in clips:
        row = {"clip": name, "terms": len(terms), "reference": text}
        for label, prompt in (("plain", None), ("prompted", _prompt(qid))):
            heard = _transcribe(samples, prompt, model_id, live=live)
            row[f"{label}_text"] = heard
            row[f"{label}_term_errors"] = term_errors(heard, terms)
        scripted.append(row)
        print(f"{prefix}{name}: term errors {row['plain_term_errors']} -> {row['prompted_term_errors']}",
              file=sys.stderr)
    off_topic = _prompt(OFF_TOPIC_QUESTION)
    real = fx.librivox_clips() + fx.cards_clips()
    references = [c.transcript for c in real]
    plain = [_transcribe(fx.load(c.path), None, model_id, live=live) for c in real]
    prompted = [_transcribe(fx.load(c.path), off_topic, model_id, live=live) for c in real]
    held_out = fx.alsa_clips()  # not looked at while the invented-closing guard (speech.stt) was written
    held_refs = [c.transcript for c in held_out]
    held_plain = [_transcribe(fx.load(c.path), None, model_id, live=live) for c in held_out]
    held_prompted = [_transcribe(fx.load(c.path), off_topic, model_id, live=live) for c in held_out]
    silence = np.zeros(16000 * 5, dtype=np.float32)
    noise = np.random.default_rng(0).normal(0, 0.05, 16000 * 5).astype(np.float32)
    scripted_refs = [r["reference"] for r in scripted]
    figures = {
        "scripted_clips": len(scripted),
        "scripted_terms": sum(r["terms"] for r in scripted),
        "scripted_term_errors_plain": sum(r["plain_term_errors"] for r in scripted),
        "scripted_term_errors_prompted": sum(r["prompted_term_errors"] for r in scripted),
        "scripted_wer_plain": word_error_rate(scripted_refs, [r["plain_text"] for r in scripted])["wer"],
        "scripted_wer_prompted": word_error_rate(scripted_refs, [r["prompted_text"] for r in scripted])["wer"],
        "real_clips": len(real),
        "real_wer_plain": word_error_rate(references, plain)["wer"],
        "real_wer_prompted_off_topic": word_error_rate(references, prompted)["wer"],
        "held_out_clips": len(held_out),
        "held_out_wer_plain": word_error_rate(held_refs, held_plain)["wer"],
        "held_out_wer_prompted_off_topic": word_error_rate(held_refs, held_prompted)["wer"],
        "held_out_prompted_texts": held_prompted,
        "silence_words_prompted": len(_transcribe(silence, off_topic, model_id, live=live).split()),
        "noise_words_prompted": len(_transcribe(noise, off_topic, model_id, live=live).split()),
        "per_clip": scripted,
    }
    return {f"{prefix}{key}": value for key, value in figures.items()}


def run(model_id: str) -> dict:
    clips = _clips()  # piper speaks with sampling noise: both paths hear the same synthesised clips
    return {"model": model_id, **_figures(clips, model_id, live=False), **_figures(clips, model_id, live=True)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="whisper-tiny.en")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    figures = run(args.model)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    print(json.dumps({k: v for k, v in figures.items() if not k.endswith("per_clip")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
