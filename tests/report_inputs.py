"""Report test inputs made by the stages' own code, so a key the report reads that a stage renames
fails a fast test: the voice analysis is a real ``VoiceAnalysis(...).to_json()`` around a
``VoiceMetrics(...)``, the face analysis a real ``FaceAnalysis`` whose summary is
``vision.aggregate.summarise(frames)``, the scores a real ``score_answer(...)`` (no LLM)."""
from __future__ import annotations

import numpy as np

from workbench.session import Session, Turn, TurnState
from workbench.speech import fillers as fl
from workbench.speech.analyse import VoiceAnalysis
from workbench.speech.lexicon import FILLED_PAUSES
from workbench.speech.norms import classify_all
from workbench.speech.prosody import HOP_S, ProsodyTrack
from workbench.speech.stt import Transcript, Word
from workbench.speech.voice import VoiceMetrics
from workbench.vision import aggregate
from workbench.vision.expression import EXPRESSION_LABELS
from workbench.vision.frames import FaceSummary
from workbench.vision.face import FaceAnalysis, FrameResult

QUESTION = "Tell me about a time you fixed a slow process."
GOOD_ANSWER = (
    "Last year our release pipeline took forty minutes and kept failing. My task was to make it faster. "
    "I split the tests into fast and slow groups, I cached the dependencies and I added a nightly job. "
    "As a result the build time fell from forty to twelve minutes and failed builds dropped by half."
)
WORD_S = 0.3  # each generated word lasts this long
PAUSE_AFTER = {3: 1.2, 9: 0.6}  # word index -> silent pause after it (s)


def timed_words(text: str) -> list[Word]:
    """The words of ``text`` with times: ``WORD_S`` each, with the pauses of ``PAUSE_AFTER``."""
    words, t = [], 0.5
    for i, token in enumerate(text.split()):
        words.append(Word(token, round(t, 3), round(t + WORD_S, 3), 0.9))
        t += WORD_S + PAUSE_AFTER.get(i, 0.05)
    return words


def voice_analysis(text: str = "um so I split the tests and uh cached the dependencies which halved the build",
                   *, words_per_minute: float | None = 183.1, fillers_per_100_words: float | None = 6.67,
                   pause_ratio: float | None = 0.09, speech_detected: bool = True) -> dict:
    """A stored voice analysis (``VoiceAnalysis.to_json(include_curves=True)``) with the given measures."""
    words = timed_words(text) if speech_detected else []
    duration_s = (words[-1].end_s + 0.5) if words else 3.0
    times = np.arange(0.0, duration_s, HOP_S)
    track = ProsodyTrack(times, 120.0 + 10.0 * np.sin(times), -20.0 + 3.0 * np.cos(times))
    pauses = [{"start_s": words[i].end_s, "end_s": round(words[i].end_s + gap, 3), "duration_s": gap}
              for i, gap in PAUSE_AFTER.items() if i + 1 < len(words)]
    values = {
        "words_per_minute": words_per_minute, "articulation_rate_wpm": 201.0 if speech_detected else None,
        "pause_count": len(pauses), "pause_mean_s": 0.9 if pauses else None,
        "pause_longest_s": max((p["duration_s"] for p in pauses), default=None),
        "pause_ratio": pause_ratio, "fillers_per_100_words": fillers_per_100_words,
        "pitch_median_hz": 120.0, "pitch_range_semitones": 3.0, "pitch_variability_semitones": 2.4,
        "loudness_mean_db": -20.0, "loudness_variability_db": 5.1,
    }
    fillers = fl.to_json([fl.Filler(w.text, w.start_s, w.end_s, "filled_pause")
                          for w in words if w.text in FILLED_PAUSES])
    metrics = VoiceMetrics(
        speech_detected=speech_detected, duration_s=duration_s,
        speaking_time_s=(words[-1].end_s - words[0].start_s) if words else 0.0,
        word_count=len(words) - len(fillers), filler_count=len(fillers), repetition_count=0, restart_count=0,
        monotony=0.4, fillers=fillers, pauses=pauses,
        bands=classify_all(values) if speech_detected else {}, **values,
    )
    transcript = Transcript(words=words, duration_s=duration_s, language="en", model_id="whisper-tiny.en",
                            beam_size=5)
    return VoiceAnalysis(transcript, metrics, track, "turn00.webm", 1.0).to_json(include_curves=True)


def frames(n: int = 40, *, eye_contact_every: int = 10, fps: float = 10.0) -> list[FrameResult]:
    """Sampled frames of a visible face that looks at the camera one frame in ``eye_contact_every``."""
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        probabilities = dict.fromkeys(EXPRESSION_LABELS, 0.05)
        probabilities["neutral"] = 0.7
        out.append(FrameResult(
            t_s=i / fps, face_present=True, n_faces=1, yaw_deg=float(rng.normal(0, 5)),
            pitch_deg=float(rng.normal(0, 3)), roll_deg=0.0, eye_contact=i % eye_contact_every == 0,
            blink=False, blink_score=0.1, smile=i % 4 == 0, smile_score=0.3, expressions=probabilities,
            dominant_expression="neutral", detection_confidence=0.9, face_height_px=200,
            expressive_blendshapes=rng.random(8) * 0.2,
        ))
    return out


def face_analysis(**kwargs) -> dict:
    """A stored face analysis (what the face stage writes to ``turn.analysis["face"]``)."""
    sampled = frames(**kwargs)
    analysis = FaceAnalysis(source="turn00.webm", kind="video", sampling_fps=10.0, frames=sampled,
                            summary=aggregate.summarise(sampled, sampling_fps=10.0), series=aggregate.series(sampled))
    stored = analysis.to_json(include_series=True)
    stored.pop("source")
    return stored


def scored_turn(index: int = 0, *, voice: dict | None = None, face: dict | None = None,
                answer: str = GOOD_ANSWER) -> Turn:
    """An analysed turn whose scores are the real scoring stage's (``score_answer``, no LLM)."""
    from workbench.scoring.api import score_answer

    voice = voice_analysis() if voice is None else voice
    face = face_analysis() if face is None else face
    scores = score_answer(QUESTION, answer, voice=VoiceMetrics.from_json(voice),
                          face=FaceSummary.from_json(face["summary"]), llm_feedback=False)
    return Turn(index=index, question=QUESTION, state=TurnState.ANALYSED, answer_text=answer,
                answer_duration_s=voice["duration_s"],
                analysis={"voice": voice, "face": face, "scores": scores.to_json()})


def session_of(*turns: Turn, session_id: str = "report-test") -> Session:
    return Session(id=session_id, candidate="Priya Sharma", turns=list(turns))
