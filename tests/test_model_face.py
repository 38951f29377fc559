"""The SignLLM model generator's face: timed on the durations decoder's own token frames, the
same channel as the lexicon generator's (mouthing, question brows, gaze), on the gRPC stream and
in `signllm generate`; off with face=False / no_face."""
import grpc
import numpy as np
import pytest

from server.app import ServeConfig
from server.background import BackgroundServer
from server.servicer import ServerOptions
from signllm.cli import main
from signllm.face import phonemes
from signllm.face.timeline import FACE_NAMES
from signllm.formats import read
from signllm.languages import get_language
from signllm.model.generator import load_signllm_generator, spoken_form
from signllm.model.tokenizer import word_frames
from signllm_api.v1 import signllm_pb2 as pb
from signllm_api.v1 import signllm_pb2_grpc as pb_grpc

pytest.importorskip("tokenizers")
needs_espeak = pytest.mark.skipif(not phonemes.available(),
                                  reason="espeak-ng is not installed (apt-get install espeak-ng)")
TEXT = "Wo wohnt Anna?"


@pytest.fixture(scope="module", params=["mlsf", "prompt"])
def model(request):
    return load_signllm_generator(request.param)


def test_gloss_words_get_their_tokens_frames_in_order(model):
    info, ids = model.prepare(TEXT, get_language("sgg"))
    durations = list(range(1, len(ids) + 1))
    spans = word_frames(model.model.tokenizer, info.gloss, durations, len(ids))
    assert len(spans) == len(info.words)                 # LangGloss tags are no words
    assert all(a <= b for a, b in spans) and spans[-1][1] <= sum(durations)
    assert all(b0 <= a1 for (_, b0), (a1, _) in zip(spans, spans[1:]))
    assert spoken_form("H-E-I-S-S-E") == ("heisse", True) and spoken_form("KIND") == ("kind", False)


@needs_espeak
def test_the_model_mouths_its_words_raises_no_brows_but_lowers_them_and_watches_its_hand(model):
    stream = model.stream(TEXT, get_language("sgg"), seed=0)
    seq = stream.collect()
    words = [w for w in stream.info.words if w.word != "?"]
    assert seq.face is not None and seq.face.names == FACE_NAMES
    assert all(w.mouthing.startswith("mouthed") for w in words), [w.mouthing for w in words]
    first, last = words[0].frames[0], words[-1].frames[1]
    assert 0 <= first < last <= len(seq.joints)
    assert seq.face.channel("browDown_L")[first:last].min() > 0.5      # "wo ...?": wh-question
    assert seq.face.channel("browInnerUp").max() == 0
    a, b = words[-1].frames                                           # A-N-N-A, spelled
    assert seq.face.channel("jawOpen")[a:b].max() > 0.3
    assert np.abs(seq.face.eyes[a + 3:b - 3]).max() > np.radians(5)
    at30 = model.stream(TEXT, get_language("sgg"), seed=0, fps=30).collect()
    assert at30.fps == 30 and len(at30.face.weights) == len(at30.joints)
    assert model.without_face().stream(TEXT, get_language("sgg")).collect().face is None


@needs_espeak
def test_the_stream_and_signllm_generate_carry_the_models_face(tmp_path, capsys):
    with BackgroundServer(ServeConfig(port=0, options=ServerOptions(generator="signllm"))) as srv:
        channel = grpc.insecure_channel(f"127.0.0.1:{srv.port}")
        stub = pb_grpc.SignLLMStub(channel)
        for no_face in (False, True):
            out = list(stub.Generate(pb.GenerateRequest(text=TEXT, language="sgg",
                                                        generator="signllm", no_face=no_face),
                                     timeout=120))
            assert out[-1].status.code == pb.Status.SUCCESS
            header, frames = out[0].header, [r.frame for r in out[1:-1]]
            if no_face:
                assert list(header.face_names) == [] and not any(f.HasField("face") for f in frames)
            else:
                assert tuple(header.face_names) == FACE_NAMES
                jaw = np.array([f.face.weights[FACE_NAMES.index("jawOpen")] for f in frames])
                assert jaw.max() > 0.3
        channel.close()
    path = tmp_path / "anna.pose"
    assert main(["generate", TEXT, "--lang", "sgg", "--generator", "signllm", "-o", str(path)]) == 0
    back = read(path)[0]
    assert back.face is not None and back.face.channel("jawOpen").max() > 0.3
