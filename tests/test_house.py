# SPDX-License-Identifier: Apache-2.0
"""The house: imports point one way (contract <- golden <- hw, hls <- sim <- driver <- the command line),
no import cycle anywhere (lazy imports included), and `pip install` of the wheel gives a working `saformer`
that writes into the current directory and puts no generic top-level name into site-packages."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# subpackage -> layer; an import may point to its own layer's package or to a lower layer only.
# hw and hls are both generators (layer 2) and may not import each other.
LAYERS = {"contract": 0, "golden": 1, "hw": 2, "hls": 2, "sim": 3, "driver": 4, "cli": 5}
SUBMODULES = ("contract", "golden", "hw", "hls", "sim", "driver", "cli", "demo", "bench", "steps")
FOLDERS = ("contract", "golden", "hw", "hls", "sim", "driver", "saformer")


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[0] != "saformer":
        parts = ["saformer", *parts]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _package(mod: str) -> str:
    """The layer key of a module: its subpackage, or 'cli' for saformer's own modules."""
    parts = mod.split(".")
    if len(parts) >= 2 and parts[1] in LAYERS and parts[1] != "cli":
        return parts[1]
    return "cli"


def _imports(path: Path, mod: str) -> list[tuple[int, str]]:
    """Every project module `path` imports (top level, in functions, and importlib strings)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    pkg = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            out.append((node.lineno, base))
            out += [(node.lineno, f"{base}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("saformer."):
            # importlib targets ("saformer.golden.train:cli_export") and cocotb test modules
            name = node.value.split(":")[0]
            if name.split(".")[1] in SUBMODULES:
                out.append((node.lineno, name))
    return [(ln, m) for ln, m in out if m == "saformer" or m.startswith("saformer.")]


def _modules() -> dict[str, Path]:
    mods: dict[str, Path] = {}
    for folder in FOLDERS:
        for p in sorted((ROOT / folder).rglob("*.py")):
            mods[_module_name(p)] = p
    return mods


def test_imports_point_one_way() -> None:
    mods = _modules()
    bad = []
    for mod, path in mods.items():
        me = _package(mod)
        for ln, target in _imports(path, mod):
            if target == "saformer":  # the package itself (its __init__ holds no project import)
                continue
            them = _package(target)
            if LAYERS[them] > LAYERS[me] or (LAYERS[them] == LAYERS[me] and them != me):
                bad.append(f"{path.relative_to(ROOT)}:{ln}: {mod} ({me}) imports {target} ({them})")
    assert not bad, "imports against the data flow:\n" + "\n".join(bad)


def test_no_import_cycles() -> None:
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        for _, target in _imports(path, mod):
            # resolve `from saformer.x import y` to module x.y if it is one, else x
            t = target if target in mods else target.rsplit(".", 1)[0]
            if t in mods and t != mod and t != "saformer":
                graph[mod].add(t)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cyc = stack[stack.index(n):] + [n]
                raise AssertionError("import cycle: " + " -> ".join(cyc))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_layers_test_catches_a_back_import(tmp_path: Path) -> None:
    """The scanner sees a lazy import that points back (so the test above can fail)."""
    f = ROOT / "contract" / "_probe_back_import.py"
    f.write_text("def f():\n    from saformer.golden import reference\n    return reference\n")
    try:
        with pytest.raises(AssertionError, match="contract._probe_back_import"):
            test_imports_point_one_way()
    finally:
        f.unlink()


def test_contract_is_numpy_only() -> None:
    code = ("import sys, saformer.contract.config, saformer.contract.configs, saformer.contract.interface, "
            "saformer.contract.layout, saformer.contract.cycles, saformer.contract.artifact, "
            "saformer.contract.names, saformer.contract.paths, saformer.contract.fsutil, "
            "saformer.contract.argtypes; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'brevitas', 'cocotb', 'sklearn') "
            "or m.startswith(('saformer.golden', 'saformer.hw', 'saformer.hls', 'saformer.sim', 'saformer.driver'))); "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_layout_table_is_the_stream_order() -> None:
    from saformer.contract import interface as itf
    from saformer.contract import layout
    from saformer.contract.configs import NAMED

    for cfg in NAMED.values():
        segs = layout.sasa_segments(cfg)
        assert tuple(s.name for s in segs) == layout.SASA_ORDER == itf.WEIGHT_ORDER
        assert itf.weight_words(cfg) == sum(s.size for s in segs)
        # word indices are contiguous and follow the table
        idx = [layout.weight_word_index(cfg, s.name, i) for s in segs for i in range(s.size)]
        assert idx == list(range(layout.HEADER_WORDS, layout.HEADER_WORDS + itf.weight_words(cfg)))


# ------------------------------------------------------------------------------------------ the wheel
def _site_packages(prefix: Path) -> Path:
    return Path(sysconfig.get_path("purelib", vars={"base": str(prefix), "platbase": str(prefix)}))


def test_wheel_installs_a_working_saformer(tmp_path: Path) -> None:
    """Build the wheel, install it into a fresh venv (dependencies reused from this venv through a .pth:
    no network), then run `saformer --help` and real subcommands from a folder outside the repository."""
    whl_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(whl_dir), str(ROOT)], check=True, cwd=tmp_path)
    (whl,) = whl_dir.glob("saformer_hw-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = _site_packages(env_dir)
    # the dependencies: this venv's site-packages, after the new venv's own (so the wheel wins)
    ours = Path(sysconfig.get_path("purelib"))
    (site / "zz_reuse_deps.pth").write_text(str(ours) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-index",
                    "--disable-pip-version-check", str(whl)], check=True, cwd=tmp_path)
    top = sorted(p.name for p in site.iterdir() if not p.name.endswith((".dist-info", ".pth")))
    assert top == ["saformer"], top  # no golden/, hw/, sim/, driver/, models/ at the top of site-packages
    before = sorted(str(p) for p in site.rglob("*") if "__pycache__" not in p.parts)

    work = tmp_path / "user"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SAFORMER_BUILD_DIR")}
    env["PATH"] = f"{env_dir / 'bin'}:/usr/bin:/bin"
    exe = env_dir / "bin" / "saformer"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=work, env=env, check=False)

    r = run("--help")
    assert r.returncode == 0 and "export" in r.stdout, r.stderr
    # the installed package is the wheel's, not the checkout's
    loc = subprocess.run([str(py), "-c", "import saformer.contract.config as c; print(c.__file__)"],
                         capture_output=True, text=True, cwd=work, env=env, check=True).stdout.strip()
    assert loc.startswith(str(site)), loc
    r = run("interface", "--out", "iface.md")  # a relative path: the current directory
    assert r.returncode == 0, r.stderr
    assert (work / "iface.md").read_text().startswith("<!-- generated by")
    r = run("export", "--images", "2")  # torch + the shipped model inside the wheel; default out ./build/artifact
    assert r.returncode == 0, r.stderr
    assert (work / "build" / "artifact" / "manifest.json").is_file()
    after = sorted(str(p) for p in site.rglob("*") if "__pycache__" not in p.parts)
    assert after == before, "nothing is written into site-packages"
