"""`signllm client`: call a running server and write the streamed motion to a file."""
from __future__ import annotations

import argparse

HELP = "stream a sentence from a signllm server and write .glb/.bvh/.amass.npz (or .pose/.skels/.npz keypoints)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help="sentence (or prompt) to sign")
    parser.add_argument("--lang", default="", help="sign language code or alias, e.g. ase")
    parser.add_argument("-o", "--output", required=True,
                        help="output file: .glb, .bvh, .amass.npz (SMPL-X motion) or .pose/.skels/.npz (keypoints)")
    parser.add_argument("--server", default="127.0.0.1:50051", help="host:port (default 127.0.0.1:50051)")
    parser.add_argument("--token", help="bearer token the server requires")
    parser.add_argument("--tls-ca", help="PEM CA certificate to connect with TLS")
    parser.add_argument("--generator", default="", help="lexicon | signllm (default: the server's)")
    parser.add_argument("--mode", default="", help="mlsf | prompt (default: the server's)")
    parser.add_argument("--fps", type=float, default=0.0, help="frames per second (default: generator's)")
    parser.add_argument("--prompt", action="store_true", help="send the text as a prompt")
    parser.add_argument("--timeout", type=float, default=120.0, help="deadline in seconds")
    parser.add_argument("--no-face", action="store_true",
                        help="ask for no face channel (mouthing, brows, head, blinks)")


def request_from(args):
    from signllm_api.v1 import signllm_pb2 as pb

    keypoints = _wants_keypoints(args.output)
    req = pb.GenerateRequest(language=args.lang, generator=args.generator, mode=args.mode, fps=args.fps,
                             payload=pb.PAYLOAD_KEYPOINTS if keypoints else pb.PAYLOAD_ROTATIONS,
                             no_face=args.no_face)
    if args.prompt:
        req.prompt = args.text
    else:
        req.text = args.text
    return req


def collect(responses):
    """(header, frames, status) from a Generate stream."""
    header, frames, status = None, [], None
    for r in responses:
        kind = r.WhichOneof("message")
        if kind == "header":
            header = r.header
        elif kind == "frame":
            frames.append(r.frame)
        else:
            status = r.status
    return header, frames, status


def motion_from(header, frames):
    import numpy as np
    from scipy.spatial.transform import Rotation

    from retarget.body import load_body
    from retarget.motion import Motion

    body = load_body().with_betas(list(header.betas))
    quats = np.array([[(q.x, q.y, q.z, q.w) for q in f.rotations] for f in frames], np.float64)
    pose = Rotation.from_quat(quats.reshape(-1, 4)).as_rotvec().reshape(len(frames), -1, 3)
    transl = np.array([(f.root_translation.x, f.root_translation.y, f.root_translation.z) for f in frames])
    return Motion.from_full_pose(pose, transl, body.betas, body.rest_joints(), header.fps,
                                 name=header.text[:60], face=face_from(header, frames)), body


def face_from(header, frames):
    """The stream's face track (weights for a GLB's morph targets, the AMASS face keys), or None;
    its jaw, eyes and head are already in the frames' rotations."""
    import numpy as np
    from scipy.spatial.transform import Rotation

    from signllm.face.track import FaceTrack

    if not header.face_names or not all(f.HasField("face") for f in frames):
        return None
    weights = np.array([list(f.face.weights) for f in frames], np.float32)
    quats = np.array([[(q.x, q.y, q.z, q.w) for q in (f.face.jaw, f.face.head, f.face.left_eye,
                                                       f.face.right_eye)] for f in frames])
    rot = Rotation.from_quat(quats.reshape(-1, 4)).as_rotvec().reshape(len(frames), 4, 3)
    return FaceTrack(tuple(header.face_names), weights, rot[:, 0], rot[:, 1], rot[:, 2:], header.fps)


def _wants_keypoints(path: str) -> bool:
    """.pose, .skels and a bare .npz are keypoints; .amass.npz and the rest are motion."""
    from signllm.formats import is_amass_path

    return path.lower().endswith((".pose", ".skels", ".npz")) and not is_amass_path(path)


def _write(path, header, frames):
    import numpy as np

    from signllm.errors import BadInputError

    if not frames:
        raise BadInputError("the server sent no frames")
    if _wants_keypoints(path):
        from signllm.formats import write
        from signllm.pose import PoseSequence
        from signllm.skeleton import PROMPT2SIGN_50

        joints = np.array([[(p.x, p.y, p.z) for p in f.keypoints] for f in frames], np.float32)
        conf = np.array([list(f.confidence) for f in frames], np.float32)
        write(path, PoseSequence(joints, conf, fps=header.fps, skeleton=PROMPT2SIGN_50,
                                 text=header.text, gloss=header.langgloss, language=header.language,
                                 face=face_from(header, frames)))
        return
    from retarget.export import write_motion
    motion, body = motion_from(header, frames)
    write_motion(path, motion, body)


def run(args) -> int:
    import sys

    import grpc

    from signllm.errors import SignLLMError
    from signllm_api.v1 import signllm_pb2_grpc as pb_grpc

    if args.tls_ca:
        with open(args.tls_ca, "rb") as f:
            channel = grpc.secure_channel(args.server, grpc.ssl_channel_credentials(f.read()))
    else:
        channel = grpc.insecure_channel(args.server)
    metadata = [("authorization", f"Bearer {args.token}")] if args.token else None
    with channel:
        try:
            header, frames, status = collect(pb_grpc.SignLLMStub(channel).Generate(
                request_from(args), timeout=args.timeout, metadata=metadata))
        except grpc.RpcError as exc:
            raise SignLLMError(f"server {args.server}: {exc.code().name}: {exc.details()}") from None
    _write(args.output, header, frames)
    print(f"{args.output}: {len(frames)} frames at {header.fps:g} fps, {header.language} "
          f"({header.generator}), first frame after {1000 * status.time_to_first_frame_s:.0f} ms",
          file=sys.stderr)
    return 0
