"""Writes land where asked, whole, or not at all; what we write we can read back."""
import contextlib
import os
import resource
import signal

import numpy as np
import pytest

from signllm import formats
from signllm.cli import main
from signllm.errors import BadInputError
from signllm.pose import PoseSequence


@pytest.fixture()
def seq():
    rng = np.random.default_rng(0)
    joints = rng.uniform(-0.5, 0.5, (20, 50, 3)).astype(np.float32)
    joints[:, 1] = 0
    return PoseSequence.from_joints(joints, fps=25.0, text="hallo " * 50, gloss="HALLO")


@contextlib.contextmanager
def file_size_limit(limit: int):
    """Writes past `limit` bytes fail part-way with EFBIG, like a full disk (ENOSPC)."""
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    old = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, old[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old)
        signal.signal(signal.SIGXFSZ, old_handler)


@pytest.mark.parametrize("ext", [".npz", ".pose", ".skels"])
def test_round_trip_at_the_limits_every_format_holds(tmp_path, seq, ext):
    for fps, scale in ((0.1, 100.0), (1000.0, 1e-3)):
        original = seq.with_(fps=fps, joints=seq.joints * scale)
        path = tmp_path / f"x{ext}"
        formats.write(path, original)
        [back] = formats.read(path, **({"fps": fps, "scale": 3} if ext == ".skels" else {}))
        assert back.fps == pytest.approx(fps, rel=1e-6)
        tolerance = 1.1e-5 * 3 * 0.35 if ext == ".skels" else 1e-6 * max(scale, 1) * 600
        np.testing.assert_allclose(back.joints, original.joints, atol=tolerance)


@pytest.mark.parametrize("ext, change, words", [
    (".pose", {"joints": "huge"}, "too large for .pose"),
    (".npz", {"fps": 1e-300}, "outside"),
    (".pose", {"fps": 5000.0}, "outside"),
    (".skels", {"meta": {"skels_scale": 0}}, "must be 3 or 9"),
    (".skels", {"meta": {"skels_counter_decimals": 10**9}}, "skels_counter_decimals"),
])
def test_writers_refuse_what_their_format_cannot_hold(tmp_path, seq, ext, change, words):
    if change.get("joints") == "huge":
        change = {"joints": np.full_like(seq.joints, 1e38)}
    path = tmp_path / f"x{ext}"
    with pytest.raises(BadInputError, match=words):
        formats.write(path, seq.with_(**change))
    assert list(tmp_path.iterdir()) == []


def test_convert_with_to_writes_the_named_file(tmp_path, seq, capsys):
    src = tmp_path / "in.npz"
    formats.write(src, seq)
    assert main(["convert", str(src), str(tmp_path / "out.dat"), "--to", "npz"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.npz", "out.dat"]
    [back] = formats.read(tmp_path / "out.dat", format="npz")
    np.testing.assert_array_equal(back.joints, seq.joints)


@pytest.mark.parametrize("target", ["device", "fifo", "folder"])
def test_non_regular_outputs_are_refused(tmp_path, seq, capsys, target):
    src = tmp_path / "in.npz"
    formats.write(src, seq)
    out = tmp_path / "out.npz"
    if target == "device":
        out.symlink_to("/dev/null")
    elif target == "fifo":
        os.mkfifo(out)
    else:
        out.mkdir()
    assert main(["convert", str(src), str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(out) in err and "refusing to replace" in err
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.npz", "out.npz"]


@pytest.mark.parametrize("ext", [".npz", ".pose", ".skels"])
def test_a_full_disk_leaves_no_output_and_no_temp_files(tmp_path, seq, ext):
    out = tmp_path / "out"
    out.mkdir()
    joints = np.random.default_rng(1).uniform(-0.5, 0.5, (1000, 50, 3)).astype(np.float32)
    long = PoseSequence.from_joints(joints, fps=25.0)   # random: does not compress
    # .skels: the clip line fits, its .text sibling (written second) does not
    limit, target = 200_000, long
    if ext == ".skels":
        formats.write(tmp_path / "plain.skels", long)
        limit = (tmp_path / "plain.skels").stat().st_size + 1000
        target = long.with_(text="x" * 2 * limit)
    with file_size_limit(limit), pytest.raises(OSError):
        formats.write(out / f"clip{ext}", target)
    assert list(out.iterdir()) == []


def test_multi_clip_convert_on_a_full_disk_writes_no_clip(tmp_path, seq, capsys):
    src = tmp_path / "in.npz"
    big = PoseSequence.from_joints(
        np.random.default_rng(1).uniform(-0.5, 0.5, (4000, 50, 3)).astype(np.float32))
    formats.write(src, [seq, big])
    out = tmp_path / "out"
    out.mkdir()
    with file_size_limit(1_000_000):
        assert main(["convert", str(src), str(out / "clip.pose")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "File too large" in err
    assert list(out.iterdir()) == []


def test_cli_error_is_one_line_even_after_warnings(tmp_path, capsys):
    path = tmp_path / "x.skels"
    path.write_text(" ".join(["5.0"] * 150 + ["0.0"]) + "\nnot numbers\n")  # warns, then fails
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"signllm info: error: {path}, line 2")
