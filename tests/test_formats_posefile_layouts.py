"""Peers' `.pose` files read by point name: every MediaPipe Holistic variant (full, with or
without world landmarks, spoken-to-signed's reduced layout) and OpenPose headers; a file written
by spoken-to-signed's own pipeline goes through info, retarget and render."""
import glob
import io
from pathlib import Path

import numpy as np
import pytest

from signllm import formats
from signllm.cli import main
from signllm.commands.info import FIT_MIN_CONFIDENCE
from signllm.skeleton import L_HAND, L_SHOULDER, NECK, NOSE, R_HAND, R_SHOULDER

pose_format = pytest.importorskip("pose_format")
sts = pytest.importorskip("spoken_to_signed")
FINGERSPELLING = sorted(glob.glob(str(Path(sts.__file__).parent / "assets" /
                                      "fingerspelling_lexicon" / "*" / "*.pose")))


def _write(pose, path: Path) -> Path:
    buffer = io.BytesIO()
    pose.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def _check_body(seq, nose_present: bool):
    present = seq.confidence > 0
    assert present[:, [NECK, L_SHOULDER, R_SHOULDER]].all()
    assert present[:, NOSE].any() == nose_present
    assert seq.joints[0, L_SHOULDER, 0] > 0 > seq.joints[0, R_SHOULDER, 0]  # +X signer's left
    assert abs(np.linalg.norm(seq.joints[:, L_SHOULDER] - seq.joints[:, R_SHOULDER], axis=-1)
               .mean() - 0.35) < 0.05
    assert present[:, L_HAND].any() or present[:, R_HAND].any()


@pytest.mark.skipif(not FINGERSPELLING, reason="spoken-to-signed ships no fingerspelling poses")
@pytest.mark.parametrize("variant", ["full", "no-world", "reduced"])
def test_holistic_variants(tmp_path, variant):
    from pose_format import Pose
    from pose_format.utils.generic import reduce_holistic
    pose = Pose.read(Path(FINGERSPELLING[0]).read_bytes())
    assert "POSE_WORLD_LANDMARKS" in [c.name for c in pose.header.components]
    if variant == "no-world":
        pose = pose.remove_components(["POSE_WORLD_LANDMARKS"])
    elif variant == "reduced":
        pose = reduce_holistic(pose)
        assert len(pose.header.components[0].points) == 8
    [seq] = formats.read(_write(pose, tmp_path / f"{variant}.pose"))
    assert seq.meta["pose_header"] == "holistic" and seq.num_frames == pose.body.data.shape[0]
    _check_body(seq, nose_present=variant != "reduced")


def test_real_reduced_lexicon_poses(shared_data):
    for path in sorted((shared_data / "dsgs-lexical-poses" / "sgg").glob("*.pose")):
        [seq] = formats.read(path)
        _check_body(seq, nose_present=False)


def test_openpose_header(shared_data, tmp_path):
    from pose_format.utils.openpose import load_openpose_directory
    clip = sorted((shared_data / "how2sign-openpose-sample").glob("*/"))[0]
    pose = load_openpose_directory(str(clip), fps=25, width=1280, height=720)
    [seq] = formats.read(_write(pose, tmp_path / "op.pose"))
    [direct] = formats.read(clip)
    assert seq.meta["pose_header"] == "openpose"
    np.testing.assert_allclose(seq.joints, direct.joints, atol=1e-3)


@pytest.mark.skipif(not FINGERSPELLING, reason="spoken-to-signed ships no fingerspelling poses")
def test_spoken_to_signed_pipeline_output_reads_renders_and_retargets(tmp_path, capsys):
    from pose_format import Pose
    from spoken_to_signed.gloss_to_pose.concatenate import concatenate_poses
    poses = [Pose.read(Path(f).read_bytes()) for f in FINGERSPELLING[:3]]
    path = _write(concatenate_poses(poses), tmp_path / "sts.pose")   # reduces, smooths, scales
    [seq] = formats.read(path)
    _check_body(seq, nose_present=False)
    capsys.readouterr()
    assert main(["info", str(path), "--json"]) == 0
    share = float((seq.confidence < FIT_MIN_CONFIDENCE).mean())
    assert f'"unfit_share": {round(share, 4)}' in capsys.readouterr().out
    assert main(["retarget", str(path), "-o", str(tmp_path / "sts.bvh"), "--iterations", "0"]) == 0
    assert main(["render", str(path), "-o", str(tmp_path / "sts.gif"), "--backend", "skeleton",
                 "--size", "64", "--iterations", "0"]) == 0
    assert (tmp_path / "sts.bvh").stat().st_size > 0 and (tmp_path / "sts.gif").stat().st_size > 0


def test_info_threshold_is_the_fitters():
    from retarget.fit import FitOptions
    assert FIT_MIN_CONFIDENCE == FitOptions().min_confidence


def test_unmappable_layout_is_one_line(tmp_path, capsys):
    from pose_format import Pose
    from pose_format.numpy import NumPyPoseBody
    from pose_format.pose_header import PoseHeader, PoseHeaderComponent, PoseHeaderDimensions
    header = PoseHeader(0.2, PoseHeaderDimensions(100, 100, 0), [PoseHeaderComponent(
        "BODY_38", ["a", "b"], [], [(0, 0, 0)], "XYC")])
    body = NumPyPoseBody(25, np.ma.masked_array(np.ones((3, 1, 2, 2), np.float32)),
                         np.ones((3, 1, 2), np.float32))
    path = _write(Pose(header, body), tmp_path / "odd.pose")
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unsupported .pose header" in err and str(path) in err
