# SPDX-License-Identifier: Apache-2.0
"""g++ C-simulation of the network kernel, in-process through ctypes (hls4ml's `compile()` / `predict()`).

`build(name, cfg)` generates `build/hls/net-<name>/` (hls/net_generate.py) and compiles the kernel once --
hash-keyed on the sources, the library headers and the flags, under a file lock (pytest-xdist safe) -- into

- `libnet.so`  the kernel + hls/include/net_capi.h (g++ -shared -fPIC), loaded with ctypes by `NetKernel`;
- `net_csim`   the kernel + the file-based testbench (hls/include/net_testbench.h), what Vitis csim runs.

Both link the same object of net_top.cpp, compiled with -DNET_TRACE: the dataflow function records every
module-boundary stream when tracing is switched on (`NetKernel.run(..., trace=True)`), and does nothing
otherwise. `NetKernel.predict(params, pixels)` loads the weight stream once per parameter set and returns the
logits the kernel streams out, unpacked with `saformer.contract.interface.unpack_net_output`.
"""

from __future__ import annotations

import ctypes
import hashlib
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from filelock import FileLock
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig
from saformer.contract.errors import SaformerError
from saformer.contract.paths import build_dir
from saformer.hls.csim import CXX, CXXFLAGS, include_flags
from saformer.hls.generate import INCLUDE
from saformer.hls.net_generate import SOURCES, _register_args, boundaries, generate_net

TRACE_DEFINE = "NET_TRACE"


def net_folder(name: str, root: Path | None = None) -> Path:
    return Path(root or build_dir() / "hls") / f"net-{name}"


@dataclass
class NetBuild:
    name: str
    cfg: SAFormerConfig
    folder: Path
    lib: Path
    exe: Path
    compile_s: float


def _key(folder: Path, flags: list[str]) -> str:
    h = hashlib.sha256(" ".join([CXX, *flags]).encode())
    for f in SOURCES:
        h.update((folder / f).read_bytes())
    for f in sorted(INCLUDE.rglob("*.h")):
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def _cc(cmd: list[str], folder: Path) -> None:
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SaformerError(f"{folder}: g++ failed ({' '.join(cmd)}):\n{p.stderr[-4000:]}")


def compile_net(folder: Path) -> tuple[Path, Path, float]:
    """Compile the folder's kernel into libnet.so and net_csim unless an identical build exists (caller holds
    the folder lock). Returns (library, testbench binary, seconds spent; 0.0 when reused)."""
    flags = [*CXXFLAGS, "-fPIC", f"-D{TRACE_DEFINE}", *include_flags(), f"-I{folder}"]
    key = _key(folder, flags)
    lib, exe, stamp = folder / "libnet.so", folder / "net_csim", folder / "net.key"
    if lib.is_file() and exe.is_file() and stamp.is_file() and stamp.read_text() == key:
        return lib, exe, 0.0
    t0 = time.monotonic()
    objs = {}
    for src in ("net_top", "net_capi", "net_tb"):
        objs[src] = folder / f"{src}.o"
        _cc([CXX, *flags, "-c", str(folder / f"{src}.cpp"), "-o", str(objs[src])], folder)
    tmp_lib, tmp_exe = folder / "libnet.so.tmp", folder / "net_csim.tmp"
    _cc([CXX, "-shared", str(objs["net_top"]), str(objs["net_capi"]), "-o", str(tmp_lib)], folder)
    _cc([CXX, str(objs["net_top"]), str(objs["net_tb"]), "-o", str(tmp_exe)], folder)
    tmp_lib.replace(lib)
    tmp_exe.replace(exe)
    stamp.write_text(key)
    return lib, exe, time.monotonic() - t0


def build(name: str, cfg: SAFormerConfig, source: str = "", root: Path | None = None) -> NetBuild:
    """Generate and compile the network kernel of one configuration (idempotent, xdist-safe)."""
    folder = net_folder(name, root)
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder) + ".lock"):
        generate_net(cfg, folder, source or f"contract/config.py (config '{name}', hash {cfg.hash()[:16]})")
        lib, exe, secs = compile_net(folder)
    return NetBuild(name, cfg, folder, lib, exe, secs)


@dataclass
class CallResult:
    beats: list[int]
    lasts: list[int]
    status: int
    left_pixels: int
    left_weights: int
    registers: dict[str, int] = field(default_factory=dict)
    traces: dict[str, np.ndarray] = field(default_factory=dict)  # boundary -> (images, tokens, lanes) int64


class NetKernel:
    """The compiled kernel of one configuration, loaded in this process (its weights persist between calls,
    as on the board). Not thread-safe: one call at a time."""

    _loaded: dict[str, ctypes.CDLL] = {}

    def __init__(self, nb: NetBuild) -> None:
        self.build = nb
        self.cfg = nb.cfg
        # a rebuilt library gets a fresh copy so that dlopen does not hand back the stale one
        key = (nb.folder / "net.key").read_text()[:16]
        copy = nb.folder / f"libnet-{key}.so"
        if not copy.is_file():
            tmp = copy.with_suffix(".tmp")
            tmp.write_bytes(nb.lib.read_bytes())
            tmp.replace(copy)
        if str(copy) not in self._loaded:
            self._loaded[str(copy)] = ctypes.CDLL(str(copy))
        lib = self.lib = self._loaded[str(copy)]
        u32p, u8p, lp = (ctypes.POINTER(ctypes.c_uint32), ctypes.POINTER(ctypes.c_uint8),
                         ctypes.POINTER(ctypes.c_long))
        lib.saf_net_call.argtypes = [u32p, ctypes.c_long, u8p, ctypes.c_long, ctypes.c_uint32, u32p, u8p,
                                     ctypes.c_long, u32p, lp]
        lib.saf_net_call.restype = ctypes.c_long
        lib.saf_config_hash32.restype = ctypes.c_uint32
        lib.saf_reg_name.restype = ctypes.c_char_p
        lib.saf_reg_value.restype = ctypes.c_uint32
        lib.saf_trace_name.restype = ctypes.c_char_p
        lib.saf_trace_size.restype = ctypes.c_long
        lib.saf_trace_copy.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_longlong)]
        if lib.saf_config_hash32() != self.cfg.hash32:
            raise SaformerError(f"{copy}: built for config hash32 0x{lib.saf_config_hash32():08x}, not "
                                f"0x{self.cfg.hash32:08x}")
        self.trace_names = [lib.saf_trace_name(i).decode() for i in range(lib.saf_trace_count())]
        assert self.trace_names == [b.name for b in boundaries(self.cfg)]
        self._weights_key: bytes | None = None

    def run(self, weights: list[int] | np.ndarray | None, pixels: np.ndarray | None, images: int | None = None,
            trace: bool = False) -> CallResult:
        """One kernel call: push the weight stream (None: none), the pixel beats of `pixels` (B, in_ch, img,
        img), IMAGES = `images` (default B); returns the result beats, STATUS, words left unread and, with
        `trace`, every module boundary's stream as (images, tokens, lanes)."""
        cfg = self.cfg
        w = np.ascontiguousarray(np.asarray([] if weights is None else weights, dtype=np.int64) & 0xFFFF_FFFF,
                                 dtype=np.uint32)
        if pixels is None:
            px = np.zeros((0, cfg.in_ch, cfg.img, cfg.img), dtype=np.uint8)
        else:
            p64 = np.asarray(pixels, dtype=np.int64)
            if p64.ndim != 4 or p64.shape[1:] != (cfg.in_ch, cfg.img, cfg.img):
                raise SaformerError(f"pixels: shape {p64.shape}, the config needs (B, {cfg.in_ch}, {cfg.img}, "
                                    f"{cfg.img})")
            if p64.size and (p64.min() < 0 or p64.max() > cfg.pixel_max):
                raise SaformerError(f"pixels: values must be integers 0..{cfg.pixel_max}")
            px = np.ascontiguousarray(p64, dtype=np.uint8)
        B = px.shape[0]
        n_img = B if images is None else images
        cap = max(1, max(B, n_img or 1) * itf.net_out_beats(cfg) + 16)
        out = np.zeros(cap, dtype=np.uint32)
        last = np.zeros(cap, dtype=np.uint8)
        st = ctypes.c_uint32(0)
        left = (ctypes.c_long * 2)()
        lib = self.lib
        lib.saf_trace_clear()
        lib.saf_trace_enable(1 if trace else 0)
        u32p, u8p = ctypes.POINTER(ctypes.c_uint32), ctypes.POINTER(ctypes.c_uint8)
        n = lib.saf_net_call(w.ctypes.data_as(u32p), len(w), px.ctypes.data_as(u8p), B, n_img,
                             out.ctypes.data_as(u32p), last.ctypes.data_as(u8p), cap, ctypes.byref(st), left)
        lib.saf_trace_enable(0)
        if n > cap:
            raise SaformerError(f"net kernel wrote {n} result beats, more than the {cap} expected")
        regs = {lib.saf_reg_name(i).decode(): int(lib.saf_reg_value(i)) for i in range(lib.saf_reg_count())}
        res = CallResult([int(x) for x in out[:n]], [int(x) for x in last[:n]], int(st.value), int(left[0]),
                         int(left[1]), regs)
        if trace:
            tokens = {"logits": 1}
            for i, b in enumerate(boundaries(cfg)):
                size = lib.saf_trace_size(i)
                buf = np.zeros(size, dtype=np.int64)
                if size:
                    lib.saf_trace_copy(i, buf.ctypes.data_as(ctypes.POINTER(ctypes.c_longlong)))
                per = tokens.get(b.name, cfg.T * cfg.N) * b.lanes
                k = size // per if per else 0
                res.traces[b.name] = buf[:k * per].reshape(k, per // b.lanes, b.lanes)
            lib.saf_trace_clear()
        return res

    def predict(self, params: dict[str, np.ndarray], pixels: np.ndarray, batch: int = 256) -> np.ndarray:
        """Logits (B, n_classes) int64 of the kernel for `pixels` (B, in_ch, img, img). The weight stream goes
        with the first call unless this parameter set is the one loaded last (a load is taken at ap_start,
        before the images of the same call, as on the board)."""
        words = itf.net_weight_stream(self.cfg, params)
        key = hashlib.sha256(np.asarray(words, dtype=np.uint64).tobytes()).digest()
        px = np.asarray(pixels)
        out = []
        per = itf.net_out_beats(self.cfg)
        for s in range(0, px.shape[0], batch):
            chunk = px[s:s + batch]
            r = self.run(words if key != self._weights_key else None, chunk)
            if r.status != 0 or len(r.beats) != chunk.shape[0] * per or r.left_pixels or r.left_weights:
                self._weights_key = None
                raise SaformerError(f"net kernel: STATUS 0x{r.status:x} ({', '.join(itf.status_flags(r.status))}), "
                                    f"{len(r.beats)} result beats for {chunk.shape[0]} images")
            self._weights_key = key
            for b in range(chunk.shape[0]):
                out.append(itf.unpack_net_output(self.cfg, r.beats[b * per:(b + 1) * per])[0])
        return np.asarray(out, dtype=np.int64).reshape(-1, self.cfg.n_classes)


def register_expectations(cfg: SAFormerConfig) -> dict[str, int]:
    """The constant output registers the kernel must report: CONFIG_HASH, N_MODULES, and 0 in every cycle
    counter (C code has no clock), computed here from the config, not from the generator's constants."""
    from saformer.contract.cycles import network_modules

    out = {}
    for name, _, d, c in _register_args(cfg):
        if d == "out" and c:
            out[name] = (cfg.hash32 if name == "config_hash" else len(network_modules(cfg)) if name == "n_modules"
                         else 0)
    return out
