"""Build the wire messages (signllm.v1) from the library's values; no gRPC logic here."""
from __future__ import annotations

import numpy as np

from signllm_api.v1 import signllm_pb2 as pb

COORDINATES = ("metres, right-handed, +Y up, +Z forward (out of the signer's chest), +X the "
               "signer's left; rotations local to the parent joint, quaternions x,y,z,w, "
               "rest pose = identity")


def vec3s(points: np.ndarray) -> list[pb.Vec3]:
    return [pb.Vec3(x=p[0], y=p[1], z=p[2]) for p in np.asarray(points, np.float64).tolist()]


def skeleton(body) -> pb.Skeleton:
    """SMPL-X 55-joint skeleton with parent-relative rest offsets (the root's is absolute)."""
    from retarget.skeleton55 import JOINT_NAMES, PARENTS

    rest = body.rest_joints()
    parents = np.asarray(PARENTS)
    offsets = rest - np.where(parents[:, None] >= 0, rest[np.maximum(parents, 0)], 0.0)
    return pb.Skeleton(joint_names=list(JOINT_NAMES), parents=[int(p) for p in parents],
                       rest_offsets=vec3s(offsets))


def header(info, request_id: str, body, payload: int, coverage_label: str,
           face: bool = True) -> pb.Header:
    """The stream's header; `face_names` when the stream has a face and `face` is on."""
    rotations = payload in (pb.PAYLOAD_ROTATIONS, pb.PAYLOAD_BOTH)
    keypoints = payload in (pb.PAYLOAD_KEYPOINTS, pb.PAYLOAD_BOTH)
    return pb.Header(
        request_id=request_id, language=info.language.code, language_name=info.language.name,
        fps=float(info.fps), generator=info.generator, model=info.model, mode=info.mode,
        text=info.text, langgloss=info.gloss,
        skeleton=skeleton(body) if rotations else None,
        keypoint_names=list(info.skeleton.joint_names) if keypoints else [],
        coordinates=COORDINATES, betas=[float(b) for b in body.betas], coverage=coverage_label,
        word_reports=[f"{w.word}: {w.how}" + (f" ({w.detail})" if w.detail else "") for w in info.words],
        face_names=list(info.face_names) if face and info.face_names else [])


def quaternions(motion_frames) -> np.ndarray:
    """(T, 55, 4) local quaternions x, y, z, w (w >= 0) of a chunk, in one batched conversion."""
    from scipy.spatial.transform import Rotation

    poses = np.stack([m.pose for m in motion_frames])
    q = Rotation.from_rotvec(poses.reshape(-1, 3)).as_quat().reshape(*poses.shape[:2], 4)
    return q * np.where(q[..., 3:] < 0, -1.0, 1.0)


def face_quaternions(faces) -> np.ndarray:
    """(T, 4, 4) quaternions x, y, z, w (w >= 0) of the jaw, head, left and right eye of a
    chunk's `FaceFrame`s, in one batched conversion."""
    from scipy.spatial.transform import Rotation

    rotvecs = np.stack([np.concatenate([f.jaw[None], f.head[None], f.eyes]) for f in faces])
    q = Rotation.from_rotvec(rotvecs.reshape(-1, 3)).as_quat().reshape(len(faces), 4, 4)
    return q * np.where(q[..., 3:] < 0, -1.0, 1.0)


def _quat(q) -> pb.Quat:
    return pb.Quat(x=q[0], y=q[1], z=q[2], w=q[3])


def face(weights, quats) -> pb.Face:
    """One frame's face: weights (K,) and the (4, 4) quaternions of `face_quaternions`."""
    jaw, head, left, right = np.asarray(quats, np.float64).tolist()
    return pb.Face(weights=np.asarray(weights, np.float32).tolist(), jaw=_quat(jaw),
                   head=_quat(head), left_eye=_quat(left), right_eye=_quat(right))


def frame(index: int, fps: float, quats=None, transl=None, joints=None, confidence=None,
          face_msg: pb.Face | None = None) -> pb.Frame:
    """One frame: rotations (55, 4) + root translation, and/or keypoints (50, 3) + confidence,
    and the face when given."""
    msg = pb.Frame(index=index, time_code=index / fps)
    if face_msg is not None:
        msg.face.CopyFrom(face_msg)
    if quats is not None:
        root = msg.root_translation
        root.x, root.y, root.z = (float(v) for v in transl)
        rotations = msg.rotations
        for x, y, z, w in quats.tolist():   # add() and set: 1.6x faster than extend(Quat(...))
            q = rotations.add()
            q.x, q.y, q.z, q.w = x, y, z, w
    if joints is not None:
        keypoints = msg.keypoints
        for x, y, z in np.asarray(joints, np.float64).tolist():
            p = keypoints.add()
            p.x, p.y, p.z = x, y, z
        msg.confidence.extend(np.asarray(confidence, np.float32).tolist())
    return msg


def language_info(cov, aliases) -> pb.LanguageInfo:
    return pb.LanguageInfo(code=cov.code, name=cov.name, signllm_name=cov.signllm_name,
                           data=cov.data, label=cov.label, note=cov.note, models=cov.models,
                           aliases=list(aliases))
