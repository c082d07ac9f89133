"""Make the pose and hand model bundles into the model cache (run by `make setup`; never at run time).

    python tools/make_pose_models.py [--force]

Skips a bundle that is already there and matches its catalogue size and SHA-256. Otherwise downloads
the pinned mediapipe 0.10.21 wheel into a temporary folder (``pip download --no-deps``: not installed),
checks the .tflite files in it, builds each bundle and checks it against the catalogue before it is used.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from workbench.errors import ModelCorruptError
from workbench.models.catalog import get_spec
from workbench.models.pose_bundle import RECIPES, BundleError, download_wheel, make_bundle
from workbench.models.weights import made_path, verify


def _is_good(spec, path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        return verify(spec, path, force=True)
    except ModelCorruptError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even when the bundles are good")
    args = parser.parse_args(argv)
    todo = []
    for recipe in RECIPES:
        spec = get_spec(recipe.model_id)
        target = made_path(spec)
        if spec.source.main_file != recipe.file_name:
            print(f"catalogue and recipe disagree on {recipe.model_id}'s file name", file=sys.stderr)
            return 2
        if not args.force and _is_good(spec, target):
            print(f"{recipe.model_id}: ok ({target})")
        else:
            todo.append((recipe, spec, target))
    if not todo:
        return 0
    with tempfile.TemporaryDirectory(prefix="pose-wheel-") as folder:
        try:
            wheel = download_wheel(Path(folder))
            for recipe, spec, target in todo:
                digest = make_bundle(wheel, recipe, target)
                if digest != spec.sha256:
                    target.unlink(missing_ok=True)
                    print(f"{recipe.model_id}: the bundle made here has SHA-256 {digest[:12]}..., the catalogue "
                          f"expects {spec.sha256[:12]}...; not installed", file=sys.stderr)
                    return 1
                verify(spec, target, force=True)  # records the verification stamp
                print(f"{recipe.model_id}: made {target} ({target.stat().st_size:,} bytes)")
        except BundleError as error:
            print(f"pose models not made: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
