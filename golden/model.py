# SPDX-License-Identifier: Apache-2.0
"""The SAFormer golden model in Brevitas (quantized) and its float twin.

One module class serves both: `SAFormer(cfg, quant=False)` is the float twin (float weights, BatchNorm
after every projection, LIF without flooring); `SAFormer(cfg, quant=True)` is the eval model of
docs/integer-semantics.md (power-of-two fixed-point weights and biases, BN folded away, LIF computed in
integer units with an arithmetic shift). `fold_into(float_model, quant_model)` merges BN into weights.

The forward returns every spike tensor and the logits, all in integer units, so the numpy reference
(golden/reference.py) can be compared with `==`. Layout of token tensors: (B, T, N, D), n = row*grid+col.
"""

from __future__ import annotations

import math

import brevitas.nn as qnn
import torch
from brevitas.core.scaling import ScalingImplType
from brevitas.quant import Int8WeightPerTensorFixedPoint, IntBias
from brevitas.quant_tensor import IntQuantTensor
from saformer.contract.config import SAFormerConfig
from torch import nn


# ------------------------------------------------------------------------------- quantizers
class WeightPoT(Int8WeightPerTensorFixedPoint):
    """Per-tensor power-of-two weight scale from max-abs statistics; bit width from the config."""

    bit_width = 4


class WeightConstPoT(Int8WeightPerTensorFixedPoint):
    """Constant power-of-two weight scale 2^-u_frac: every layer that adds into the residual stream U."""

    bit_width = 4
    scaling_impl_type = ScalingImplType.CONST
    scaling_const = 0.125


class BiasAcc(IntBias):
    """Bias in accumulator units (scale = input scale x weight scale), declared width bias_bits."""

    bit_width = 12


# ------------------------------------------------------------------------------- neurons
class _Spike(torch.autograd.Function):
    """Heaviside of (v - theta) in integer units; surrogate gradient on (v - theta) * unit (float units)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, unit: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        ctx.save_for_backward(x, unit)
        return (x >= 0).to(x.dtype)

    @staticmethod
    def backward(ctx, g: torch.Tensor):  # type: ignore[override]
        x, unit = ctx.saved_tensors
        z = x * unit
        alpha = 4.0
        sg = alpha * torch.sigmoid(alpha * z) * (1 - torch.sigmoid(alpha * z))
        return g * sg * unit, None


class _FloorSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return torch.floor(x)

    @staticmethod
    def backward(ctx, g: torch.Tensor):  # type: ignore[override]
        return g


class _RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return torch.round(x)

    @staticmethod
    def backward(ctx, g: torch.Tensor):  # type: ignore[override]
        return g


def lif(current: torch.Tensor, unit: torch.Tensor | float, k: int, quant: bool) -> torch.Tensor:
    """The one neuron (SN and LIF are the same): current (T, ...) in float units -> spikes (T, ...).

    quant=True: integer units, `v <- v - floor(v / 2^k) + I; s = v >= theta; v <- s ? 0 : v` with
    theta = 1.0 / unit (an integer: unit is a power of two). quant=False (float twin): v <- v (1 - 2^-k) + I.
    """
    unit_t = torch.as_tensor(unit, dtype=current.dtype, device=current.device).detach()
    i_int = current / unit_t  # exact: unit is a power of two
    theta = 1.0 / unit_t
    v = torch.zeros_like(i_int[0])
    out = []
    for t in range(i_int.shape[0]):
        if quant:
            v = v - _FloorSTE.apply(v / 2 ** k) + i_int[t]
        else:
            v = v - v / 2 ** k + i_int[t]
        s = _Spike.apply(v - theta, unit_t)
        v = v * (1.0 - s.detach())
        out.append(s)
    return torch.stack(out)


def _qt(x: torch.Tensor, scale: float, bits: int) -> IntQuantTensor:
    """Wrap an on-grid float tensor (spikes, counts, pixels) as an unsigned IntQuantTensor."""
    z = torch.zeros((), dtype=x.dtype)
    return IntQuantTensor(x, torch.tensor(scale, dtype=x.dtype), z, torch.tensor(float(bits)), False, False)


# ------------------------------------------------------------------------------- layers
class Proj(nn.Module):
    """A projection (linear or conv) with optional BN (float twin) or quantizers (eval model).

    forward returns (value in float units, unit) where unit is the accumulator scale (quant) or 1.0.
    """

    def __init__(self, cfg: SAFormerConfig, quant: bool, kind: str, cin: int, cout: int,
                 const_scale: bool, in_bits: int, in_scale: float, **conv: int) -> None:
        super().__init__()
        self.quant, self.in_bits, self.in_scale = quant, in_bits, in_scale
        if quant:
            wq = WeightConstPoT if const_scale else WeightPoT
            kw = dict(weight_quant=wq, weight_bit_width=cfg.w_bits, bias_quant=BiasAcc,
                      bias_bit_width=cfg.bias_bits, return_quant_tensor=True)
            if const_scale:
                # Brevitas' integer scaling divides the constant by 2^(bits-1): scale = 2^-u_frac exactly
                kw["weight_scaling_const"] = 2.0 ** (cfg.w_bits - 1 - cfg.u_frac)
        else:
            kw = dict(weight_quant=None, bias_quant=None, return_quant_tensor=False)
        if kind == "linear":
            self.layer = qnn.QuantLinear(cin, cout, bias=True, **kw)
            self.bn: nn.Module = nn.Identity() if quant else nn.BatchNorm1d(cout)
        else:
            self.layer = qnn.QuantConv2d(cin, cout, bias=True, **conv, **kw)
            self.bn = nn.Identity() if quant else nn.BatchNorm2d(cout)
        self.kind = kind

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | float]:
        if not self.quant:
            y = self.layer(x)
            if self.kind == "linear":
                shp = y.shape
                return self.bn(y.reshape(-1, shp[-1])).reshape(shp), 1.0
            return self.bn(y), 1.0
        y = self.layer(_qt(x, self.in_scale, self.in_bits))
        return y.value, y.scale.reshape(())

    def weight_exponent(self) -> int:
        """log2 of the weight scale (an integer, asserted)."""
        s = float(self.layer.quant_weight().scale.detach().reshape(()))
        e = math.log2(s)
        assert e == round(e), f"weight scale {s} is not a power of two"
        return int(round(e))


class SASA(nn.Module):
    """Spike-aggregated self-attention, the project's reading of arXiv 2412.13553's abstract.

    Q = SN(BN(S Wq)), K = SN(BN(S Wk)); a[t,c] = sum_n K[t,n,c]; A[t,c] = a[t,c] >= theta_a[head(c)];
    Y = Q AND A; increment = BN(Y Wo). The attention core (`attention`) is the swappable piece.
    """

    def __init__(self, cfg: SAFormerConfig, quant: bool) -> None:
        super().__init__()
        self.cfg, self.quant = cfg, quant
        D = cfg.D
        self.wq = Proj(cfg, quant, "linear", D, D, False, 1, 1.0)
        self.wk = Proj(cfg, quant, "linear", D, D, False, 1, 1.0)
        self.wo = Proj(cfg, quant, "linear", D, D, True, 1, 1.0)
        self.theta_a = nn.Parameter(torch.full((cfg.heads,), max(1.0, cfg.N / 4)))

    def theta_a_int(self) -> torch.Tensor:
        return torch.clamp(_RoundSTE.apply(self.theta_a), 1, self.cfg.N)

    def attention(self, k: torch.Tensor) -> torch.Tensor:
        """k: (T, B, N, D) spikes -> A: (T, B, 1, D) binary mask."""
        a = k.sum(dim=2, keepdim=True)
        th = self.theta_a_int().repeat_interleave(self.cfg.head_dim)
        return _Spike.apply(a - th, torch.tensor(1.0 / self.cfg.N))

    def forward(self, s: torch.Tensor, rec: dict) -> torch.Tensor:
        k_ = self.cfg.leak_shift
        q_cur, qu = self.wq(s)
        k_cur, ku = self.wk(s)
        q = lif(q_cur, qu, k_, self.quant)
        k = lif(k_cur, ku, k_, self.quant)
        a_mask = self.attention(k)
        y = q * a_mask
        inc, unit = self.wo(y)
        rec.update(q=q, k=k, a=k.sum(dim=2), A=a_mask[:, :, 0], y=y, inc=inc / torch.as_tensor(unit))
        return inc


class DWC(nn.Module):
    """Depthwise 3x3 conv of S over the token grid (zero padding) -> BN -> increment."""

    def __init__(self, cfg: SAFormerConfig, quant: bool) -> None:
        super().__init__()
        self.cfg = cfg
        self.conv = Proj(cfg, quant, "conv", cfg.D, cfg.D, True, 1, 1.0, kernel_size=3, padding=1,
                         groups=cfg.D)

    def forward(self, s: torch.Tensor, rec: dict) -> torch.Tensor:
        T, B, N, D = s.shape
        g = self.cfg.grid
        x = s.reshape(T * B, g, g, D).permute(0, 3, 1, 2)
        y, unit = self.conv(x)
        inc = y.permute(0, 2, 3, 1).reshape(T, B, N, D)
        rec.update(inc=inc / torch.as_tensor(unit))
        return inc


class MLP(nn.Module):
    def __init__(self, cfg: SAFormerConfig, quant: bool) -> None:
        super().__init__()
        self.cfg, self.quant = cfg, quant
        self.w1 = Proj(cfg, quant, "linear", cfg.D, cfg.hidden, False, 1, 1.0)
        self.w2 = Proj(cfg, quant, "linear", cfg.hidden, cfg.D, True, 1, 1.0)

    def forward(self, s: torch.Tensor, rec: dict) -> torch.Tensor:
        cur, unit = self.w1(s)
        h = lif(cur, unit, self.cfg.leak_shift, self.quant)
        inc, u2 = self.w2(h)
        rec.update(h=h, inc=inc / torch.as_tensor(u2))
        return inc


class Block(nn.Module):
    def __init__(self, cfg: SAFormerConfig, quant: bool) -> None:
        super().__init__()
        self.sasa, self.dwc, self.mlp = SASA(cfg, quant), DWC(cfg, quant), MLP(cfg, quant)


class SAFormer(nn.Module):
    """Tokenizer -> L x (SASA, DWC, MLP) on the membrane-shortcut residual stream U -> head."""

    def __init__(self, cfg: SAFormerConfig, quant: bool) -> None:
        super().__init__()
        cfg.validate()
        self.cfg, self.quant = cfg, quant
        pix_bits = max(1, int(cfg.pixel_max).bit_length())
        self.conv1 = Proj(cfg, quant, "conv", cfg.in_ch, cfg.stem_ch, False, pix_bits,
                          2.0 ** -cfg.pixel_frac, kernel_size=3, padding=1)
        self.conv2 = Proj(cfg, quant, "conv", cfg.stem_ch, cfg.D, True, 1, 1.0, kernel_size=3,
                          stride=cfg.patch, padding=1)
        self.blocks = nn.ModuleList(Block(cfg, quant) for _ in range(cfg.L))
        cnt_bits = max(1, int(cfg.T * cfg.N).bit_length())
        self.head = Proj(cfg, quant, "linear", cfg.D, cfg.n_classes, False, cnt_bits, 1.0)

    @property
    def u_unit(self) -> float:
        return 2.0 ** -self.cfg.u_frac if self.quant else 1.0

    def forward(self, pixels: torch.Tensor, record: bool = False):
        """pixels: (B, C, H, W) integers 0..pixel_max (as float). Returns logits in integer units
        (float tensor), and with record=True also a dict of every intermediate (integer units)."""
        cfg = self.cfg
        T, B = cfg.T, pixels.shape[0]
        rec: dict[str, torch.Tensor] = {}
        x = pixels * 2.0 ** -cfg.pixel_frac
        cur1, unit1 = self.conv1(x)
        s1 = lif(cur1.unsqueeze(0).expand(T, *cur1.shape), unit1, cfg.leak_shift, self.quant)
        u0, _ = self.conv2(s1.reshape(T * B, *s1.shape[2:]))
        g = cfg.grid
        u = u0.reshape(T, B, cfg.D, g * g).permute(0, 1, 3, 2)  # (T, B, N, D)
        rec["tok.s1"] = s1
        rec["tok.u0"] = u / self.u_unit
        for i, blk in enumerate(self.blocks):
            for name, mod in (("sasa", blk.sasa), ("dwc", blk.dwc), ("mlp", blk.mlp)):
                s = lif(u, self.u_unit, cfg.leak_shift, self.quant)
                sub: dict[str, torch.Tensor] = {}
                u = u + mod(s, sub)
                rec[f"b{i}.{name}.s"] = s
                for kk, vv in sub.items():
                    rec[f"b{i}.{name}.{kk}"] = vv
        s = lif(u, self.u_unit, cfg.leak_shift, self.quant)
        counts = s.sum(dim=(0, 2))  # (B, D): spike counts over timesteps and tokens
        logits, unit = self.head(counts)
        rec["head.s"] = s
        rec["head.counts"] = counts
        logits_int = logits / torch.as_tensor(unit)
        rec["logits"] = logits_int
        # (T, B, ...) -> (B, T, ...) for every per-timestep record
        out = {k: (v.transpose(0, 1) if v.dim() >= 3 and v.shape[0] == T and k not in ("head.counts",) else v)
               for k, v in rec.items()}
        return (logits_int, out) if record else logits_int


@torch.no_grad()
def fold_into(fm: SAFormer, qm: SAFormer) -> None:
    """Merge every BatchNorm of the float twin into its projection and load the quant model."""
    fprojs = {n: m for n, m in fm.named_modules() if isinstance(m, Proj)}
    qprojs = {n: m for n, m in qm.named_modules() if isinstance(m, Proj)}
    for n, fp in fprojs.items():
        qp = qprojs[n]
        w = fp.layer.weight.detach().clone()
        b = fp.layer.bias.detach().clone()
        bn = fp.bn
        if isinstance(bn, (nn.BatchNorm1d, nn.BatchNorm2d)):
            g = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            w = w * g.reshape(-1, *([1] * (w.dim() - 1)))
            b = (b - bn.running_mean) * g + bn.bias
        qp.layer.weight.copy_(w)
        qp.layer.bias.copy_(b)
    for n, p in fm.named_parameters():
        if n.endswith("theta_a"):
            dict(qm.named_parameters())[n].copy_(p)
