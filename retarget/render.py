"""Preview video of a motion: the skinned body through pyrender offscreen (EGL by default, OSMesa
with PYOPENGL_PLATFORM=osmesa), or a 2D skeleton drawing when no OpenGL is available.
Optionally the input keypoints are drawn beside the avatar.

When the motion has a face track and the body is the mannequin, its painted face
(`face_mesh.py`) is drawn with the track's morph weights, and a close-up of the head is inset
in the top right corner: at full-body framing a lip is 4 mm to a pixel, too small to read a
mouth picture or a brow from.

On Debian the GL path needs `libegl1 libgl1-mesa-dri` (OSMesa: `libosmesa6`).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from signllm.atomic import atomic_path
from signllm.errors import BadInputError
from signllm.skeleton import PROMPT2SIGN_50

from .body import Body
from .export_glb import _top4
from .face_mesh import MORPH_NAMES, PAINT, FaceMesh, build_face
from .kinematics import forward_kinematics
from .motion import Motion
from .skeleton55 import PARENTS

log = logging.getLogger(__name__)
BACKGROUND = (242, 240, 235)
# Camera: in front of the signer (+Z), looking at the upper body; the neck is near the origin.
LOOK_AT = np.array([0.0, -0.2, 0.0])
DISTANCE = 2.0
YFOV = 0.62
HALF_EXTENT = np.tan(YFOV / 2) * DISTANCE  # metres visible above/below LOOK_AT
# the head close-up: the camera this far in front of the head's centre, this narrow
CLOSE_UP_DISTANCE, CLOSE_UP_YFOV, CLOSE_UP_SHARE = 0.6, 0.42, 0.36
HEAD_CENTRE_ABOVE_JOINT = 0.06


def _transforms(motion: Motion) -> tuple[np.ndarray, np.ndarray]:
    """Per frame and joint: global rotations (T, J, 3, 3) and the translations that carry rest
    positions along (T, J, 3)."""
    G, P = forward_kinematics(motion.local_rotmats(), motion.rest_joints, motion.transl)
    return G, P - np.einsum("tjab,jb->tja", G, motion.rest_joints)


def skin_vertices(body: Body, motion: Motion) -> np.ndarray:
    """(T, V, 3) posed vertices by linear blend skinning (four largest weights per vertex)."""
    G, trans = _transforms(motion)
    V = body.rest_vertices(motion.betas)
    idx, w = _top4(body.weights)
    idx = idx.astype(np.int64)
    out = np.empty((motion.num_frames, len(V), 3), np.float32)
    for t in range(motion.num_frames):
        Gv = np.einsum("vkab,vb->vka", G[t][idx], V) + trans[t][idx]
        out[t] = (Gv * w[..., None]).sum(1)
    return out


def face_vertices(face: FaceMesh, motion: Motion) -> np.ndarray:
    """(T, N, 3) the painted face with the motion's morph weights, carried by its head."""
    G, trans = _transforms(motion)
    weights = np.stack([motion.face.channel(n) for n in MORPH_NAMES], 1).astype(np.float32)
    targets = np.stack([face.targets[n] for n in MORPH_NAMES])            # (K, N, 3)
    shaped = face.vertices + np.einsum("tk,knc->tnc", weights, targets)
    return np.einsum("tab,tnb->tna", G[:, face.joint], shaped) + trans[:, face.joint][:, None]


def _project(points: np.ndarray, size: int) -> np.ndarray:
    """Orthographic front view matching the camera's framing: (N, 3) -> pixel (N, 2)."""
    scale = size / (2 * HALF_EXTENT)
    x = size / 2 + (points[:, 0] - LOOK_AT[0]) * scale  # facing the signer: their left is our right
    y = size / 2 - (points[:, 1] - LOOK_AT[1]) * scale
    return np.stack([x, y], 1)


def _draw_skeleton(points: np.ndarray, bones, size: int, valid=None, color=(60, 60, 60)) -> Image.Image:
    img = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(img)
    px = _project(points, size)
    ok = np.ones(len(points), bool) if valid is None else valid
    for p, c in bones:
        if ok[p] and ok[c]:
            draw.line([tuple(px[p]), tuple(px[c])], fill=color, width=max(1, size // 160))
    r = max(1, size // 200)
    for k in np.flatnonzero(ok):
        draw.ellipse([px[k, 0] - r, px[k, 1] - r, px[k, 0] + r, px[k, 1] + r], fill=(200, 60, 40))
    return img


class _GLRenderer:
    def __init__(self, body: Body, size: int, face: FaceMesh | None = None):
        os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
        import pyrender
        import trimesh
        self.pyrender, self.trimesh, self.faces = pyrender, trimesh, body.faces
        self.face_faces = face.faces if face is not None else None
        self.renderer = pyrender.OffscreenRenderer(size, size)
        self.scene = pyrender.Scene(bg_color=[c / 255 for c in BACKGROUND] + [1.0],
                                    ambient_light=[0.35, 0.35, 0.35])
        pose = np.eye(4)
        pose[:3, 3] = LOOK_AT + (0, 0, DISTANCE)
        self.camera = self.scene.add(pyrender.PerspectiveCamera(yfov=YFOV), pose=pose)
        self.close_camera = pyrender.PerspectiveCamera(yfov=CLOSE_UP_YFOV)
        light = np.eye(4)
        light[:3, :3] = _look_rotation(np.array([0.4, 0.6, 1.0]))
        self.scene.add(pyrender.DirectionalLight(intensity=3.5), pose=light)
        self.material = pyrender.MetallicRoughnessMaterial(baseColorFactor=[0.78, 0.6, 0.42, 1.0],
                                                           metallicFactor=0.0, roughnessFactor=0.7)
        self.paint = pyrender.MetallicRoughnessMaterial(baseColorFactor=PAINT, metallicFactor=0.0,
                                                        roughnessFactor=0.9, doubleSided=True)
        self.nodes: list = []

    def render(self, vertices: np.ndarray, face: np.ndarray | None = None,
               head: np.ndarray | None = None) -> Image.Image:
        """The body (and the painted face); with `head` (its centre) the close-up inset."""
        for node in self.nodes:
            self.scene.remove_node(node)
        meshes = [(vertices, self.faces, self.material, True)]
        if face is not None:
            meshes.append((face, self.face_faces, self.paint, False))
        self.nodes = [self.scene.add(self.pyrender.Mesh.from_trimesh(
            self.trimesh.Trimesh(v, f, process=False), material=m, smooth=smooth))
            for v, f, m, smooth in meshes]
        color, _ = self.renderer.render(self.scene)
        image = Image.fromarray(color)
        if head is not None:
            image.paste(self._close_up(head), (image.width - self._inset(image), 0))
        return image

    def _inset(self, image: Image.Image) -> int:
        return int(image.width * CLOSE_UP_SHARE)

    def _close_up(self, head: np.ndarray) -> Image.Image:
        pose = np.eye(4)
        pose[:3, 3] = head + (0, 0, CLOSE_UP_DISTANCE)
        self.scene.main_camera_node = self.scene.add(self.close_camera, pose=pose)
        try:
            color, _ = self.renderer.render(self.scene)
        finally:
            self.scene.remove_node(self.scene.main_camera_node)
            self.scene.main_camera_node = self.camera
        inset = Image.fromarray(color)
        side = self._inset(inset)
        inset = inset.resize((side, side), Image.LANCZOS)
        ImageDraw.Draw(inset).rectangle([0, 0, side - 1, side - 1], outline=(120, 120, 120))
        return inset

    def close(self):
        self.renderer.delete()


def _look_rotation(direction: np.ndarray) -> np.ndarray:
    """Rotation whose -Z axis points from `direction` towards the origin (a light shining back)."""
    z = direction / np.linalg.norm(direction)
    x = np.cross([0.0, 1.0, 0.0], z)
    x /= np.linalg.norm(x)
    return np.stack([x, np.cross(z, x), z], 1)


def render_frames(motion: Motion, body: Body, keypoints=None, size: int = 320, backend: str = "auto"):
    """Yield RGB frames (H, W, 3) uint8; `keypoints` (a PoseSequence) adds a side panel."""
    face = build_face(body, motion.betas) if motion.face is not None else None
    gl = None
    if backend in ("auto", "gl"):
        try:
            gl = _GLRenderer(body, size, face)
        except Exception as exc:  # no display, no EGL/OSMesa library, no GL driver
            if backend == "gl":
                raise BadInputError(f"OpenGL rendering unavailable: {exc}") from exc
            log.warning("OpenGL rendering unavailable (%s); drawing a 2D skeleton instead", exc)
    try:
        verts = skin_vertices(body, motion) if gl else None
        faces = face_vertices(face, motion) if gl and face is not None else None
        heads = motion.joint_positions()[:, face.joint] + (0, HEAD_CENTRE_ABOVE_JOINT, 0) \
            if faces is not None else None
        joints = motion.joint_positions() if gl is None else None
        bones55 = [(int(p), c) for c, p in enumerate(PARENTS) if p >= 0]
        for t in range(motion.num_frames):
            img = gl.render(verts[t], *((faces[t], heads[t]) if faces is not None else ())) \
                if gl else _draw_skeleton(joints[t], bones55, size)
            if keypoints is not None:
                k = min(t, keypoints.num_frames - 1)
                panel = _draw_skeleton(keypoints.joints[k], PROMPT2SIGN_50.bones(), size,
                                       valid=keypoints.confidence[k] > 0, color=(40, 90, 160))
                both = Image.new("RGB", (2 * size, size))
                both.paste(img, (0, 0))
                both.paste(panel, (size, 0))
                img = both
            yield np.asarray(img)
    finally:
        if gl:
            gl.close()


def render_motion(path: str | Path, motion: Motion, body: Body, keypoints=None, size: int = 320,
                  backend: str = "auto", fps: float | None = None, progress=None) -> None:
    """Write an .mp4 or .gif preview atomically."""
    import imageio.v2 as imageio
    ext = Path(path).suffix.lower()
    if ext not in (".mp4", ".gif"):
        raise BadInputError(f"preview must be .mp4 or .gif, got {ext or 'no extension'}", path=path)
    if motion.num_frames == 0:
        raise BadInputError("empty motion: nothing to render", path=path)
    fps = fps or motion.fps
    with atomic_path(path) as tmp:
        kwargs = {"fps": fps, "macro_block_size": 1} if ext == ".mp4" else {"duration": 1000 / fps, "loop": 0}
        with imageio.get_writer(tmp, **kwargs) as writer:
            for frame in render_frames(motion, body, keypoints, size, backend):
                writer.append_data(frame)
                if progress:
                    progress()
