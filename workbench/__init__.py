"""Interview workbench: a fully local research workbench for interview practice and study.

Importing the package puts every model hub library into offline mode before any of them is
imported, so no code path can reach a model hub. See ``workbench.offline`` for the socket guard.
"""
from __future__ import annotations

import os

# Hub libraries read these at import time: set them before anything imports transformers,
# sentence-transformers, huggingface_hub or faster-whisper.
for _name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"

# The package itself refuses outbound connections (loopback stays open) from the moment it is
# imported: in the CLI, the notebooks, the widgets and any script. WORKBENCH_ALLOW_NETWORK=1 lifts it.
from workbench.offline import block_network as _block_network  # noqa: E402

_block_network()
