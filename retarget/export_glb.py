"""GLB export: the body's skinned mesh and, optionally, the motion as per-joint animation.

trimesh cannot write skins or animations; pygltflib writes the glTF structures as they are. The glTF frame is
ours (+Y up, +Z forward, metres), so no axis change. Joints are nodes carrying their
parent-relative rest offsets; each gets a rotation sampler (x, y, z, w) and the pelvis a
translation sampler (rest pelvis + translation). The mannequin also gets its painted face
(`face_mesh.py`): a second skinned mesh whose ARKit-named morph targets are animated from the
motion's face track by a `weights` channel (a user's SMPL-X body: jaw and eye joints only).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pygltflib as g

from signllm.atomic import atomic_path
from signllm.errors import BadInputError

from .body import Body
from .face_mesh import MORPH_NAMES, PAINT, FaceMesh, build_face
from .motion import Motion
from .skeleton55 import JOINT_NAMES, NUM_JOINTS, PARENTS

WOOD = [0.78, 0.6, 0.42, 1.0]
FACE_NODE = NUM_JOINTS + 1  # after the joints and the body: the mannequin's face (face_mesh.py)


class _Blob:
    """Accumulates buffer views and accessors into one binary buffer."""

    def __init__(self, gltf: g.GLTF2):
        self.gltf, self.data = gltf, bytearray()

    def add(self, array: np.ndarray, component: int, kind: str, target: int | None = None,
            minmax: bool = False) -> int:
        raw = np.ascontiguousarray(array).tobytes()
        self.data += b"\0" * (-len(self.data) % 4)
        self.gltf.bufferViews.append(g.BufferView(buffer=0, byteOffset=len(self.data),
                                                  byteLength=len(raw), target=target))
        self.data += raw
        acc = g.Accessor(bufferView=len(self.gltf.bufferViews) - 1, componentType=component,
                         count=len(array), type=kind)
        if minmax:
            flat = array.reshape(len(array), -1)
            acc.min, acc.max = flat.min(0).tolist(), flat.max(0).tolist()
        self.gltf.accessors.append(acc)
        return len(self.gltf.accessors) - 1


def _normals(V: np.ndarray, F: np.ndarray) -> np.ndarray:
    n = np.zeros_like(V)
    fn = np.cross(V[F[:, 1]] - V[F[:, 0]], V[F[:, 2]] - V[F[:, 0]])
    for k in range(3):
        np.add.at(n, F[:, k], fn)
    length = np.linalg.norm(n, axis=1, keepdims=True)
    n = np.where(length > 1e-12, n / np.maximum(length, 1e-12), [0.0, 1.0, 0.0])
    return n.astype(np.float32)


def _top4(W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Four largest weights per vertex, renormalised in float32; unused slots joint 0, weight 0."""
    idx = np.argsort(-W, axis=1)[:, :4]
    w = np.take_along_axis(W, idx, 1)
    w = np.where(w > 1e-4, w, 0.0)
    idx = np.where(w > 0, idx, 0)
    w = (w / w.sum(1, keepdims=True)).astype(np.float32)
    w[:, 0] += np.float32(1.0) - w.sum(1, dtype=np.float32)
    return idx.astype(np.uint8), w


def _add_face(gltf: g.GLTF2, blob: _Blob, face: FaceMesh) -> None:
    """The mannequin's painted face (face_mesh.py): node FACE_NODE, skinned rigidly to the
    head, with one morph target per name of MORPH_NAMES (their names in `extras.targetNames`)."""
    n = len(face.vertices)
    joints = np.zeros((n, 4), np.uint8)
    joints[:, 0] = face.joint
    weights = np.zeros((n, 4), np.float32)
    weights[:, 0] = 1.0
    attrs = g.Attributes(POSITION=blob.add(face.vertices, g.FLOAT, g.VEC3, g.ARRAY_BUFFER, minmax=True),
                         NORMAL=blob.add(face.normals, g.FLOAT, g.VEC3, g.ARRAY_BUFFER),
                         JOINTS_0=blob.add(joints, g.UNSIGNED_BYTE, g.VEC4, g.ARRAY_BUFFER),
                         WEIGHTS_0=blob.add(weights, g.FLOAT, g.VEC4, g.ARRAY_BUFFER))
    targets = [{"POSITION": blob.add(face.targets[name], g.FLOAT, g.VEC3, g.ARRAY_BUFFER, minmax=True)}
               for name in MORPH_NAMES]
    indices = blob.add(face.faces.reshape(-1).astype(np.uint16), g.UNSIGNED_SHORT, g.SCALAR,
                       g.ELEMENT_ARRAY_BUFFER)
    gltf.materials.append(g.Material(name="paint", doubleSided=True,
                                     pbrMetallicRoughness=g.PbrMetallicRoughness(
                                         baseColorFactor=PAINT, metallicFactor=0.0, roughnessFactor=0.5)))
    gltf.meshes.append(g.Mesh(name="face", weights=[0.0] * len(MORPH_NAMES),
                              extras={"targetNames": list(MORPH_NAMES)},
                              primitives=[g.Primitive(attributes=attrs, indices=indices,
                                                      material=len(gltf.materials) - 1,
                                                      targets=targets)]))
    assert len(gltf.nodes) == FACE_NODE
    gltf.nodes.append(g.Node(name="face", mesh=len(gltf.meshes) - 1, skin=0))


def build_gltf(body: Body, motion: Motion | None = None) -> tuple[g.GLTF2, bytes]:
    betas = motion.betas if motion is not None else body.betas
    rest = motion.rest_joints if motion is not None else body.rest_joints(betas)
    V = body.rest_vertices(betas).astype(np.float32)
    F = body.faces
    gltf = g.GLTF2(asset=g.Asset(generator="signllm retarget", version="2.0"))
    blob = _Blob(gltf)
    for j in range(NUM_JOINTS):
        off = rest[j] - (rest[PARENTS[j]] if j else 0)
        gltf.nodes.append(g.Node(name=JOINT_NAMES[j], translation=[float(x) for x in off],
                                 children=[c for c in range(NUM_JOINTS) if PARENTS[c] == j] or None))
    joints, weights = _top4(body.weights)
    attrs = g.Attributes(POSITION=blob.add(V, g.FLOAT, g.VEC3, g.ARRAY_BUFFER, minmax=True),
                         NORMAL=blob.add(_normals(V, F), g.FLOAT, g.VEC3, g.ARRAY_BUFFER),
                         JOINTS_0=blob.add(joints, g.UNSIGNED_BYTE, g.VEC4, g.ARRAY_BUFFER),
                         WEIGHTS_0=blob.add(weights, g.FLOAT, g.VEC4, g.ARRAY_BUFFER))
    index_type = (np.uint16, g.UNSIGNED_SHORT) if len(V) < 65535 else (np.uint32, g.UNSIGNED_INT)
    indices = blob.add(F.reshape(-1).astype(index_type[0]), index_type[1], g.SCALAR,
                       g.ELEMENT_ARRAY_BUFFER)
    gltf.materials.append(g.Material(name="wood", pbrMetallicRoughness=g.PbrMetallicRoughness(
        baseColorFactor=WOOD, metallicFactor=0.0, roughnessFactor=0.7)))
    gltf.meshes.append(g.Mesh(name=body.name, primitives=[g.Primitive(attributes=attrs, indices=indices,
                                                                       material=0)]))
    ibm = np.tile(np.eye(4, dtype=np.float32), (NUM_JOINTS, 1, 1))
    ibm[:, :3, 3] = -rest
    ibm = np.ascontiguousarray(np.transpose(ibm, (0, 2, 1)))  # glTF matrices are column-major
    gltf.skins.append(g.Skin(name="smplx", joints=list(range(NUM_JOINTS)), skeleton=0,
                             inverseBindMatrices=blob.add(ibm, g.FLOAT, g.MAT4)))
    gltf.nodes.append(g.Node(name="body", mesh=0, skin=0))
    face = build_face(body, betas)
    if face is not None:
        _add_face(gltf, blob, face)
    gltf.scenes.append(g.Scene(nodes=[0, *range(NUM_JOINTS, len(gltf.nodes))]))  # root, body, face
    gltf.scene = 0
    if motion is not None:
        if motion.num_frames == 0:
            raise BadInputError("empty motion: nothing to animate")
        times = (np.arange(motion.num_frames) / motion.fps).astype(np.float32)
        t_acc = blob.add(times, g.FLOAT, g.SCALAR, minmax=True)
        quats = motion.local_quaternions()
        quats /= np.linalg.norm(quats, axis=-1, keepdims=True)
        anim = g.Animation(name=motion.name or "signing")
        for j in range(NUM_JOINTS):
            anim.samplers.append(g.AnimationSampler(input=t_acc, output=blob.add(
                np.ascontiguousarray(quats[:, j]), g.FLOAT, g.VEC4), interpolation="LINEAR"))
            anim.channels.append(g.AnimationChannel(sampler=j, target=g.AnimationChannelTarget(
                node=j, path="rotation")))
        root = (rest[0] + motion.transl).astype(np.float32)
        anim.samplers.append(g.AnimationSampler(input=t_acc, output=blob.add(root, g.FLOAT, g.VEC3),
                                                interpolation="LINEAR"))
        anim.channels.append(g.AnimationChannel(sampler=NUM_JOINTS, target=g.AnimationChannelTarget(
            node=0, path="translation")))
        if face is not None and motion.face is not None:
            # one weight per morph target per frame, frame-major (glTF's `weights` path)
            weights = np.stack([motion.face.channel(n) for n in MORPH_NAMES], 1).astype(np.float32)
            anim.samplers.append(g.AnimationSampler(input=t_acc, output=blob.add(
                weights.reshape(-1), g.FLOAT, g.SCALAR), interpolation="LINEAR"))
            anim.channels.append(g.AnimationChannel(sampler=len(anim.samplers) - 1,
                                                    target=g.AnimationChannelTarget(
                                                        node=FACE_NODE, path="weights")))
        gltf.animations.append(anim)
    data = bytes(blob.data)
    gltf.buffers.append(g.Buffer(byteLength=len(data)))
    gltf.set_binary_blob(data)
    return gltf, data


def glb_bytes(body: Body, motion: Motion | None = None) -> bytes:
    """The GLB file content; without a motion, the rest-pose avatar (gRPC GetAvatar)."""
    if motion is not None and not (np.isfinite(motion.full_pose()).all() and np.isfinite(motion.transl).all()):
        raise BadInputError("motion has non-finite values")
    gltf, _ = build_gltf(body, motion)
    return b"".join(gltf.save_to_bytes())


def avatar_glb_bytes(body: Body) -> bytes:
    return glb_bytes(body)


def write_glb(path: str | Path, motion: Motion, body: Body) -> None:
    data = glb_bytes(body, motion)
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(data)
