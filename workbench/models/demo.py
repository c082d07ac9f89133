"""Tiny live demos of each model for the model-setup notebook: one real inference each.

Each demo returns a small JSON-able dict (plus, where there is one, a picture or a sound)."""
from __future__ import annotations

import io
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np

from workbench.media_limits import SAMPLE_RATE_HZ
from workbench.models import registry
from workbench.models.catalog import get_spec

REAL_CLIP = Path("/usr/share/sounds/alsa/Front_Center.wav")  # Debian alsa-utils: a real voice
DEMO_SENTENCES = (
    "I led the migration of our billing service and cut failures by half.",
    "I moved the payment system to a new platform, which halved the error rate.",
)
DEMO_PROMPT = "Ask one short behavioural interview question for a junior nurse. Reply with the question only."
DEMO_SPOKEN = "Welcome. Tell me about a time you solved a difficult problem."


def _timed(fn, *args) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn(*args)
    return value, round(time.perf_counter() - started, 3)


def demo_stt(model_id: str, clip: Path = REAL_CLIP) -> dict:
    from faster_whisper.audio import decode_audio

    model = registry.load(model_id)
    audio = decode_audio(str(clip), sampling_rate=SAMPLE_RATE_HZ)

    def run():
        segments, _ = model.transcribe(audio, beam_size=5, condition_on_previous_text=False)
        return " ".join(s.text.strip() for s in segments)

    text, seconds = _timed(run)
    return {"model": model_id, "input": clip.name, "audio_s": round(len(audio) / SAMPLE_RATE_HZ, 2),
            "output": text, "seconds": seconds}


def demo_embedding(model_id: str) -> dict:
    model = registry.load(model_id)
    vectors, seconds = _timed(lambda: model.encode(list(DEMO_SENTENCES)))
    return {"model": model_id, "input": " | ".join(DEMO_SENTENCES),
            "output": f"cosine similarity {float(vectors[0] @ vectors[1]):.3f}", "seconds": seconds}


def demo_llm(model_id: str, seed: int = 0) -> dict:
    model = registry.load(model_id)
    reply, seconds = _timed(lambda: model.chat([{"role": "user", "content": DEMO_PROMPT}],
                                               max_tokens=48, temperature=0.0, seed=seed))
    return {"model": model_id, "input": DEMO_PROMPT, "output": reply.text.strip(), "seconds": seconds,
            "tokens_per_s": round(reply.completion_tokens / seconds, 1) if seconds else None}


def demo_face(model_id: str, image: np.ndarray | None = None) -> tuple[dict, np.ndarray]:
    """Landmarks of the public-domain astronaut photo, drawn on a copy of it."""
    import cv2
    import mediapipe as mp

    if image is None:
        from skimage import data

        image = data.astronaut()
    model = registry.load(model_id)

    def run():
        with model.open("image", num_faces=1) as landmarker:
            return landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image)))

    result, seconds = _timed(run)
    drawn = image.copy()
    height, width = image.shape[:2]
    faces = result.face_landmarks
    for point in (faces[0] if faces else []):
        cv2.circle(drawn, (int(point.x * width), int(point.y * height)), 1, (0, 255, 0), -1)
    return ({"model": model_id, "input": "skimage astronaut (public domain)",
             "output": f"{len(faces)} face(s), {len(faces[0]) if faces else 0} landmarks", "seconds": seconds},
            drawn)


def demo_expression(model_id: str) -> dict:
    """fer's classifier on the astronaut's face crop (box from a fixed region of that photo)."""
    import cv2
    from skimage import data

    model = registry.load(model_id)
    face = cv2.cvtColor(data.astronaut()[30:230, 150:300], cv2.COLOR_RGB2GRAY)
    face = cv2.resize(face, (64, 64)).astype(np.float32) / 255.0
    face = (face - 0.5) * 2.0  # fer's preprocessing: scale to [-1, 1]
    interpreter = model.interpreter
    detail = interpreter.get_input_details()[0]

    def run():
        interpreter.set_tensor(detail["index"], face.reshape(detail["shape"]).astype(detail["dtype"]))
        interpreter.invoke()
        return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])[0]

    probs, seconds = _timed(run)
    top = int(np.argmax(probs))
    return {"model": model_id, "input": "astronaut face crop",
            "output": f"{model.labels[top]} ({float(probs[top]):.2f})", "seconds": seconds}


def demo_tts(model_id: str, text: str = DEMO_SPOKEN) -> tuple[dict, bytes]:
    voice = registry.load(model_id)

    def run():
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            voice.synthesize_wav(text, wav)
        return buffer.getvalue()

    wav_bytes, seconds = _timed(run)
    with wave.open(io.BytesIO(wav_bytes)) as wav:
        duration_s = wav.getnframes() / wav.getframerate()
    return ({"model": model_id, "input": text, "output": f"{duration_s:.1f} s of speech",
             "seconds": seconds}, wav_bytes)


def run_demos(model_ids: list[str]) -> tuple[list[dict], dict[str, Any]]:
    """One demo per chosen model; returns the rows and the media (face image, speech WAV)."""
    rows: list[dict] = []
    media: dict[str, Any] = {}
    for model_id in model_ids:
        task = get_spec(model_id).task
        try:
            if task == "stt":
                rows.append(demo_stt(model_id))
            elif task == "embedding":
                rows.append(demo_embedding(model_id))
            elif task == "llm":
                rows.append(demo_llm(model_id))
            elif task == "face_landmarks":
                row, media["face_image"] = demo_face(model_id)
                rows.append(row)
            elif task == "expression":
                rows.append(demo_expression(model_id))
            elif task == "tts":
                row, media["speech_wav"] = demo_tts(model_id)
                rows.append(row)
        except Exception as error:  # noqa: BLE001 - a failing demo is shown, not fatal
            rows.append({"model": model_id, "input": "", "output": f"FAILED: {type(error).__name__}: {error}",
                         "seconds": None})
    return rows, media
