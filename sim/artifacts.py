"""Which artifact each named configuration runs on.

`default` runs on the trained model's artifact as soon as one is exported (`build/artifact/manifest.json`,
written by `make export`) -- or on any artifact directory passed in -- and otherwise, like every other
named configuration, on a random integer model (`golden.vectors.random_artifact`), cached under the work
directory and created under a file lock so parallel pytest-xdist workers never write it twice.
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock

from golden.artifact import Artifact, load_artifact
from golden.configs import NAMED
from golden.errors import SaformerError
from golden.vectors import random_artifact

REPO = Path(__file__).resolve().parent.parent
TRAINED = REPO / "build" / "artifact"
RANDOM_SEED = 1234


def trained_artifact_dir() -> Path | None:
    """The exported trained artifact, if there is one (and its config is the default's)."""
    if (TRAINED / "manifest.json").is_file():
        return TRAINED
    return None


def artifact_for(name: str, workdir: str | Path, override: str | Path | None = None,
                 seed: int = RANDOM_SEED) -> Artifact:
    """Artifact for named configuration `name`: `override` if given, the trained export for `default` if
    present, else a cached random integer model under `workdir`/artifacts."""
    if name not in NAMED:
        raise SaformerError(f"configuration '{name}' is not one of {sorted(NAMED)} (golden/configs.py)")
    cfg = NAMED[name]
    src = Path(override) if override is not None else (trained_artifact_dir() if name == "default" else None)
    if src is not None:
        art = load_artifact(src)
        if art.cfg != cfg and override is None:
            raise SaformerError(f"{src}: its config (hash {art.cfg.hash()[:12]}) is not the '{name}' "
                                f"configuration (hash {cfg.hash()[:12]}); re-export or pass the artifact explicitly")
        return art
    root = Path(workdir) / "artifacts"
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{name}-{cfg.hash()[:10]}-s{seed}"
    with FileLock(str(path) + ".lock"):
        if not (path / "manifest.json").is_file():
            random_artifact(cfg, path, seed=seed)
    return load_artifact(path)
