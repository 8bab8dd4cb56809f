# SPDX-License-Identifier: Apache-2.0
"""The whole-network HLS kernel (hls/include/net.h, hls/net_generate.py) in g++ C-simulation: bit-exact with
golden.reference at every module boundary on all 360 test images of the shipped model and on the network
configs' random models with worst-case parameter sets; the comparison is shown to fail where it must; the
kernel follows the contract's streams, weight layout and registers; the library's structure (labels, trip
counts, dataflow) is what the issue asks."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from saformer.contract import interface as itf
from saformer.contract import layout
from saformer.contract.artifact import Artifact
from saformer.contract.cycles import network_modules
from saformer.contract.interface import STATUS_BITS
from saformer.contract.paths import package_root
from saformer.contract.regmap import AP_CTRL, net_registers
from saformer.golden import reference as ref
from saformer.hls import net_csim
from saformer.hls.net_generate import NET_TOP, boundaries, export_net_vectors
from saformer.hw.net_generate import boundaries as rtl_boundaries
from saformer.sim import hls_net
from saformer.sim.net_scoreboard import predict_first_mismatch

NOT_LOADED, HEADER, LENGTH, PROTOCOL = (1 << STATUS_BITS[k] for k in ("not_loaded", "header", "length", "protocol"))
NET_H = package_root() / "hls" / "include" / "net.h"


@pytest.fixture(scope="module")
def kernel(trained: Artifact) -> net_csim.NetKernel:
    return net_csim.NetKernel(net_csim.build("default", trained.cfg, source=str(trained.path)))


# ------------------------------------------------------------------------------ bit-exactness
def test_all_test_images_bit_exact_at_every_boundary(trained: Artifact, kernel: net_csim.NetKernel) -> None:
    x = hls_net.test_images(trained)
    assert x.shape[0] == 360
    ck = hls_net.run_checked(kernel, trained.params, x)
    assert ck.images == 360
    assert ck.mismatching_values == 0 and not ck.mismatching_images, ck.first_mismatch
    assert set(ck.boundaries) == {b.name for b in boundaries(trained.cfg)}  # every boundary was compared
    # logits and classes through the in-process predict(): == the reference for every image
    lg = kernel.predict(trained.params, x)
    rec = ref.forward(x, trained.params, trained.cfg)
    assert np.array_equal(lg, rec["logits"])
    assert np.array_equal(ref.predict(lg), ref.predict(rec["logits"]))


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if hls_net.NETWORK_CONFIGS[n].D > 64 else n
                                  for n in hls_net.NETWORK_CONFIGS if n != "default"])
def test_network_configs_random_models_and_worst_cases(name: str) -> None:
    from saformer.golden.net_vectors import network_worst_sets

    r = hls_net.verify_config(name)
    bound = network_worst_sets(hls_net.NETWORK_CONFIGS[name])
    assert set(r["sets"]) == {"model", "worst_max", "worst_min", "worst_wrap"} | {f"bound_{w.name}" for w in bound}
    assert r["images"] == hls_net.RANDOM_IMAGES + 3 + 3 * 3 + sum(len(w.pixels) for w in bound)
    assert (r["mismatching_images"], r["mismatching_values"]) == (0, 0), r["first_mismatch"]


def test_network_configs_cover_the_issue() -> None:
    cs = hls_net.NETWORK_CONFIGS
    assert any(c.L == 2 for c in cs.values()) and any(c.T == 1 for c in cs.values())
    assert any(c.N & (c.N - 1) for c in cs.values()) and any(c.D % c.lanes for c in cs.values())
    assert "minwidth" in cs


def test_traced_boundaries_are_the_rtl_scoreboards(trained: Artifact) -> None:
    assert [b.name for b in boundaries(trained.cfg)] == [b.name for b in rtl_boundaries(trained.cfg)]


# ------------------------------------------------------------------------------ the comparison can fail
MUTATIONS = (("conv1.w", 4), ("conv2.w", 10), ("u.theta", 0), ("b0.sasa.wo", 33), ("b0.dwc.w", 4),
             ("b0.mlp.w1", 7), ("b0.mlp.w2", 5), ("head.w", 3))


@pytest.mark.parametrize("key,flat", MUTATIONS)
def test_weight_mutation_fails_at_predicted_coordinates(trained: Artifact, kernel: net_csim.NetKernel, key: str,
                                                        flat: int) -> None:
    cfg = trained.cfg
    x = hls_net.test_images(trained, 3)
    seg = {s.key: s for s in layout.network_segments(cfg)}[key]
    p = {k: v.copy() for k, v in trained.params.items()}
    a = p[key].reshape(-1).astype(np.int64)
    old = int(a[flat])
    a[flat] = old // 2 if key == "u.theta" else (old + 1 if old < seg.hi else old - 1)
    p[key] = a.reshape(p[key].shape)
    rec = ref.forward(x, trained.params, cfg)
    want = predict_first_mismatch(cfg, rec, ref.forward(x, p, cfg), [0, 1, 2])
    assert want is not None
    ck = hls_net.run_checked(kernel, trained.params, x, weights=itf.net_weight_stream(cfg, p))
    assert ck.mismatching_values > 0
    assert ck.first_mismatch == want


def test_file_testbench_all_images_and_edits_fail(trained: Artifact, kernel: net_csim.NetKernel,
                                                  tmp_path: Path) -> None:
    """The Vitis csim testbench (net_tb.cpp) on all 360 images; an edited expected logit, a missing expected
    file and a misplaced pixel TLAST each fail it."""
    cfg = trained.cfg
    x = hls_net.test_images(trained)
    exe = kernel.build.exe
    good = export_net_vectors(cfg, trained.params, x, tmp_path / "real")
    p = subprocess.run([str(exe), str(good)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout[-2000:]
    assert "RESULT images=360 beats=3960 expected_beats=3960 mismatches=0 status=0x0" in p.stdout
    exp = [b for row in ref.forward(x, trained.params, cfg)["logits"] for b in itf.pack_net_output(row)]
    exp[7 * 11 + 4] += 1
    bad = export_net_vectors(cfg, trained.params, x, tmp_path / "edit", expected=exp)
    p = subprocess.run([str(exe), str(bad)], capture_output=True, text=True)
    assert p.returncode == 1 and "FIRST MISMATCH image=7 beat=4 (logit)" in p.stdout, p.stdout[-800:]
    (bad / "expected.txt").unlink()
    p = subprocess.run([str(exe), str(bad)], capture_output=True, text=True)
    assert p.returncode == 2 and "expected.txt" in p.stdout
    proto = export_net_vectors(cfg, trained.params, x[:2], tmp_path / "proto", expect_status=PROTOCOL)
    lines = (proto / "pixels.txt").read_text().splitlines()
    lines[3] = lines[3][:-1] + "1"  # TLAST on image 0's fourth beat
    (proto / "pixels.txt").write_text("\n".join(lines) + "\n")
    p = subprocess.run([str(exe), str(proto)], capture_output=True, text=True)
    assert "status=0x8" in p.stdout, p.stdout[-800:]


# ------------------------------------------------------------------------------ weight stream and STATUS
@pytest.mark.parametrize("edit,status", [
    (lambda w: [w[0] ^ 1] + w[1:], HEADER), (lambda w: w[:1] + [w[1] + 1] + w[2:], HEADER),
    (lambda w: w[:2] + [w[2] ^ 0x8000_0000] + w[3:], HEADER), (lambda w: w[:3] + [w[3] - 1] + w[4:], HEADER),
    (lambda w: w[:-3], LENGTH), (lambda w: w + [0, 0], LENGTH), (lambda w: w[:2], LENGTH)])
def test_weight_stream_is_validated(trained: Artifact, kernel: net_csim.NetKernel, edit, status: int) -> None:
    """A wrong header or length: the flag of STATUS_DOC, weights refused, no pixel taken, no result; a valid
    load then clears every flag and classifies."""
    cfg = trained.cfg
    x = hls_net.test_images(trained, 2)
    words = itf.net_weight_stream(cfg, trained.params)
    r = kernel.run(edit(list(words)), x)
    assert r.status == status | NOT_LOADED and r.beats == [] and r.left_pixels == x.size // cfg.img
    assert r.left_weights == 0
    r = kernel.run(words, x)
    assert r.status == 0 and len(r.beats) == 2 * itf.net_out_beats(cfg) and r.left_pixels == 0
    kernel._weights_key = None


def test_registers_and_interface(trained: Artifact, kernel: net_csim.NetKernel) -> None:
    cfg = trained.cfg
    r = kernel.run(itf.net_weight_stream(cfg, trained.params), hls_net.test_images(trained, 1))
    kernel._weights_key = None
    consts = {k: v for k, v in r.registers.items() if k != "images_done"}
    assert consts == net_csim.register_expectations(cfg) and r.registers["config_hash"] == cfg.hash32
    assert r.registers["images_done"] == 1 and r.registers["n_modules"] == len(network_modules(cfg))
    assert r.lasts == [0] * cfg.n_classes + [1]
    # the RTL accelerator's register map (contract/regmap.py net_registers), every argument at its offset, so one
    # driver (driver/net.py) serves the HLS kernel and the RTL accelerator
    top = (kernel.build.folder / "net_top.cpp").read_text()
    offs = dict(re.findall(r"port = (\w+) offset = (0x[0-9a-f]+)", top))
    want = {reg.name.lower(): reg.offset for reg in net_registers(cfg) if reg.name not in AP_CTRL}
    assert {k: int(v, 16) for k, v in offs.items()} == want
    assert "#pragma HLS INTERFACE mode = ap_ctrl_hs port = return" in top
    cfgh = (kernel.build.folder / "net_config.h").read_text()
    assert f"PIXEL_BEAT_BITS = {itf.pixel_beat_bits(cfg)};" in cfgh
    assert f"WEIGHT_MAGIC = 0x{itf.NET_WEIGHT_MAGIC:08x}u;" in cfgh


def test_loader_reads_the_layout_table_in_order(trained: Artifact, kernel: net_csim.NetKernel) -> None:
    top = (kernel.build.folder / "net_top.cpp").read_text()
    body = top[top.index("static void load_segments"):]
    body = body[:body.index("\n}\n")]
    keys = re.findall(r"net::load_\w+<?[^;]*;  // (\S+)", body)
    assert keys == [s.key for s in layout.network_segments(trained.cfg)]


# ------------------------------------------------------------------------------ structure of the kernel
def test_dataflow_one_process_per_module(trained: Artifact, kernel: net_csim.NetKernel) -> None:
    top = (kernel.build.folder / "net_top.cpp").read_text()
    df = top[top.index("static void net_dataflow"):top.index("// ---", top.index("static void net_dataflow"))]
    assert "#pragma HLS DATAFLOW" in df
    mods = re.findall(r"\);  // (\S+)", df)
    assert [m for m in mods if not m.endswith(".add")] == network_modules(trained.cfg)
    assert len(re.findall(r"hls::stream<", df)) >= len(boundaries(trained.cfg))
    for f in ("net_config.h", "net_top.h", "net_top.cpp", "net_tb.cpp", "net_capi.cpp", "run_hls.tcl"):
        first = (kernel.build.folder / f).read_text().splitlines()[0]
        assert "generated by hls/net_generate.py from" in first and first.endswith("do not edit"), f
    assert f"set_top {NET_TOP}" in (kernel.build.folder / "run_hls.tcl").read_text()


def test_every_library_loop_is_labelled_and_spike_loops_have_tripcounts() -> None:
    lines = NET_H.read_text().splitlines()
    loops = [i for i, ln in enumerate(lines) if re.match(r"\s*(for|while) \(", ln)]
    assert len(loops) > 20
    unlabelled = [lines[i].strip() for i in loops if not re.match(r"\s*NET_LOOP\([A-Z][A-Z0-9_]*\)\s*$", lines[i - 1])]
    assert not unlabelled, unlabelled
    labels = [lines[i - 1].strip() for i in loops]
    whiles = [i for i in loops if lines[i].strip().startswith("while (")]  # the loops over active spikes / taps
    assert len(whiles) == 3 and all("LOOP_TRIPCOUNT" in lines[i + 1] for i in whiles)
    assert "NET_LOOP(ACTIVE_SPIKES)" in labels and "NET_LOOP(ACTIVE_TAPS)" in labels
    assert "#define NET_LOOP(name) name:" in NET_H.read_text()  # a real label under __SYNTHESIS__


def test_config_structs_use_the_proven_widths(trained: Artifact, kernel: net_csim.NetKernel) -> None:
    from saformer.contract.config import derive

    d = derive(trained.cfg)
    h = (kernel.build.folder / "net_config.h").read_text()

    def struct(name: str) -> str:
        return h[h.index(f"struct {name} "):h.index("};", h.index(f"struct {name} "))]

    assert f"typedef ap_int<{d.width('u.membrane')}> mem_t;" in struct("head_lif_config")
    assert f"typedef ap_int<{d.width('mlp.h_membrane')}> mem_t;" in struct("b0_mlp_hlif_config")
    assert f"typedef ap_int<{d.width('head.logit')}> accum_t;" in struct("head_config")
    assert f"typedef ap_int<{d.sasa_mem_bits}> mem_t;" in struct("b0_sasa_config")
    assert f"typedef ap_int<{d.width('tok.conv1_membrane')}> mem_t;" in struct("tok_config")


def test_verify_report_gains_network_hls(monkeypatch: pytest.MonkeyPatch) -> None:
    """sim/verify.py: `network.hls` per config, and a mismatch there makes the report not ok (stubbed run)."""
    import saformer.sim.verify as sv

    fig = {"images": 5, "mismatching_images": 1, "mismatching_values": 3}
    monkeypatch.setattr(hls_net, "verify_network_hls", lambda names: {n: dict(fig) for n in names})
    rep = {"total": {"ok": True}, "network": {"default": {"stalls": ["both"]}, "ok": True}}
    sv.add_network_hls(rep, ["default", "p1"])
    assert rep["network"]["default"] == {"stalls": ["both"], "hls": fig} and rep["network"]["p1"] == {"hls": fig}
    assert rep["total"]["ok"] is False and rep["total"]["network_hls_mismatches"] == 6


def test_loop_labels_compile_as_labels(kernel: net_csim.NetKernel) -> None:
    """With the labels switched on (as under __SYNTHESIS__) the kernel is still valid C++: every NET_LOOP
    stands where a label may stand."""
    from saformer.hls.csim import CXX, include_flags

    f = kernel.build.folder
    cmd = [CXX, "-std=c++14", "-fsyntax-only", "-DNET_LOOP_LABELS", "-Wall", "-Wextra", "-Werror",
           "-Wno-unknown-pragmas", "-Wno-unused-label", *include_flags(), f"-I{f}", str(f / "net_top.cpp")]
    p = subprocess.run(cmd, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-2000:]
