# SPDX-License-Identifier: Apache-2.0
"""`predict(images, backend=...)`: the network's logits from any of its three implementations, in one call.

    from saformer.predict import predict
    logits = predict(x, backend="hls")        # x: (B, in_ch, img, img) integer pixels 0..pixel_max

- `golden`: the numpy integer reference (`golden.reference.forward`), the semantics itself;
- `hls`:    the HLS kernel's g++ C-simulation as a shared library, called in this process through ctypes
            (hls/net_csim.py: the same kernel source Vitis synthesises, its weight stream and AXI streams);
- `rtl`:    the network accelerator's RTL in Verilator (sim/net_runner.py: the network weight stream, the
            pixel and result streams, no stalls), the simulator the board's driver stands in for.

Every backend returns int64 logits (B, n_classes); `classify` adds the class (argmax, ties to the lowest
index). The artifact defaults to the shipped model's (`build/artifact`, exported when missing).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from saformer.contract.artifact import Artifact, load_artifact
from saformer.contract.errors import SaformerError
from saformer.contract.paths import build_dir

BACKENDS = ("golden", "hls", "rtl")


def default_artifact() -> Artifact:
    """The shipped model's artifact (<build>/artifact), exported from the checkpoint when missing."""
    path = build_dir() / "artifact"
    if not (path / "manifest.json").is_file():
        from saformer.golden.data import load_digits
        from saformer.golden.export import export_model
        from saformer.golden.train import load_checkpoint

        qm, _ = load_checkpoint()
        export_model(qm, path, load_digits().x_test[:128], meta={"by": "saformer.predict"})
    return load_artifact(path)


def _artifact(artifact: Artifact | str | Path | None) -> Artifact:
    if artifact is None:
        return default_artifact()
    return artifact if isinstance(artifact, Artifact) else load_artifact(artifact)


def hls_kernel(art: Artifact, name: str = "default"):
    """The compiled HLS kernel of the artifact's configuration, loaded in this process."""
    from saformer.hls import net_csim

    nb = net_csim.build(name if art.manifest.get("checkpoint") else f"cfg-{art.cfg.hash()[:10]}", art.cfg,
                        source=str(art.path))
    return net_csim.NetKernel(nb)


def predict(images: np.ndarray, backend: str = "golden", artifact: Artifact | str | Path | None = None,
            kernel: Any = None) -> np.ndarray:
    """Logits (B, n_classes) int64 of `backend` for `images` (B, in_ch, img, img); `kernel` reuses an
    `hls_kernel` across calls (backend "hls")."""
    art = _artifact(artifact)
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[None]
    if not np.issubdtype(x.dtype, np.integer):
        raise SaformerError("predict: images must be integer pixels 0..pixel_max (as in the test split)")
    x = x.astype(np.int64)
    if backend == "golden":
        from saformer.golden import reference as ref

        return ref.forward(x, art.params, art.cfg)["logits"].astype(np.int64)
    if backend == "hls":
        return (kernel or hls_kernel(art)).predict(art.params, x)
    if backend == "rtl":
        from saformer.sim.net_runner import ensure_net_built, run_net_case

        name = "default" if art.manifest.get("checkpoint") else "custom"
        build = ensure_net_built(name, art.cfg)
        res = run_net_case(build, art, x, np.full(x.shape[0], -1), ("none",), seed=1, label="predict",
                           waves_on_fail=False)
        r = res.runs["none"]
        if r["output_mismatching_images"] or len(r["logits_hw"]) != x.shape[0]:
            raise SaformerError(f"predict(rtl): the simulation's results are incomplete or differ from the "
                                f"reference ({res.report()})")
        return np.asarray(r["logits_hw"], dtype=np.int64).reshape(x.shape[0], art.cfg.n_classes)
    raise SaformerError(f"predict: backend '{backend}' is not one of {BACKENDS}")


def classify(images: np.ndarray, backend: str = "golden", artifact: Artifact | str | Path | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    """(classes, logits): the class is the argmax with ties to the lowest index."""
    lg = predict(images, backend, artifact)
    return np.argmax(lg, axis=-1), lg


def backend_speed(art: Artifact, images: dict[str, int]) -> dict[str, Any]:
    """`make bench`: images/s of every backend on the first test images (`images`: backend -> count), in
    one run, with their logits compared (all must equal the reference's)."""
    from saformer.golden.data import load_digits

    x = load_digits().x_test
    out: dict[str, Any] = {}
    ref_lg = predict(x[:max(images.values())], "golden", art)
    kern = hls_kernel(art)
    kern.predict(art.params, x[:1])  # compile and load outside the timed run
    for b, n in images.items():
        t0 = time.perf_counter()
        lg = predict(x[:n], b, art, kernel=kern)
        secs = time.perf_counter() - t0
        out[b] = {"images": n, "seconds": round(secs, 4), "images_per_s": round(n / secs, 2),
                  "logits_equal_golden": bool(np.array_equal(lg, ref_lg[:n]))}
    out["note"] = ("golden: numpy reference; hls: g++ C-simulation of the HLS kernel via ctypes (in-process); "
                   "rtl: Verilator via cocotb (one simulation of the batch, process start and cocotb included)")
    return out
