# SPDX-License-Identifier: Apache-2.0
"""Which artifact each named configuration runs on.

`default` runs on the trained model's artifact as soon as one is exported (`build/artifact/manifest.json`,
written by `make export`) -- or on any artifact directory passed in -- and otherwise, like every other
named configuration, on a random integer model (`golden.vectors.random_artifact`; the CIFAR-10 ones on a
model whose spike densities are calibrated to 0.1-0.2, `golden.calibrate.density_artifact`), cached under the work
directory (keyed on the config hash, the seed and a hash of the golden sources that make it) and
created under a file lock so parallel pytest-xdist workers never write it twice.

Every artifact gets one more in-memory vector set, `cover` (`coverage_set`): weights are reloadable, so
a set chosen to saturate the attention path (every Q and K fires, a = N, A all ones) is a legitimate
hardware input that random and worst-case sets rarely reach.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from filelock import FileLock
from saformer.contract.artifact import Artifact, load_artifact
from saformer.contract.config import SAFormerConfig, derive, wrange
from saformer.contract.configs import ALL as NAMED  # the regression's configs and the scale ones
from saformer.contract.configs import CIFAR
from saformer.contract.errors import SaformerError
from saformer.contract.paths import build_dir, package_root
from saformer.golden.calibrate import density_artifact
from saformer.golden.vectors import make_set, random_artifact

REPO = package_root()


TRAINED: Path | None = None  # the trained artifact's folder; None: trained_artifact()


def trained_artifact() -> Path:
    """Where `make export` writes the shipped model's artifact: <build>/artifact."""
    return build_dir() / "artifact"


RANDOM_SEED = 1234
REAL_IMAGES = 64  # random-model stand-in for the trained model's >= 50 real images (default config)


# the golden sources a random artifact's contents depend on: a change to any of them makes a new cache entry
GOLDEN_SOURCES = ("golden/vectors.py", "golden/reference.py", "golden/calibrate.py", "contract/artifact.py",
                  "contract/config.py", "contract/layout.py")


def golden_sources_hash() -> str:
    """12 hex digits of the sha256 over GOLDEN_SOURCES (names and bytes)."""
    h = hashlib.sha256()
    for f in GOLDEN_SOURCES:
        h.update(f.encode())
        h.update((REPO / f).read_bytes())
    return h.hexdigest()[:12]


def random_artifact_path(workdir: str | Path, name: str, cfg: SAFormerConfig, seed: int) -> Path:
    """Cache folder of the random integer model of configuration `name` with `seed`: keyed on the config
    hash, the seed and the golden sources that make it (so an edit there never reuses a stale artifact)."""
    return Path(workdir) / "artifacts" / f"{name}-{cfg.hash()[:10]}-s{seed}-g{golden_sources_hash()}"


def trained_artifact_dir() -> Path | None:
    """The exported trained artifact, if there is one (and its config is the default's)."""
    trained = TRAINED or trained_artifact()
    if (trained / "manifest.json").is_file():
        return trained
    return None


def artifact_for(name: str, workdir: str | Path, override: str | Path | None = None,
                 seed: int = RANDOM_SEED) -> Artifact:
    """Artifact for named configuration `name`: `override` if given, the trained export for `default` if
    present, else a cached random integer model under `workdir`/artifacts."""
    if name not in NAMED:
        raise SaformerError(f"configuration '{name}' is not one of {sorted(NAMED)} (contract/configs.py)")
    cfg = NAMED[name]
    src = Path(override) if override is not None else (trained_artifact_dir() if name == "default" else None)
    if src is not None:
        art = load_artifact(src)
        if art.cfg != cfg and override is None:
            raise SaformerError(f"{src}: its config (hash {art.cfg.hash()[:12]}) is not the '{name}' "
                                f"configuration (hash {cfg.hash()[:12]}); re-export or pass the artifact explicitly")
        art.vectors.setdefault("cover", coverage_set(art.cfg, seed))
        return art
    path = random_artifact_path(workdir, name, cfg, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        if not (path / "manifest.json").is_file():
            if name in CIFAR:  # spike densities of a trained model (0.1-0.2), golden/calibrate.py
                density_artifact(cfg, path, seed=seed)
            else:
                random_artifact(cfg, path, seed=seed, n_random=REAL_IMAGES if name == "default" else 16)
    art = load_artifact(path)
    art.vectors.setdefault("cover", coverage_set(cfg, seed))
    return art


def coverage_set(cfg: SAFormerConfig, seed: int) -> dict[str, np.ndarray]:
    """Two images that saturate attention: Wq, Wk, bq, bk at their maximum and theta_q = theta_k = 1, so
    every Q and K spike fires (a = N, A all ones where theta_a = N); heads alternate theta_a = 1 and N.
    Image 0 has every input spike on, image 1 none (empty tokens, bias-only currents)."""
    rng = np.random.default_rng(seed)
    D, N, T = cfg.D, cfg.N, cfg.T
    wlo, whi = wrange(cfg.w_bits)
    blo, bhi = wrange(cfg.bias_bits)
    p = {"wq": np.full((D, D), whi), "wk": np.full((D, D), whi), "wo": rng.integers(wlo, whi + 1, (D, D)),
         "bq": np.full(D, bhi), "bk": np.full(D, bhi), "bo": rng.integers(blo, bhi + 1, D),
         "theta_q": np.array(1), "theta_k": np.array(1),
         "theta_a": np.arange(cfg.heads) % 2 * (N - 1) + 1}
    p = {k: np.asarray(v, dtype=np.int64) for k, v in p.items()}
    assert derive(cfg).theta_max >= 1
    s = np.stack([np.ones((T, N, D), np.uint8), np.zeros((T, N, D), np.uint8)])
    return make_set(cfg, p, s)
