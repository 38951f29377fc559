"""The face on the wire and read back from files: two DSGS sentences whose mouthed words show
their visemes in the phoneme order of the spoken word, read from the gRPC stream's weights and
from the GLB's weights channel; a wh-question lowers the brows on the stream; no_face sends no
face fields; the face's jaw and head are part of the streamed rotations."""
import grpc
import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from server.app import ServeConfig
from server.background import BackgroundServer
from server.servicer import ServerOptions
from signllm.face import phonemes
from signllm.face.timeline import FACE_NAMES, WordSpan, layout, word_visemes
from signllm.face.visemes import MOUTH_NAMES, TEMPLATES
from signllm.generation import load_generator
from signllm.languages import get_language
from signllm_api.v1 import signllm_pb2 as pb
from signllm_api.v1 import signllm_pb2_grpc as pb_grpc

pytest.importorskip("signwriting")
pytest.importorskip("spoken_to_signed")
needs_espeak = pytest.mark.skipif(not phonemes.available(),
                                  reason="espeak-ng is not installed (apt-get install espeak-ng)")
SENTENCES = ("Kinder essen Pizza.", "Wo wohnen die Kinder?")
SEED = 3
STRENGTH = 0.85   # FaceOptions.mouthing_strength


@pytest.fixture(scope="module")
def server():
    """(stub, port) of a live server: lexicon generator, face on by default."""
    with BackgroundServer(ServeConfig(port=0, options=ServerOptions())) as srv:
        channel = grpc.insecure_channel(f"127.0.0.1:{srv.port}")
        yield pb_grpc.SignLLMStub(channel), srv.port
        channel.close()


@pytest.fixture(scope="module")
def stub(server):
    return server[0]


def generate(stub, text, **fields):
    out = list(stub.Generate(pb.GenerateRequest(text=text, language="sgg", seed=SEED, **fields),
                             timeout=120))
    assert out[-1].status.code == pb.Status.SUCCESS
    return out[0].header, [r.frame for r in out[1:-1]]


def stream_weights(header, frames) -> dict[str, np.ndarray]:
    w = np.array([list(f.face.weights) for f in frames], np.float32)
    return {name: w[:, i] for i, name in enumerate(header.face_names)}


def mouthed_words(text):
    """Per mouthed word of the lexicon generator (same seed as the server): the word and its
    viseme events on the frames of its sign, from its spoken form's phonemes."""
    info = load_generator("lexicon").stream(text, get_language("sgg"), seed=SEED).info
    out = []
    for w in info.words:
        if not w.mouthing.startswith("mouthed"):
            continue
        string, _, _ = word_visemes(WordSpan(w.word, *w.frames), "de")
        assert "-".join(string.visemes) in w.mouthing
        out.append((w.word, layout(string, *w.frames)))
    return out


def read_visemes(weights: dict[str, np.ndarray], events) -> tuple[str, ...]:
    """At each viseme's centre frame, which of the word's visemes has the template nearest the
    read-back mouth (on the channels the source carries): the word's visemes in the order they
    show. (Among all 15, a short consonant between vowels can read as a neighbour: nn as DD.)"""
    names = [n for n in MOUTH_NAMES if n in weights]
    mouth = np.stack([weights[n] for n in names], 1) / STRENGTH
    shapes = {e.viseme: np.array([TEMPLATES[e.viseme].get(n, 0.0) for n in names]) for e in events}
    return tuple(min(shapes, key=lambda v: np.linalg.norm(mouth[int((e.start + e.end) / 2)] - shapes[v]))
                 for e in events)


def assert_phoneme_order(weights, text):
    words = mouthed_words(text)
    assert len(words) >= 3
    for word, events in words:
        assert read_visemes(weights, events) == tuple(e.viseme for e in events), word


@needs_espeak
@pytest.mark.parametrize("text", SENTENCES)
def test_stream_weights_show_visemes_in_phoneme_order(stub, text):
    header, frames = generate(stub, text)
    assert header.face_names and all(f.HasField("face") for f in frames)
    assert_phoneme_order(stream_weights(header, frames), text)


@needs_espeak
@pytest.mark.parametrize("text", SENTENCES)
def test_glb_weights_channel_shows_visemes_in_phoneme_order(stub, text, tmp_path):
    """`signllm client -o x.glb`'s path: the stream's motion and face into a GLB, read back."""
    import pygltflib

    from retarget.export import write_motion
    from retarget.export_glb import FACE_NODE
    from server.cli_client import motion_from
    header, frames = generate(stub, text)
    motion, body = motion_from(header, frames)
    path = tmp_path / "s.glb"
    write_motion(path, motion, body)
    gltf = pygltflib.GLTF2().load(str(path))
    blob = gltf.binary_blob()
    names = gltf.meshes[gltf.nodes[FACE_NODE].mesh].extras["targetNames"]
    (channel,) = [c for c in gltf.animations[0].channels if c.target.path == "weights"]
    acc = gltf.accessors[gltf.animations[0].samplers[channel.sampler].output]
    view = gltf.bufferViews[acc.bufferView]
    w = np.frombuffer(blob, np.float32, acc.count, view.byteOffset).reshape(len(frames), len(names))
    assert_phoneme_order({n: w[:, i] for i, n in enumerate(names)}, text)


def test_wh_question_lowers_the_brows_on_the_stream(stub):
    header, frames = generate(stub, "Wo wohnen die Kinder?")
    w = stream_weights(header, frames)
    info = load_generator("lexicon").stream("Wo wohnen die Kinder?", get_language("sgg"), seed=SEED).info
    first, last = info.words[0].frames[0], info.words[-1].frames[1]
    assert w["browDown_L"][first:last].min() > 0.5 and w["browDown_R"][first:last].min() > 0.5
    assert w["browInnerUp"].max() == 0
    header, frames = generate(stub, "Haben Sie Kinder?")
    assert stream_weights(header, frames)["browInnerUp"].max() > 0.5


@pytest.mark.parametrize("payload", [pb.PAYLOAD_ROTATIONS, pb.PAYLOAD_KEYPOINTS, pb.PAYLOAD_BOTH])
def test_no_face_sends_no_face_fields(stub, payload):
    header, frames = generate(stub, "Wo wohnen die Kinder?", payload=payload, no_face=True)
    assert list(header.face_names) == [] and frames
    assert not any(f.HasField("face") for f in frames)
    assert not any("mouthed" in r for r in header.word_reports)
    header, frames = generate(stub, "Wo wohnen die Kinder?", payload=payload)
    assert len(header.face_names) == len(FACE_NAMES)
    assert all(len(f.face.weights) == len(FACE_NAMES) for f in frames)


def _quat(q):
    return Rotation.from_quat([q.x, q.y, q.z, q.w])


def test_streamed_rotations_include_the_face_jaw_and_headshake(stub):
    header, frames = generate(stub, "Ich esse nicht.")
    jaw = list(header.skeleton.joint_names).index("jaw")
    head = list(header.skeleton.joint_names).index("head")
    opened = max(frames, key=lambda f: _quat(f.face.jaw).magnitude())
    assert _quat(opened.face.jaw).magnitude() > 0.03
    assert (_quat(opened.rotations[jaw]).inv() * _quat(opened.face.jaw)).magnitude() < 1e-5
    yaw = np.array([_quat(f.face.head).as_rotvec()[1] for f in frames])
    assert np.abs(yaw).max() > np.radians(10)          # "nicht": a headshake on the wire
    keypoints_only = generate(stub, "Ich esse nicht.", payload=pb.PAYLOAD_KEYPOINTS)[1]
    np.testing.assert_allclose([list(f.face.weights) for f in keypoints_only],
                               [list(f.face.weights) for f in frames], atol=1e-7)
    assert head != jaw


def test_node_client_keeps_the_face_names_and_weights(server):
    import json
    import shutil
    import subprocess
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    node = shutil.which("node")
    if node is None or not (root / "node_modules" / "@grpc" / "grpc-js").is_dir():
        pytest.skip("node or node_modules/@grpc/grpc-js absent (run npm ci)")
    port = server[1]
    summaries = []
    for extra in ([], ["--no-face"]):
        done = subprocess.run([node, str(root / "clients" / "node" / "client.js"), "--server",
                               f"127.0.0.1:{port}", "--lang", "sgg", *extra, "Wo wohnen die Kinder?"],
                              capture_output=True, text=True, timeout=60, cwd=root)
        assert done.returncode == 0, done.stderr + done.stdout
        summaries.append(json.loads(done.stdout.strip().splitlines()[-1]))
    on, off = summaries
    assert len(on["face"]["names"]) == len(FACE_NAMES) and len(on["face"]["weights"]) == on["frames"]
    assert on["face"]["peak"]["browDown_L"] > 0.5 and on["face"]["peak"]["browInnerUp"] == 0
    assert off["face"] == {"names": [], "weights": [], "peak": {}} and off["frames"] == on["frames"]
