"""The contract and the commands: committed stubs match the .proto, the stub package does not
shadow `signllm`, `signllm serve` drains on SIGTERM, `signllm client` writes files, TLS works."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest
from google.protobuf import descriptor_pb2

from signllm_api.v1 import signllm_pb2 as pb
from signllm_api.v1 import signllm_pb2_grpc as pb_grpc

ROOT = Path(__file__).resolve().parents[1]
PROTO = "signllm_api/v1/signllm.proto"


def _without_json_names(file: descriptor_pb2.FileDescriptorProto) -> descriptor_pb2.FileDescriptorProto:
    """protoc's descriptor sets carry json_name; the Python stubs' embedded descriptor does not."""
    def clear(messages):
        for message in messages:
            for field in message.field:
                field.ClearField("json_name")
            clear(message.nested_type)
    clear(file.message_type)
    return file


def test_committed_stubs_match_the_proto(tmp_path):
    grpc_tools = pytest.importorskip("grpc_tools", reason="grpcio-tools (dev extra) not installed")
    from grpc_tools import protoc

    out = tmp_path / "set.pb"
    include = Path(grpc_tools.__file__).parent / "_proto"
    rc = protoc.main(["protoc", f"-I{ROOT / 'proto'}", f"-I{include}", f"--descriptor_set_out={out}", PROTO])
    assert rc == 0
    fresh = _without_json_names(descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file[0])
    committed = descriptor_pb2.FileDescriptorProto.FromString(pb.DESCRIPTOR.serialized_pb)
    assert fresh == committed, ("signllm_api/v1 stubs are stale: regenerate them "
                                "(command in proto/README.md)")


def test_stub_package_does_not_shadow_signllm():
    import signllm
    assert pb.__name__ == "signllm_api.v1.signllm_pb2"
    assert Path(signllm.__file__).parent.name == "signllm" and hasattr(signllm, "__version__")
    assert pb.DESCRIPTOR.package == "signllm.v1"


def _serve(*extra):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "signllm", "serve", "--port", "0", *extra],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stderr.readline()
    match = re.search(r"listening on [\d.]+:(\d+)", line)
    assert match, line + proc.stderr.read() if proc.poll() is not None else line
    return proc, int(match.group(1))


def test_sigterm_drains_running_stream():
    proc, port = _serve("--grace", "20")
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            call = pb_grpc.SignLLMStub(channel).Generate(pb.GenerateRequest(
                text="hello", language="ase", pacing=pb.PACING_REALTIME, payload=pb.PAYLOAD_KEYPOINTS), timeout=60)
            assert next(call).WhichOneof("message") == "header"
            proc.send_signal(signal.SIGTERM)
            rest = list(call)
        assert rest[-1].WhichOneof("message") == "status" and rest[-1].status.code == pb.Status.SUCCESS
        assert rest[-1].status.frames_sent == len(rest) - 1 > 10
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
        proc.wait()


def _client(port, output, *extra):
    return subprocess.run([sys.executable, "-m", "signllm", "client", "hi", "--lang", "ase", "-o", str(output),
                           "--server", f"127.0.0.1:{port}", *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_client_writes_files_and_reports_errors(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("abc\n")
    proc, port = _serve("--token-file", str(token_file))
    try:
        for name in ("out.glb", "out.bvh", "out.amass.npz", "out.npz", "out.pose"):
            done = _client(port, tmp_path / name, "--token", "abc")
            assert done.returncode == 0, done.stderr
            assert (tmp_path / name).stat().st_size > 1000
        assert (tmp_path / "out.glb").read_bytes()[:4] == b"glTF"
        assert (tmp_path / "out.bvh").read_text().startswith("HIERARCHY")
        bad = _client(port, tmp_path / "x.glb", "--token", "nope")
        assert bad.returncode == 2 and "UNAUTHENTICATED: wrong token" in bad.stderr
        assert not (tmp_path / "x.glb").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_tls(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI absent: cannot make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    proc, port = _serve("--tls-cert", str(cert), "--tls-key", str(key))
    try:
        creds = grpc.ssl_channel_credentials(cert.read_bytes())
        with grpc.secure_channel(f"127.0.0.1:{port}", creds) as channel:
            langs = pb_grpc.SignLLMStub(channel).ListLanguages(pb.ListLanguagesRequest(), timeout=30)
        assert len(langs.languages) == 8
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            with pytest.raises(grpc.RpcError):
                pb_grpc.SignLLMStub(channel).ListLanguages(pb.ListLanguagesRequest(), timeout=5)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_serve_refuses_bad_options(tmp_path):
    done = subprocess.run([sys.executable, "-m", "signllm", "serve", "--tls-cert", str(tmp_path / "c.pem")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--tls-cert and --tls-key go together" in done.stderr
    empty = tmp_path / "empty"
    empty.write_text("")
    done = subprocess.run([sys.executable, "-m", "signllm", "serve", "--token-file", str(empty)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "token file is empty" in done.stderr
