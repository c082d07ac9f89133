"""What this machine can run: cores, memory, free disk, GPU if any, and a per-model verdict."""
from __future__ import annotations

import os
import platform
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from workbench.models.catalog import ModelSpec

RAM_HEADROOM_MB = 1024  # ours: leave 1 GB for the OS, Jupyter and the browser
LOW_CORES = 2  # ours: below this, real-time transcription during a live answer is not assured


@dataclass(frozen=True)
class Hardware:
    cpu_cores: int
    ram_total_mb: int
    ram_available_mb: int
    disk_free_mb: int
    gpu: str | None
    cpu_flags_avx2: bool
    platform: str

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _gpu_name() -> str | None:
    if shutil.which("nvidia-smi") is None:
        return None
    try:
        import subprocess

        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=5, check=False,
        )
        return out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout.strip() else None
    except (OSError, IndexError, subprocess.SubprocessError):
        return None


def _has_avx2() -> bool:
    try:
        return "avx2" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity, not the machine's count), at least 1."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def probe(path_for_disk: Path | None = None) -> Hardware:
    memory = psutil.virtual_memory()
    disk_path = path_for_disk if path_for_disk and path_for_disk.exists() else Path.home()
    return Hardware(
        cpu_cores=usable_cores(),
        ram_total_mb=int(memory.total / 2**20),
        ram_available_mb=int(memory.available / 2**20),
        disk_free_mb=int(shutil.disk_usage(disk_path).free / 2**20),
        gpu=_gpu_name(),
        cpu_flags_avx2=_has_avx2(),
        platform=f"{platform.system()} {platform.machine()} Python {platform.python_version()}",
    )


FITS, SLOW, NO_FIT = "fits", "slow", "does not fit"  # this machine's verdict on a model


def machine_verdict(spec: ModelSpec, hardware: Hardware) -> tuple[str, str]:
    """``FITS``, ``SLOW`` or ``NO_FIT`` for the model on this machine, and why (one short sentence)."""
    if spec.ram_mb + RAM_HEADROOM_MB > hardware.ram_total_mb:
        return NO_FIT, (f"needs {spec.ram_mb} MB RAM plus {RAM_HEADROOM_MB} MB headroom; "
                        f"machine has {hardware.ram_total_mb} MB")
    if spec.backend == "llama.cpp" and not hardware.cpu_flags_avx2:
        return NO_FIT, "the prebuilt llama.cpp wheel needs a CPU with AVX2"
    if spec.ram_mb > hardware.ram_available_mb:
        return SLOW, f"fits, but only {hardware.ram_available_mb} MB RAM is free now"
    if hardware.cpu_cores < LOW_CORES:
        return SLOW, "fits; a single core makes live analysis slow"
    return FITS, "fits"


def verdict(spec: ModelSpec, hardware: Hardware) -> tuple[bool, str]:
    """Whether the model fits this machine, and why (one short sentence)."""
    label, reason = machine_verdict(spec, hardware)
    return label != NO_FIT, reason
