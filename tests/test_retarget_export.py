"""Exporters: BVH re-imports onto our FK, GLB passes the Khronos validator, AMASS keys, dispatch."""
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from retarget.body import load_body
from retarget.export import write_motion
from retarget.export_amass import read_amass, write_amass
from retarget.export_bvh import read_bvh, write_bvh
from retarget.export_glb import avatar_glb_bytes, write_glb
from retarget.skeleton55 import JOINT_NAMES
from retarget.synthetic import sample_motion
from signllm.errors import BadInputError

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR = ROOT / "node_modules" / "gltf-validator"


@pytest.fixture(scope="module")
def body():
    return load_body()


@pytest.fixture(scope="module")
def motion(body):
    m = sample_motion(body, 30, np.random.default_rng(3))
    m.transl = m.transl + np.array([0.1, 0.9, -0.2], np.float32)  # a non-trivial root placement
    return m


def test_bvh_reimports_to_our_fk(tmp_path, motion, body):
    path = tmp_path / "m.bvh"
    write_bvh(path, motion, body)
    names, parents, positions, frame_time = read_bvh(path)
    order = [names.index(n) for n in JOINT_NAMES]
    assert np.abs(positions[:, order] - motion.joint_positions()).max() < 1e-4
    assert frame_time == pytest.approx(1 / motion.fps)


def _validate(path: Path) -> dict:
    if not VALIDATOR.is_dir() or shutil.which("node") is None:
        pytest.skip("node or node_modules/gltf-validator absent (run `npm ci`)")
    out = subprocess.run(["node", str(ROOT / "retarget" / "validate_gltf.js"), str(path)],
                         capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout)


def test_glb_passes_khronos_validator(tmp_path, motion, body):
    path = tmp_path / "m.glb"
    write_glb(path, motion, body)
    report = _validate(path)
    assert report["errors"] == 0, report["messages"]
    avatar = tmp_path / "avatar.glb"
    avatar.write_bytes(avatar_glb_bytes(body))
    assert _validate(avatar)["errors"] == 0


def test_glb_animation_matches_motion(motion, body):
    import pygltflib
    from retarget.export_glb import build_gltf
    gltf, blob = build_gltf(body, motion)
    anim = gltf.animations[0]
    acc = gltf.accessors[anim.samplers[18].output]  # left elbow rotation
    view = gltf.bufferViews[acc.bufferView]
    q = np.frombuffer(blob, np.float32, acc.count * 4, view.byteOffset).reshape(-1, 4)
    np.testing.assert_allclose(q, motion.local_quaternions()[:, 18], atol=1e-6)
    assert gltf.skins[0].joints == list(range(55))
    assert isinstance(gltf, pygltflib.GLTF2)


def test_amass_npz_round_trip(tmp_path, motion):
    path = tmp_path / "m.amass.npz"
    write_amass(path, motion)
    with np.load(path) as d:
        assert d["poses"].shape == (30, 165) and d["trans"].shape == (30, 3)
        assert str(d["gender"]) == "neutral" and float(d["mocap_framerate"]) == motion.fps
    back = read_amass(path, motion.rest_joints)
    np.testing.assert_allclose(back.joint_positions(), motion.joint_positions(), atol=1e-5)


def test_dispatch_and_bad_motion_leave_no_file(tmp_path, motion, body):
    with pytest.raises(BadInputError, match="cannot write"):
        write_motion(tmp_path / "m.fbx", motion, body)
    bad = sample_motion(body, 5, np.random.default_rng(0))
    bad.body_pose[2, 3] = np.nan
    for ext in (".bvh", ".glb", ".amass.npz"):
        with pytest.raises(BadInputError, match="non-finite"):
            write_motion(tmp_path / f"bad{ext}", bad, body)
    assert not list(tmp_path.iterdir())
