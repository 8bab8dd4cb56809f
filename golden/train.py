# SPDX-License-Identifier: Apache-2.0
"""Training: the float twin with surrogate gradients, BN folded into the quant model, then QAT fine-tuning.

`train(cfg, opts)` runs the whole recipe on digits (CPU, fixed seeds, deterministic algorithms) and returns
the two models and their test accuracies. The quantized accuracy is measured the way the hardware decides:
the numpy integer reference's logits, argmax with ties to the lowest class (`golden.reference.predict`).

The checkpoint (`models/saformer_digits.pt`) holds the quant model's state, the float twin's state, the config
and the accuracies; `load_checkpoint` validates it. CLI: `saformer train`, `saformer export`.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from saformer.contract.config import DEFAULT, SAFormerConfig
from saformer.contract.configs import ALL, describe_config
from saformer.contract.errors import SaformerError
from saformer.contract.fsutil import atomic_output
from saformer.contract.paths import package_root
from saformer.golden.data import Split, load_digits
from saformer.golden.model import SAFormer, fold_into
from tqdm import tqdm

CKPT_FORMAT = "saformer-checkpoint"
CKPT_VERSION = 1
DEFAULT_CKPT = package_root() / "models" / "saformer_digits.pt"


@dataclass(frozen=True)
class TrainOptions:
    """The training recipe. Defaults are the recipe of the shipped checkpoint."""

    seed: int = 0
    epochs_float: int = 60  # float twin (BN, surrogate gradients)
    epochs_qat: int = 80  # quant model after BN folding
    batch: int = 64
    lr_float: float = 1e-2
    lr_qat: float = 2e-3
    weight_decay: float = 1e-4
    label_smoothing: float = 0.05
    logit_scale: float = 1.0  # loss temperature: CE(logit_scale * logits in float units)
    # data augmentation: random shifts of up to `shift` pixels (zero fill); 0 = off. Off by default: the
    # digits are centred and 1-pixel shifts of an 8x8 image cost ~1 point of test accuracy in our trials.
    shift: int = 0
    threads: int = 2
    max_train: int = 0  # use only the first max_train training images (0 = all); for smoke tests
    progress: bool = True


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _deterministic(threads: int) -> None:
    torch.set_num_threads(threads)
    try:
        torch.use_deterministic_algorithms(True)
    except Exception:  # noqa: BLE001 -- best effort; CPU kernels here are deterministic anyway
        pass


def shift_batch(x: torch.Tensor, rng: np.random.Generator, max_shift: int) -> torch.Tensor:
    """Shift each image by (dy, dx) in [-max_shift, max_shift]^2 with zero fill (pixels stay integers)."""
    if max_shift <= 0:
        return x
    B, _, H, W = x.shape
    p = max_shift
    xp = F.pad(x, (p, p, p, p))
    d = rng.integers(-p, p + 1, size=(B, 2))
    out = torch.empty_like(x)
    for i in range(B):
        dy, dx = int(d[i, 0]), int(d[i, 1])
        out[i] = xp[i, :, p + dy:p + dy + H, p + dx:p + dx + W]
    return out


def float_logits(model: SAFormer, pixels: torch.Tensor) -> torch.Tensor:
    """Logits in float units: the float twin's directly, the quant model's integer logits times their unit."""
    logits = model(pixels)
    if model.quant:
        unit = model.head.layer.quant_weight().scale.reshape(()).detach()  # counts have unit 1
        logits = logits * unit
    return logits


def _epochs(model: SAFormer, data: Split, opts: TrainOptions, epochs: int, lr: float, desc: str,
            rng: np.random.Generator) -> None:
    xtr = torch.as_tensor(data.x_train, dtype=torch.float32)
    ytr = torch.as_tensor(data.y_train)
    if opts.max_train:
        xtr, ytr = xtr[:opts.max_train], ytr[:opts.max_train]
    n = xtr.shape[0]
    steps = max(1, math.ceil(n / opts.batch)) * epochs
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=opts.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(steps, 1), pct_start=0.15)
    bar = tqdm(range(epochs), desc=desc, disable=not opts.progress, leave=False)
    for _ in bar:
        model.train()
        perm = torch.as_tensor(rng.permutation(n))
        tot, correct, seen = 0.0, 0, 0
        for i in range(0, n, opts.batch):
            idx = perm[i:i + opts.batch]
            x = shift_batch(xtr[idx], rng, opts.shift)
            y = ytr[idx]
            logits = float_logits(model, x)
            loss = F.cross_entropy(opts.logit_scale * logits, y, label_smoothing=opts.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            tot += float(loss.detach()) * len(idx)
            correct += int((logits.argmax(-1) == y).sum())
            seen += len(idx)
        bar.set_postfix(loss=f"{tot / seen:.3f}", train_acc=f"{correct / seen:.3f}")
    model.eval()


@torch.no_grad()
def accuracy_float(fm: SAFormer, x: np.ndarray, y: np.ndarray) -> float:
    """Float twin (eval mode) test accuracy, argmax ties to the lowest index."""
    fm.eval()
    logits = fm(torch.as_tensor(x, dtype=torch.float32)).numpy()
    return float((np.argmax(logits, axis=-1) == y).mean())


@torch.no_grad()
def accuracy_quantized(qm: SAFormer, x: np.ndarray, y: np.ndarray) -> float:
    """Quantized accuracy from the numpy integer reference (what the hardware computes)."""
    from saformer.golden import reference as ref
    from saformer.golden.export import int_params

    qm.eval()
    params, _ = int_params(qm)
    logits = ref.forward(np.asarray(x, dtype=np.int64), params, qm.cfg)["logits"]
    return float((ref.predict(logits) == y).mean())


@dataclass
class TrainResult:
    qmodel: SAFormer
    fmodel: SAFormer
    meta: dict[str, Any]


def train(cfg: SAFormerConfig = DEFAULT, opts: TrainOptions = TrainOptions(), data: Split | None = None) -> TrainResult:
    """Float twin -> fold BN into the quant model -> QAT. Returns both models and the accuracies."""
    _deterministic(opts.threads)
    seed_everything(opts.seed)
    rng = np.random.default_rng(opts.seed)
    data = data or load_digits()
    t0 = time.perf_counter()
    fm = SAFormer(cfg, quant=False)
    _epochs(fm, data, opts, opts.epochs_float, opts.lr_float, "float twin", rng)
    acc_f = accuracy_float(fm, data.x_test, data.y_test)
    qm = SAFormer(cfg, quant=True)
    fold_into(fm, qm)
    acc_fold = accuracy_quantized(qm, data.x_test, data.y_test)
    _epochs(qm, data, opts, opts.epochs_qat, opts.lr_qat, "QAT", rng)
    acc_q = accuracy_quantized(qm, data.x_test, data.y_test)
    secs = time.perf_counter() - t0
    meta = dict(accuracy_float=acc_f, accuracy_quantized=acc_q, accuracy_folded_before_qat=acc_fold,
                test_images=int(len(data.y_test)), train_images=int(opts.max_train or len(data.y_train)),
                train_seconds=round(secs, 1), options=dataclasses.asdict(opts), torch=str(torch.__version__))
    return TrainResult(qm, fm, meta)


# ------------------------------------------------------------------------------- checkpoint
def save_checkpoint(path: str | Path, res: TrainResult) -> Path:
    """Write the checkpoint atomically (temp file beside the target, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    blob = dict(format=CKPT_FORMAT, version=CKPT_VERSION, config=res.qmodel.cfg.to_dict(),
                quant_state={k: v.detach().clone() for k, v in res.qmodel.state_dict().items()},
                float_state={k: v.detach().clone() for k, v in res.fmodel.state_dict().items()},
                meta=res.meta)
    with atomic_output(path) as tmp:
        torch.save(blob, tmp)
    return path


def _read_checkpoint(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if path.is_dir():
        raise SaformerError(f"checkpoint {path} is a directory; give the checkpoint file (.pt) itself")
    if not path.is_file():
        raise SaformerError(f"checkpoint {path} does not exist; run `make train` or pass --ckpt")
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 -- truncated / not a torch file / unsafe content
        raise SaformerError(f"checkpoint {path} is corrupt or not a SAFormer checkpoint "
                            f"({type(e).__name__}); retrain with `make train`") from None
    if not isinstance(blob, dict) or blob.get("format") != CKPT_FORMAT:
        raise SaformerError(f"checkpoint {path}: field 'format' is not '{CKPT_FORMAT}'")
    if blob.get("version") != CKPT_VERSION:
        raise SaformerError(f"checkpoint {path}: field 'version' is {blob.get('version')!r}, "
                            f"this tool reads version {CKPT_VERSION}; retrain with `make train`")
    for k in ("config", "quant_state", "float_state", "meta"):
        if not isinstance(blob.get(k), dict):
            raise SaformerError(f"checkpoint {path}: field '{k}' is missing or not a dict")
    return blob


def _load_state(model: SAFormer, state: dict, path: Path, which: str) -> None:
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise SaformerError(f"checkpoint {path}: field '{which}' does not fit the config ({first}); "
                            "the checkpoint's config and weights disagree") from None


def load_checkpoint(path: str | Path = DEFAULT_CKPT, expect: SAFormerConfig | None = None,
                    with_float: bool = False) -> tuple[SAFormer, dict[str, Any]]:
    """Load and validate a checkpoint -> (quant model in eval mode, meta).

    `expect`: raise SaformerError when the checkpoint's config differs from it. With `with_float`, the float
    twin (eval mode) is returned in meta['float_model'].
    """
    path = Path(path)
    blob = _read_checkpoint(path)
    cfg = SAFormerConfig.from_dict(blob["config"], where=f"checkpoint {path}: config")
    if expect is not None and cfg != expect:
        raise SaformerError(f"checkpoint {path} is for {describe_config(cfg, expect)}; this step needs "
                            f"{describe_config(expect, cfg)}: pass a checkpoint of that config (or retrain with "
                            "`make train`)")
    qm = SAFormer(cfg, quant=True)
    _load_state(qm, blob["quant_state"], path, "quant_state")
    qm.eval()
    meta = dict(blob["meta"])
    meta["config"] = cfg.to_dict()
    if with_float:
        fm = SAFormer(cfg, quant=False)
        _load_state(fm, blob["float_state"], path, "float_state")
        fm.eval()
        meta["float_model"] = fm
    return qm, meta


# ------------------------------------------------------------------------------- CLI
def _add_data_args(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--data", choices=("digits", "cifar10"), default="digits",
                    help="dataset: scikit-learn's bundled digits, or CIFAR-10 from --data-dir")
    ap.add_argument("--data-dir", default=None, help="folder with CIFAR-10's python batches (data_batch_1..5, "
                    "test_batch)")


def load_data(name: str, data_dir: str | None) -> Split:
    """The dataset chosen on the command line (digits needs no folder; CIFAR-10 reads the user's folder)."""
    if name == "digits":
        return load_digits()
    if not data_dir:
        raise SaformerError("--data cifar10 needs --data-dir FOLDER (the python-pickle batches)")
    from saformer.golden.data import load_cifar10

    return load_cifar10(data_dir)


def load_config(path: str | None, base: SAFormerConfig = DEFAULT) -> SAFormerConfig:
    """DEFAULT, or DEFAULT with the fields of a JSON file replaced (e.g. {"img": 32, "in_ch": 3, ...}), or a
    named configuration of contract/configs.py (`--config cifar10-pynq`) when `path` is one's name and no file."""
    if not path:
        return base
    import json

    f = Path(path)
    if path in ALL and not f.exists():
        return ALL[path]
    try:
        d = json.loads(f.read_text())
    except FileNotFoundError:
        raise SaformerError(f"config file {f} does not exist") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise SaformerError(f"config file {f}: corrupt JSON ({e})") from None
    if not isinstance(d, dict):
        raise SaformerError(f"config file {f}: expected a JSON object of config fields")
    return SAFormerConfig.from_dict({**base.to_dict(), **d}, where=f"config file {f}")


def _check_data_fits(cfg: SAFormerConfig, data: Split) -> None:
    shp = (cfg.in_ch, cfg.img, cfg.img)
    if tuple(data.x_test.shape[1:]) != shp:
        raise SaformerError(f"dataset images have shape {tuple(data.x_test.shape[1:])}, the config needs {shp}: "
                            "set in_ch and img with --config")
    if int(data.x_test.max()) > cfg.pixel_max:
        raise SaformerError(f"dataset pixels reach {int(data.x_test.max())} > config pixel_max={cfg.pixel_max}: "
                            "set pixel_max and pixel_frac with --config (CIFAR-10: 255 and 8)")


def cli_train(argv: list[str]) -> int:
    from saformer.contract.argtypes import count

    ap = argparse.ArgumentParser(prog="saformer train", description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(DEFAULT_CKPT), help="checkpoint to write (default: %(default)s)")
    ap.add_argument("--seed", type=count(0), default=TrainOptions.seed, help="random seed (default %(default)s)")
    ap.add_argument("--epochs-float", type=count(0), default=TrainOptions.epochs_float,
                    help="epochs of the float twin (default %(default)s)")
    ap.add_argument("--epochs-qat", type=count(0), default=TrainOptions.epochs_qat,
                    help="epochs of quantization-aware training (default %(default)s)")
    ap.add_argument("--threads", type=count(1), default=TrainOptions.threads,
                    help="torch threads (default %(default)s)")
    ap.add_argument("--config", default=None, help="JSON file of config fields that replace DEFAULT's, or a "
                    "named config (e.g. cifar10-pynq, cifar10-384)")
    ap.add_argument("--max-train", type=count(0), default=0, help="use only the first N training images (0 = all)")
    _add_data_args(ap)
    a = ap.parse_args(argv)
    cfg = load_config(a.config)
    data = load_data(a.data, a.data_dir)
    _check_data_fits(cfg, data)
    opts = TrainOptions(seed=a.seed, epochs_float=a.epochs_float, epochs_qat=a.epochs_qat, threads=a.threads,
                        max_train=a.max_train)
    res = train(cfg, opts, data)
    m = res.meta
    print(f"float twin accuracy {m['accuracy_float']:.4f}, quantized (integer reference) "
          f"{m['accuracy_quantized']:.4f} (after BN fold, before QAT: {m['accuracy_folded_before_qat']:.4f}), "
          f"{m['test_images']} test images, {m['train_seconds']:.0f} s")
    out = save_checkpoint(a.out, res)
    print(f"wrote {out}")
    return 0


def cli_export(argv: list[str]) -> int:
    from saformer.contract.argtypes import count
    from saformer.golden.export import export_model

    ap = argparse.ArgumentParser(prog="saformer export", description="export a checkpoint as an artifact")
    ap.add_argument("--ckpt", default=str(DEFAULT_CKPT), help="checkpoint (default: %(default)s)")
    ap.add_argument("--out", default="build/artifact", help="artifact directory (default: %(default)s); a "
                    "non-empty directory saformer did not write is refused")
    ap.add_argument("--force", action="store_true", help="write into a directory holding other files, replacing "
                    "only the artifact's own entries (nothing else is deleted)")
    ap.add_argument("--images", type=count(1), default=128,
                    help="test images for the 'real' SASA vectors (default %(default)s)")
    _add_data_args(ap)
    a = ap.parse_args(argv)
    from saformer.contract.artifact import _legacy_entries
    from saformer.contract.fsutil import check_output_dir

    check_output_dir(a.out, a.force, _legacy_entries(Path(a.out)))  # refuse before the long steps
    qm, meta = load_checkpoint(a.ckpt)
    data = load_data(a.data, a.data_dir)
    _check_data_fits(qm.cfg, data)
    px = data.x_test[:a.images]
    keep = {k: meta[k] for k in ("accuracy_quantized", "accuracy_float", "test_images") if k in meta}
    out = export_model(qm, a.out, px, meta={"checkpoint": str(a.ckpt), "real_images": int(len(px)), **keep},
                       force=a.force)
    print(f"wrote artifact {out} ({len(px)} test images as 'real' SASA vectors)")
    return 0
