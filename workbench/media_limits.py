"""The limits on recordings and images, and the sample rate audio is analysed at: one home for each,
imported by the input checks, the store, the speech stage, the live interview and the recorder.

A file above a limit is refused before anything is decoded or stored, with a message naming the limit.
"""
from __future__ import annotations

SAMPLE_RATE_HZ = 16_000  # Whisper's input rate (openai/whisper audio.py); every stage decodes audio to it
# One size and one duration for every recording, live or imported: a 2 h 720p webm from the recorder is
# about 400 MB, so 1 GiB leaves room for other encoders (ours). The store refuses the same size.
MAX_MEDIA_BYTES = 1024**3  # ours: 1 GiB
MAX_MEDIA_DURATION_S = 2 * 3600.0  # ours: a whole practice session recorded in one file
# A recording made in the browser is held in the kernel's memory while it streams in, so it has its own,
# lower cap (ours): 20 min of webm video at ~1.3 Mbit/s fits; beyond, the recorder stops and says so.
MAX_LIVE_RECORDING_BYTES = 200 * 1024**2
MIN_MEDIA_DURATION_S = 0.1  # ours: shorter than one syllable (about 0.2 s) cannot hold an answer
MAX_IMAGE_BYTES = 50 * 1024**2  # ours: 50 MiB; a 24 MP photo as PNG is about 40 MB
MAX_FRAME_WIDTH_PX = 4096  # ours: covers 4K UHD (3840x2160); larger frames only cost memory
MAX_FRAME_HEIGHT_PX = 4096
MAX_IMAGE_PIXELS = 40_000_000  # ours: above this, decoding one frame takes >120 MB (decompression bombs)

