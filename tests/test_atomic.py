"""Atomic writes: nothing is left behind on failure, and finished files are readable like any
file the user's umask allows (mkstemp alone would make them private)."""
import pytest

from signllm import atomic
from signllm.atomic import atomic_open


def test_finished_file_gets_the_umask_mode_and_keeps_an_existing_mode(tmp_path):
    path = tmp_path / "out.txt"
    with atomic_open(path) as handle:
        handle.write("x")
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert path.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777 == 0o666 & ~atomic._UMASK
    path.chmod(0o600)
    with atomic_open(path) as handle:
        handle.write("y")
    assert path.stat().st_mode & 0o777 == 0o600 and path.read_text() == "y"


def test_a_failed_write_leaves_no_file(tmp_path):
    path = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_open(path) as handle:
            handle.write("half")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
