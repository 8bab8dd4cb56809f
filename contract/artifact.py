# SPDX-License-Identifier: Apache-2.0
"""The exported artifact: a directory with manifest.json and one .npy per array (numpy only).

manifest.json: format name and version, config (and its hash), derived widths, per-layer scale exponents,
and for every array its file, shape, dtype and sha256. Written atomically: the whole directory is built
under a temporary name beside the target and renamed into place, so a failure never leaves half an
artifact. `load_artifact` validates version, config, shapes, value ranges and hashes, and raises
SaformerError naming the file and field at fault.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from saformer.contract.config import SAFormerConfig, derive
from saformer.contract.errors import SaformerError
from saformer.contract.fsutil import place_output_dir
from saformer.contract.layout import SASA_ORDER, network_segments

FORMAT = "saformer-artifact"
FORMAT_VERSION = 1
VECTOR_KEYS = ("s", "q", "k", "a", "A", "y", "inc")  # every SASA vector set: spikes in, Q, K, a, A, Y, increment


def param_specs(cfg: SAFormerConfig) -> dict[str, tuple[tuple[int, ...], tuple[int, int]]]:
    """name -> (shape, allowed [min, max]) of every integer model parameter (saformer.contract.layout)."""
    return {sg.key: (sg.shape, (sg.lo, sg.hi)) for sg in network_segments(cfg)}


def vector_specs(cfg: SAFormerConfig, count: int) -> dict[str, tuple[tuple[int, ...], tuple[int, int]]]:
    d = derive(cfg)
    T, N, D = cfg.T, cfg.N, cfg.D
    sp = param_specs(cfg)
    out = {k: (sp["b0.sasa." + k][0], sp["b0.sasa." + k][1]) for k in SASA_ORDER} if cfg.L else {}
    for k in ("s", "q", "k", "y"):
        out[k] = ((count, T, N, D), (0, 1))
    out["a"] = ((count, T, D), (0, N))
    out["A"] = ((count, T, D), (0, 1))
    out["inc"] = ((count, T, N, D), d.ranges["sasa.increment"])
    return out


@dataclass
class Artifact:
    path: Path
    cfg: SAFormerConfig
    params: dict[str, np.ndarray]
    vectors: dict[str, dict[str, np.ndarray]]
    manifest: dict[str, Any] = field(default_factory=dict)

    def sasa_params(self, block: int = 0) -> dict[str, np.ndarray]:
        pre = f"b{block}.sasa."
        return {k[len(pre):]: v for k, v in self.params.items() if k.startswith(pre)}


def _npy_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue()


def _dtype_for(lo: int, hi: int) -> np.dtype:
    for dt in (np.uint8, np.int8, np.int16, np.int32, np.int64):
        info = np.iinfo(dt)
        if info.min <= lo and hi <= info.max:
            return np.dtype(dt)
    raise AssertionError("range too wide")


def save_artifact(path: str | Path, cfg: SAFormerConfig, params: dict[str, np.ndarray],
                  vectors: dict[str, dict[str, np.ndarray]], meta: dict[str, Any] | None = None,
                  force: bool = False) -> Path:
    """Validate and write an artifact directory atomically (temp dir + rename).

    An existing `path` is replaced only when the project wrote it (saformer.contract.fsutil.place_output_dir): a folder
    with anyone else's files is refused, or with `force` keeps them and replaces only the artifact's entries.
    """
    path = Path(path)
    arrays: dict[str, np.ndarray] = {}
    specs = param_specs(cfg)
    for name, (_shape, (lo, hi)) in specs.items():
        if name not in params:
            raise SaformerError(f"export: parameter '{name}' missing")
        a = np.asarray(params[name])
        arrays["params/" + name] = a.astype(_dtype_for(lo, hi))
    for vname, vset in vectors.items():
        count = vset["s"].shape[0]
        for key, (_shape, (lo, hi)) in vector_specs(cfg, count).items():
            arrays[f"vectors/{vname}/{key}"] = np.asarray(vset[key]).astype(_dtype_for(lo, hi))
    manifest: dict[str, Any] = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "config": cfg.to_dict(), "config_hash": cfg.hash(),
        "widths": {k: derive(cfg).width(k) for k in derive(cfg).ranges},
        "ranges": {k: list(v) for k, v in derive(cfg).ranges.items()},
        "vectors": {k: int(v["s"].shape[0]) for k, v in vectors.items()},
        "arrays": {},
        **(meta or {}),
    }
    path = path.absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    try:
        for name, a in arrays.items():
            blob = _npy_bytes(a)
            f = tmp / (name + ".npy")
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_bytes(blob)
            manifest["arrays"][name] = {"file": name + ".npy", "shape": list(a.shape), "dtype": str(a.dtype),
                                        "sha256": hashlib.sha256(blob).hexdigest()}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        # Validate what was written before it replaces anything.
        load_artifact(tmp)
        place_output_dir(tmp, path, "saformer export", force=force, legacy=_legacy_entries(path))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def _legacy_entries(path: Path) -> set[str] | None:
    """An artifact written before output markers existed: its manifest says so; its entries are ours."""
    try:
        m = json.loads((path / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if isinstance(m, dict) and m.get("format") == FORMAT:
        return {"manifest.json", "params", "vectors"}
    return None


# Names an artifact may list: params/<key> and vectors/<set>/<key>, no other '/' (save_artifact's names).
_NAME = re.compile(r"(params/[A-Za-z0-9_.\-]+|vectors/[A-Za-z0-9_\-]+/[A-Za-z0-9_.\-]+)")
_DTYPES = ("uint8", "int8", "int16", "int32", "int64")  # what save_artifact writes (_dtype_for)
_SHA = re.compile(r"[0-9a-f]{64}")
MAX_ARRAY_BYTES = 1 << 30  # a manifest claiming more than this per array is refused before any allocation


def _inside(root: Path, f: Path) -> bool:
    """`f`, with every symlink followed, lies inside `root` (itself resolved)."""
    try:
        return f.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a symlink loop
        return False


def _entry(mf: Path, root: Path, path: Path, name: Any, e: Any) -> tuple[Path, str, tuple[int, ...], str]:
    """Validate one manifest entry without reading anything: (file, sha256, shape, dtype)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise SaformerError(f"{mf}: array name {name!r} is not 'params/<name>' or 'vectors/<set>/<name>'")
    if not isinstance(e, dict):
        raise SaformerError(f"{mf}: arrays['{name}'] must be an object with file, sha256, shape, dtype")
    for k, typ in (("file", str), ("sha256", str), ("shape", list), ("dtype", str)):
        if k not in e:
            raise SaformerError(f"{mf}: arrays['{name}'] has no field '{k}'")
        if not isinstance(e[k], typ):
            raise SaformerError(f"{mf}: arrays['{name}'].{k} must be a {typ.__name__}, got {e[k]!r:.60}")
    rel = e["file"]
    if not rel or "\0" in rel or Path(rel).is_absolute() or ".." in Path(rel).parts:
        raise SaformerError(f"{mf}: arrays['{name}'].file {rel!r:.80} leaves the artifact directory; refused")
    f = path / rel
    if not _inside(root, f):
        raise SaformerError(f"{mf}: arrays['{name}'].file {rel!r:.80} points outside the artifact directory "
                            "(a symlink?); refused")
    if not _SHA.fullmatch(e["sha256"]):
        raise SaformerError(f"{mf}: arrays['{name}'].sha256 is not 64 lowercase hex digits")
    shape = e["shape"]
    if not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n for n in shape) or len(shape) > 8:
        raise SaformerError(f"{mf}: arrays['{name}'].shape {shape!r:.60} is not a list of at most 8 sizes >= 0")
    if e["dtype"] not in _DTYPES:
        raise SaformerError(f"{mf}: arrays['{name}'].dtype {e['dtype']!r:.40} is not one of {list(_DTYPES)}")
    if math.prod(shape) * np.dtype(e["dtype"]).itemsize > MAX_ARRAY_BYTES:
        raise SaformerError(f"{mf}: arrays['{name}'].shape {shape} is larger than an artifact array can be")
    return f, e["sha256"], tuple(shape), e["dtype"]


def _parse_npy(f: Path, blob: bytes, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """Parse a .npy blob whose header must say exactly `shape` and `dtype` and whose data must fill it; the
    header is read first, so a forged header cannot make numpy allocate or parse anything else."""
    buf = io.BytesIO(blob)
    try:
        version = np.lib.format.read_magic(buf)
        if version == (1, 0):
            h_shape, fortran, h_dtype = np.lib.format.read_array_header_1_0(buf)
        elif version in ((2, 0), (3, 0)):
            h_shape, fortran, h_dtype = np.lib.format.read_array_header_2_0(buf)
        else:
            raise ValueError(f"format version {version}")
    except Exception as ex:  # noqa: BLE001 - any header parse failure is a corrupt file
        raise SaformerError(f"{f}: not a valid .npy file ({str(ex)[:120]})") from None
    if tuple(h_shape) != shape or h_dtype != np.dtype(dtype) or h_dtype.hasobject:
        raise SaformerError(f"{f}: shape/dtype {tuple(h_shape)}/{h_dtype} differ from the manifest's "
                            f"{shape}/{dtype}")
    if len(blob) - buf.tell() != math.prod(shape) * h_dtype.itemsize:
        raise SaformerError(f"{f}: data length does not match its header (truncated or padded)")
    a = np.frombuffer(blob, dtype=h_dtype, count=math.prod(shape), offset=buf.tell())
    return a.reshape(shape, order="F" if fortran else "C").copy()


def load_artifact(path: str | Path) -> Artifact:
    """Load and validate an artifact directory; SaformerError on any defect.

    Hostile manifests are expected: every entry is checked (names, types, a `file` that stays inside the
    directory with symlinks followed) before any array file is opened, and nothing outside is ever read.
    """
    path = Path(path)
    mf = path / "manifest.json"
    if not path.is_dir():
        raise SaformerError(f"{path}: no artifact directory here (run `make export` to create one)")
    root = path.resolve()
    if not mf.is_file():
        raise SaformerError(f"{mf}: missing; not an artifact directory")
    if not _inside(root, mf):
        raise SaformerError(f"{mf}: points outside the artifact directory (a symlink?); refused")
    try:
        m = json.loads(mf.read_text())
    except (ValueError, RecursionError) as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise SaformerError(f"{mf}: corrupt JSON ({str(e)[:120]})") from None
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise SaformerError(f"{mf}: field 'format' is not '{FORMAT}'")
    if m.get("format_version") != FORMAT_VERSION:
        raise SaformerError(f"{mf}: field 'format_version' is {m.get('format_version')!r:.40}, this tool reads "
                            f"{FORMAT_VERSION}; re-export the artifact with this version")
    if not isinstance(m.get("config"), dict):
        raise SaformerError(f"{mf}: field 'config' missing")
    cfg = SAFormerConfig.from_dict(m["config"], where=f"{mf}: config")
    if m.get("config_hash") != cfg.hash():
        raise SaformerError(f"{mf}: field 'config_hash' does not match the config")
    entries = m.get("arrays")
    if not isinstance(entries, dict):
        raise SaformerError(f"{mf}: field 'arrays' missing")
    checked = [(name, *_entry(mf, root, path, name, e)) for name, e in entries.items()]  # before any read
    arrays: dict[str, np.ndarray] = {}
    for name, f, sha, shape, dtype in checked:
        if not f.is_file():
            raise SaformerError(f"{f}: missing (listed in manifest as '{name}')")
        try:
            blob = f.read_bytes()
        except OSError as ex:
            raise SaformerError(f"{f}: cannot be read ({ex.strerror})") from None
        if hashlib.sha256(blob).hexdigest() != sha:
            raise SaformerError(f"{f}: sha256 mismatch; the file is corrupt or was edited (run `make export` "
                                "to write the artifact again)")
        arrays[name] = _parse_npy(f, blob, shape, dtype)
    params = {n[len("params/"):]: a.astype(np.int64) for n, a in arrays.items() if n.startswith("params/")}
    specs = param_specs(cfg)
    _check(params, specs, path, "params")
    vectors: dict[str, dict[str, np.ndarray]] = {}
    for n, a in arrays.items():
        if n.startswith("vectors/"):
            _, vname, key = n.split("/")
            vectors.setdefault(vname, {})[key] = a.astype(np.int64) if key not in VECTOR_KEYS else a
    for vname, vset in vectors.items():
        if "s" not in vset or vset["s"].ndim != 4:
            raise SaformerError(f"{path}: vector set '{vname}' has no input 's' of shape (count, T, N, D)")
        _check(vset, vector_specs(cfg, vset["s"].shape[0]), path, f"vectors/{vname}")
    return Artifact(path, cfg, params, vectors, m)


def _check(arrs: dict[str, np.ndarray], specs: dict, path: Path, where: str) -> None:
    for name, (shape, (lo, hi)) in specs.items():
        if name not in arrs:
            raise SaformerError(f"{path}: {where}/{name} missing")
        a = arrs[name]
        if tuple(a.shape) != tuple(shape):
            raise SaformerError(f"{path}: {where}/{name} has shape {tuple(a.shape)}, config needs {tuple(shape)}")
        if a.size and (int(a.min()) < lo or int(a.max()) > hi):
            raise SaformerError(f"{path}: {where}/{name} has values in [{int(a.min())}, {int(a.max())}], "
                                f"outside the declared range [{lo}, {hi}]")
    extra = sorted(set(arrs) - set(specs))
    if extra:
        raise SaformerError(f"{path}: {where} has unexpected arrays {extra}")
