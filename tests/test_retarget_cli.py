"""`signllm retarget` / `signllm render` end to end, and their one-line errors."""
from pathlib import Path

import numpy as np
import pytest

from signllm.cli import main
from signllm.formats import write
from signllm.pose import PoseSequence


@pytest.fixture(scope="module")
def keypoints(tmp_path_factory):
    from retarget.body import load_body
    from retarget.fit import motion_keypoints
    from retarget.synthetic import sample_motion
    body = load_body()
    kp = motion_keypoints(sample_motion(body, 12, np.random.default_rng(5)), body)
    path = tmp_path_factory.mktemp("kp") / "clip.npz"
    write(path, [PoseSequence.from_joints(kp, name="clip")])
    return path


@pytest.mark.parametrize("ext", [".bvh", ".glb", ".amass.npz"])
def test_retarget_writes_each_format(tmp_path, keypoints, ext, capsys):
    out = tmp_path / f"out{ext}"
    assert main(["retarget", str(keypoints), "-o", str(out)]) == 0
    assert out.stat().st_size > 0
    assert "wrote" in capsys.readouterr().out


def test_npz_means_keypoints_in_every_command(tmp_path, keypoints, capsys):
    """A bare .npz is keypoints: retarget refuses to write motion there and names the rule;
    AMASS motion is *.amass.npz, which the keypoint readers refuse with the same rule."""
    out = tmp_path / "motion.npz"
    assert main(["retarget", str(keypoints), "-o", str(out)]) == 2
    assert "name SMPL-X motion in the AMASS layout *.amass.npz" in capsys.readouterr().err
    assert not out.exists()
    amass = tmp_path / "motion.amass.npz"
    assert main(["retarget", str(keypoints), "-o", str(amass)]) == 0
    capsys.readouterr()
    assert main(["info", str(amass)]) == 2
    assert "SMPL-X motion (AMASS layout), not keypoints" in capsys.readouterr().err
    assert main(["generate", "hi", "--lang", "ase", "--generator", "lexicon",
                 "-o", str(tmp_path / "g.amass.npz")]) == 0
    with np.load(tmp_path / "g.amass.npz") as d:
        assert d["poses"].shape[1] == 165


def test_several_clips_keep_the_double_extension():
    from retarget.cli_retarget import targets
    assert [p.name for p in targets(Path("x/clip.amass.npz"), 2)] == ["clip-000.amass.npz",
                                                                      "clip-001.amass.npz"]
    assert [p.name for p in targets(Path("clip.glb"), 2)] == ["clip-000.glb", "clip-001.glb"]


def test_render_skeleton_gif_with_keypoints(tmp_path, keypoints):
    out = tmp_path / "preview.gif"
    assert main(["render", str(keypoints), "-o", str(out), "--size", "64", "--backend", "skeleton",
                 "--show-keypoints"]) == 0
    import imageio.v3 as iio
    frames = iio.imread(out, index=None)
    assert frames.shape[0] == 12 and frames.shape[2] == 128


def test_render_gl_mp4(tmp_path, keypoints):
    out = tmp_path / "preview.mp4"
    assert main(["render", str(keypoints), "-o", str(out), "--size", "96"]) == 0
    assert out.stat().st_size > 0


def test_errors_are_one_line_and_leave_no_file(tmp_path, keypoints, capsys):
    assert main(["retarget", str(keypoints), "-o", str(tmp_path / "x.fbx")]) == 2
    assert main(["retarget", str(tmp_path / "missing.skels"), "-o", str(tmp_path / "x.bvh")]) == 2
    assert main(["retarget", str(keypoints), "-o", str(tmp_path / "x.bvh"), "--betas", "a,b"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("signllm retarget: error:") for line in err)
    assert not list(tmp_path.iterdir())


def test_real_phoenix_clip_to_glb(tmp_path, shared_data):
    out = tmp_path / "p.glb"
    assert main(["retarget", str(shared_data / "phoenix14t-pt-sample" / "dev.skels"), "--select", "0",
                 "-o", str(out)]) == 0
    assert out.read_bytes()[:4] == b"glTF"


def test_render_falls_back_to_skeleton_without_gl(tmp_path, keypoints, monkeypatch, caplog):
    from retarget import render

    def no_gl(*args, **kwargs):
        raise RuntimeError("no EGL display")

    monkeypatch.setattr(render, "_GLRenderer", no_gl)
    out = tmp_path / "fallback.gif"
    assert main(["render", str(keypoints), "-o", str(out), "--size", "48"]) == 0
    assert out.stat().st_size > 0
    assert "drawing a 2D skeleton" in caplog.text
