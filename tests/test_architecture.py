"""The house's rules (ARCHITECTURE.md) hold: import-linter's contracts in pyproject.toml pass, and
they would catch a core module that imports another wing."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WINGS = ("signllm", "retarget", "server", "training", "signllm_api")
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    if not LINT.exists():
        pytest.skip("import-linter is not installed (it comes with the dev extra)")
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_contracts_pass():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def _broken_copy(tmp_path, module: str, line: str) -> subprocess.CompletedProcess:
    """import-linter run over a copy of the wings where `module` gains `line`."""
    for wing in WINGS:
        shutil.copytree(ROOT / wing, tmp_path / wing,
                        ignore=shutil.ignore_patterns("*.pt", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    path = tmp_path / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{line}  # breaks the rule\n")
    return _lint(tmp_path)


def test_contract_fails_when_the_core_imports_retarget(tmp_path):
    result = _broken_copy(tmp_path, "signllm.pose", "import retarget.fit")
    assert result.returncode != 0
    assert "signllm.pose -> retarget.fit" in result.stdout


def test_contract_fails_on_an_import_cycle_in_the_core(tmp_path):
    # generation.py imported model/generator.py once, which imports generation.py
    result = _broken_copy(tmp_path, "signllm.generation", "import signllm.model.generator")
    assert result.returncode != 0
    assert "No cycles are allowed in signllm" in result.stdout and ".model -> .generation" in result.stdout
