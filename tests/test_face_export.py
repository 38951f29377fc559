"""The face in fitted motion and in files: jaw and eyes in their SMPL-X slots, the head's nods and
shakes on top of the fitted head, AMASS and BVH round trips of the jaw, the mannequin's painted
face as GLB morph targets animated by a `weights` channel (Khronos validator, Blender)."""
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from retarget.body import load_body
from retarget.export_amass import read_amass, write_amass
from retarget.export_bvh import read_bvh_rotations, write_bvh
from retarget.export_glb import FACE_NODE, avatar_glb_bytes, build_gltf, write_glb
from retarget.face import HEAD, JAW, LEFT_EYE, RIGHT_EYE, frames_with_face, motion_with_face
from retarget.face_mesh import MORPH_NAMES, build_face
from retarget.synthetic import sample_motion
from signllm.errors import BadInputError
from signllm.face.timeline import FACE_NAMES
from signllm.face.track import FaceTrack

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR = ROOT / "node_modules" / "gltf-validator"
BLENDER_CHECK = '''
import bpy, json, sys
import numpy
if not hasattr(numpy, "bool"):
    numpy.bool = bool   # Debian's blender 3.4 glTF importer still uses numpy.bool
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.import_scene.gltf(filepath=sys.argv[sys.argv.index("--") + 1])
out = {}
for ob in bpy.data.objects:
    keys = ob.data.shape_keys if ob.type == "MESH" else None
    if keys is None:
        continue
    action = keys.animation_data.action if keys.animation_data else None
    curves = {fc.data_path: [kp.co[1] for kp in fc.keyframe_points]
              for fc in (action.fcurves if action else [])}
    out[ob.name] = {"keys": [k.name for k in keys.key_blocks], "curves": curves,
                    "skinned": any(m.type == "ARMATURE" for m in ob.modifiers)}
print("RESULT " + json.dumps(out))
'''


@pytest.fixture(scope="module")
def body():
    return load_body()


def face_track(frames: int, seed: int = 0, fps: float = 25.0) -> FaceTrack:
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / fps
    weights = np.clip(0.5 + 0.5 * np.sin(t[:, None] * rng.uniform(1, 6, len(FACE_NAMES))
                                         + rng.uniform(0, 6, len(FACE_NAMES))), 0, 1)
    jaw = np.zeros((frames, 3))
    jaw[:, 0] = 0.3 * weights[:, FACE_NAMES.index("jawOpen")]
    head = np.stack([0.1 * np.sin(2 * t), 0.25 * np.sin(12 * t), np.zeros(frames)], 1)
    eyes = np.stack([np.stack([0.05 * np.sin(t), 0.1 * np.cos(t), np.zeros(frames)], 1)] * 2, 1)
    return FaceTrack(FACE_NAMES, weights, jaw, head, eyes, fps)


@pytest.fixture(scope="module")
def moved(body):
    """(motion without face, the same motion moved by a face track)."""
    m = sample_motion(body, 40, np.random.default_rng(5))
    return m, motion_with_face(m, face_track(40))


def test_face_fills_jaw_eyes_and_turns_the_head_on_top_of_the_fit(moved):
    plain, faced = moved
    face = faced.face
    np.testing.assert_allclose(faced.jaw_pose, face.jaw, atol=1e-6)
    np.testing.assert_allclose(faced.leye_pose, face.eyes[:, 0], atol=1e-6)
    np.testing.assert_allclose(faced.reye_pose, face.eyes[:, 1], atol=1e-6)
    pose0, pose1 = plain.full_pose(), faced.full_pose()
    expected = Rotation.from_rotvec(pose0[:, HEAD]) * Rotation.from_rotvec(face.head)
    assert (expected.inv() * Rotation.from_rotvec(pose1[:, HEAD])).magnitude().max() < 1e-5
    others = [j for j in range(55) if j not in (HEAD, JAW, LEFT_EYE, RIGHT_EYE)]
    np.testing.assert_array_equal(pose1[:, others], pose0[:, others])   # the neck stays as fitted
    assert motion_with_face(plain, None) is plain
    with pytest.raises(BadInputError, match="frames"):
        motion_with_face(plain, face_track(39))


def test_streamed_frames_get_the_same_face_as_the_whole_motion(body, moved):
    from retarget.motion import MotionFrame
    plain, faced = moved
    frames = [MotionFrame(t, t / plain.fps, plain.full_pose()[t], plain.transl[t]) for t in range(40)]
    faces = [faced.face.frame(t) for t in range(40)]
    faces[3] = None  # a frame without a face keeps its pose
    out = frames_with_face(frames, faces)
    for t in (0, 17, 39):
        np.testing.assert_allclose(out[t].pose, faced.full_pose()[t], atol=1e-5)
    assert out[3] is frames[3]


def test_fitting_a_pose_with_a_face_moves_jaw_and_head(body):
    from retarget.fit import fit_sequence, motion_keypoints
    from signllm.pose import PoseSequence
    from signllm.skeleton import PROMPT2SIGN_50
    joints = motion_keypoints(sample_motion(body, 30, np.random.default_rng(2)), body).astype(np.float32)
    seq = PoseSequence(joints, np.ones(joints.shape[:2], np.float32), fps=25.0, skeleton=PROMPT2SIGN_50)
    plain = fit_sequence(seq, body)
    face = face_track(30)
    faced = fit_sequence(PoseSequence(joints, seq.confidence, fps=25.0, skeleton=PROMPT2SIGN_50,
                                      face=face), body)
    assert faced.face is face and plain.face is None
    np.testing.assert_allclose(faced.jaw_pose, face.jaw, atol=1e-6)
    assert np.abs(plain.jaw_pose).max() == 0
    turn = (Rotation.from_rotvec(plain.full_pose()[:, HEAD]).inv()
            * Rotation.from_rotvec(faced.full_pose()[:, HEAD])).magnitude()
    np.testing.assert_allclose(turn, np.linalg.norm(face.head, axis=1), atol=1e-5)


def test_amass_round_trip_of_jaw_eyes_and_weights(tmp_path, moved):
    _, faced = moved
    path = tmp_path / "m.amass.npz"
    write_amass(path, faced)
    with np.load(path) as d:
        np.testing.assert_allclose(d["poses"][:, 66:69], faced.face.jaw, atol=1e-6)   # jaw slot
        np.testing.assert_allclose(d["poses"][:, 69:72], faced.face.eyes[:, 0], atol=1e-6)
        np.testing.assert_allclose(d["poses"][:, 72:75], faced.face.eyes[:, 1], atol=1e-6)
        assert tuple(d["face_names"]) == FACE_NAMES and d["face_weights"].shape == (40, len(FACE_NAMES))
        assert not d["expression"].any()
    back = read_amass(path, faced.rest_joints)
    np.testing.assert_allclose(back.jaw_pose, faced.jaw_pose, atol=1e-6)
    assert back.face is not None and back.face.names == FACE_NAMES
    np.testing.assert_allclose(back.face.weights, faced.face.weights, atol=1e-6)
    np.testing.assert_allclose(back.face.head, faced.face.head, atol=1e-6)
    np.testing.assert_allclose(back.face.jaw, faced.face.jaw, atol=1e-6)
    plain = tmp_path / "plain.amass.npz"
    write_amass(plain, moved[0])
    assert read_amass(plain, faced.rest_joints).face is None


def test_bvh_round_trip_of_jaw_and_head(tmp_path, moved):
    _, faced = moved
    path = tmp_path / "m.bvh"
    write_bvh(path, faced)
    names, rot, frame_time = read_bvh_rotations(path)
    jaw = Rotation.from_rotvec(rot[:, names.index("jaw")])
    assert (jaw.inv() * Rotation.from_rotvec(faced.jaw_pose)).magnitude().max() < 1e-4
    head = Rotation.from_rotvec(rot[:, names.index("head")])
    assert (head.inv() * Rotation.from_rotvec(faced.full_pose()[:, HEAD])).magnitude().max() < 1e-4
    assert "jawOpen" not in path.read_text()      # rotations only: no blendshape weights in BVH


def _accessor(gltf, blob, index, width):
    acc = gltf.accessors[index]
    view = gltf.bufferViews[acc.bufferView]
    return np.frombuffer(blob, np.float32, acc.count * width, view.byteOffset).reshape(acc.count, width)


def test_glb_face_morph_targets_are_animated_by_the_weights(moved, body):
    _, faced = moved
    gltf, blob = build_gltf(body, faced)
    node = gltf.nodes[FACE_NODE]
    mesh = gltf.meshes[node.mesh]
    assert node.name == "face" and node.skin == 0 and mesh.extras["targetNames"] == list(MORPH_NAMES)
    (prim,) = mesh.primitives
    assert len(prim.targets) == len(MORPH_NAMES) == 29 and "tongueOut" not in MORPH_NAMES
    for name, target in zip(MORPH_NAMES, prim.targets):
        moved_by = np.abs(_accessor(gltf, blob, target["POSITION"], 3)).max()
        assert 0.0005 < moved_by < 0.03, name                    # each shape moves, by millimetres
    anim = gltf.animations[0]
    (channel,) = [c for c in anim.channels if c.target.path == "weights"]
    assert channel.target.node == FACE_NODE
    w = _accessor(gltf, blob, anim.samplers[channel.sampler].output, 1).reshape(40, -1)
    expected = np.stack([faced.face.channel(n) for n in MORPH_NAMES], 1)
    np.testing.assert_allclose(w, expected, atol=1e-7)
    plain, _ = build_gltf(body, moved[0])
    assert not [c for c in plain.animations[0].channels if c.target.path == "weights"]
    assert FACE_NODE in plain.scenes[0].nodes                     # the face is there, at rest


def test_face_follows_the_mannequins_shape(body):
    rest = build_face(body)
    big = build_face(body, [0, 0, 0, 0, 0, 0, 0, 3.0])              # head size
    top = rest.vertices[:, 1].argmax()
    assert big.vertices[top, 1] > rest.vertices[top, 1] + 0.001
    assert all(np.abs(big.targets[n]).max() > np.abs(rest.targets[n]).max() for n in MORPH_NAMES)


def _validate(path: Path) -> dict:
    if not VALIDATOR.is_dir() or shutil.which("node") is None:
        pytest.skip("node or node_modules/gltf-validator absent (run `npm ci`)")
    out = subprocess.run(["node", str(ROOT / "retarget" / "validate_gltf.js"), str(path)],
                         capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout)


def test_glb_with_face_passes_khronos_validator(tmp_path, moved, body):
    path = tmp_path / "face.glb"
    write_glb(path, moved[1], body)
    report = _validate(path)
    assert report["errors"] == 0 and report["warnings"] == 0, report["messages"]
    avatar = tmp_path / "avatar.glb"
    avatar.write_bytes(avatar_glb_bytes(body.with_betas([1.0, 0, 0, 0, 0, 0, 0, -2.0])))
    report = _validate(avatar)
    assert report["errors"] == 0 and report["warnings"] == 0, report["messages"]


def test_blender_imports_shape_keys_animated(tmp_path, moved, body):
    blender = shutil.which("blender")
    if blender is None:
        pytest.skip("blender is not installed (apt-get install blender)")
    path, script = tmp_path / "face.glb", tmp_path / "check.py"
    write_glb(path, moved[1], body)
    script.write_text(BLENDER_CHECK)
    out = subprocess.run([blender, "-b", "--factory-startup", "--python-exit-code", "1", "-P",
                          str(script), "--", str(path)], capture_output=True, text=True, timeout=240)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    assert out.returncode == 0 and lines, out.stdout[-2000:] + out.stderr[-2000:]
    (face,) = json.loads(lines[0][7:]).values()
    assert face["keys"] == ["Basis", *MORPH_NAMES] and face["skinned"]
    jaw = face["curves"]['key_blocks["jawOpen"].value']
    assert len(jaw) == 40
    np.testing.assert_allclose(jaw, moved[1].face.channel("jawOpen"), atol=1e-5)


def test_preview_face_rides_on_the_head_and_opens_with_jawopen(body, moved):
    from retarget.render import face_vertices
    from retarget.skeleton55 import joint

    _, faced = moved
    face = build_face(body, faced.betas)
    posed = face_vertices(face, faced)
    heads = faced.joint_positions()[:, joint("head")]
    assert posed.shape == (40, len(face.vertices), 3)
    assert np.linalg.norm(posed.mean(1) - heads, axis=1).max() < 0.15
    shut = FaceTrack(FACE_NAMES, np.zeros((40, len(FACE_NAMES))), faced.face.jaw,
                     faced.face.head, faced.face.eyes)
    open_weights = np.zeros((40, len(FACE_NAMES)))
    open_weights[:, FACE_NAMES.index("jawOpen")] = 1.0
    opened = FaceTrack(FACE_NAMES, open_weights, faced.face.jaw, faced.face.head, faced.face.eyes)
    gap = [np.abs(face_vertices(face, motion_with_face(moved[0], t)) - posed).max()
           for t in (shut, opened)]
    assert gap[0] < gap[1] and 0.01 < np.linalg.norm(
        face_vertices(face, motion_with_face(moved[0], opened))
        - face_vertices(face, motion_with_face(moved[0], shut)), axis=2).max() < 0.03


def test_preview_shows_the_painted_face_in_a_close_up(body, moved):
    from retarget import render

    plain, faced = moved
    try:
        with_face = next(render.render_frames(faced, body, size=200, backend="gl"))
        without = next(render.render_frames(plain, body, size=200, backend="gl"))
    except BadInputError as exc:
        pytest.skip(f"no OpenGL here: {exc}")
    side = int(200 * render.CLOSE_UP_SHARE)                 # inside the inset's grey frame
    inset, plain_corner = (with_face[1:side - 1, 1 - side:-1].astype(int),
                           without[1:side - 1, 1 - side:-1].astype(int))
    dark = lambda image: (image.sum(-1) < 250).sum()       # noqa: E731  (paint, not wood)
    assert dark(inset) > 15 and dark(plain_corner) == 0    # eyes, brows, lips in the close-up
    assert (np.abs(plain_corner - inset).sum(-1) > 60).mean() > 0.2
