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


def test_contract_fails_when_the_core_imports_retarget(tmp_path):
    for wing in WINGS:
        shutil.copytree(ROOT / wing, tmp_path / wing,
                        ignore=shutil.ignore_patterns("*.pt", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    pose = tmp_path / "signllm" / "pose.py"
    pose.write_text(pose.read_text() + "\nimport retarget.fit  # breaks the rule\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "signllm.pose -> retarget.fit" in result.stdout
