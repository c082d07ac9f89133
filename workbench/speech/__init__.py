"""Speech and voice analysis: transcripts with word timings (faster-whisper) and the measures a
speaking coach gives (rate, pauses, fillers, pitch, loudness), with cited bands.

    from workbench.speech import transcribe, analyse_voice
    analysis = analyse_voice("answer.webm")
    analysis.to_json()["words_per_minute"]
"""
from workbench.speech.analyse import VoiceAnalysis, analyse_voice, summarise
from workbench.speech.stt import Transcript, Word, transcribe
from workbench.speech.voice import VoiceMetrics

__all__ = [
    "Transcript", "VoiceAnalysis", "VoiceMetrics", "Word", "analyse_voice", "summarise",
    "transcribe",
]
