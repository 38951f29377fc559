"""The server cannot be wedged or fooled (issue 16): health Watch vs SIGTERM, exclusive port,
fail-closed start-up, bounded error details, undecodable bodies, validation before admission,
and one seed rule shared with `signllm generate` (issue 15)."""
from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
import numpy as np
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from server.app import ServeConfig
from server.background import BackgroundServer
from server.limits import Limits
from server.servicer import ServerOptions
from signllm_api.v1 import signllm_pb2 as pb
from signllm_api.v1 import signllm_pb2_grpc as pb_grpc

ROOT = Path(__file__).resolve().parents[1]
GRACE = 2.0


def _serve(*extra):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "signllm", "serve", *extra], cwd=ROOT,
                            stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stderr.readline()
    match = re.search(r"listening on [\d.]+:(\d+)", line)
    if not match:
        proc.kill()
        raise AssertionError(line + proc.stderr.read())
    return proc, int(match.group(1))


def _refused(*args, timeout=60):
    """`signllm serve ARGS` must refuse to start: exit 2, one line on stderr, no traceback."""
    done = subprocess.run([sys.executable, "-m", "signllm", "serve", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_sigterm_exits_within_grace_whatever_watches_are_open():
    proc, port = _serve("--port", "0", "--grace", str(GRACE))
    try:
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        health = health_pb2_grpc.HealthStub(channel)
        cancelled = health.Watch(health_pb2.HealthCheckRequest(service=""))
        assert next(cancelled).status == health_pb2.HealthCheckResponse.SERVING
        cancelled.cancel()
        left_open = [health.Watch(health_pb2.HealthCheckRequest(service="")) for _ in range(8)]
        assert all(next(w).status == health_pb2.HealthCheckResponse.SERVING for w in left_open)
        assert health.Check(health_pb2.HealthCheckRequest(), timeout=5).status == \
            health_pb2.HealthCheckResponse.SERVING  # six open Watch calls used to stop Check
        stream = pb_grpc.SignLLMStub(channel).Generate(pb.GenerateRequest(  # outlives the grace
            text="hello world how are you", language="ase", pacing=pb.PACING_REALTIME), timeout=60)
        assert next(stream).WhichOneof("message") == "header"
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        draining = health.Check(health_pb2.HealthCheckRequest(), timeout=5).status
        assert draining == health_pb2.HealthCheckResponse.NOT_SERVING
        assert next(left_open[0]).status == health_pb2.HealthCheckResponse.NOT_SERVING
        assert proc.wait(timeout=GRACE + 10) == 0
        elapsed = time.monotonic() - t0
        assert elapsed <= GRACE + 1.0, f"exited {elapsed:.2f} s after SIGTERM, grace {GRACE} s"
        log = proc.stderr.read()
        assert "Traceback" not in log and "CancelledError" not in log, log
        channel.close()
    finally:
        proc.kill()
        proc.wait()


def test_second_server_on_a_taken_port_refuses_to_start():
    proc, port = _serve("--port", "0")
    try:
        line = _refused("--port", str(port))
        assert f"cannot listen on 127.0.0.1:{port}" in line
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.mark.parametrize("args, expected", [
    (("--port", "70000"), "--port 70000 is not a TCP port"),
    (("--port", "-1"), "--port -1 is not a TCP port"),
    (("--grace", "nan"), "--grace nan must be a finite"),
    (("--grace", "-1"), "--grace -1.0 must be a finite"),
    (("--host", "no-such-host.invalid", "--port", "0"), "cannot listen on no-such-host.invalid"),
    (("--token", ""), "--token is empty"),
])
def test_bad_options_refused_with_one_line(args, expected):
    assert expected in _refused(*args)


def _pem_pair(tmp_path: Path, name: str):
    cert, key = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=localhost", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def test_unusable_tls_fails_closed(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI absent: cannot make a test certificate")
    cert, key = _pem_pair(tmp_path, "a")
    _, other_key = _pem_pair(tmp_path, "b")
    empty, garbage = tmp_path / "empty.pem", tmp_path / "garbage.pem"
    empty.write_bytes(b"")
    garbage.write_bytes(b"not a certificate at all\n")
    cases = [((empty, key), "TLS certificate file is empty"),
             ((cert, empty), "TLS key file is empty"),
             ((garbage, key), "is not PEM"),
             ((tmp_path / "missing.pem", key), "cannot read TLS certificate"),
             ((cert, other_key), "unusable together"),
             ((key, cert), "unusable together")]
    for (c, k), expected in cases:
        line = _refused("--port", "0", "--tls-cert", str(c), "--tls-key", str(k))
        assert expected in line and str(c if "key file" not in expected else k) in line, line


@pytest.fixture(scope="module")
def small_server():
    options = ServerOptions(limits=Limits(max_streams=2), workers=2)
    with BackgroundServer(ServeConfig(port=0, options=options)) as server:
        yield server


def _channel(server):
    return grpc.insecure_channel(f"127.0.0.1:{server.port}")


def _error(call):
    with pytest.raises(grpc.RpcError) as info:
        list(call)
    return info.value


def test_long_cjk_text_gets_its_own_status_not_a_dropped_stream(small_server):
    with _channel(small_server) as channel:
        stub = pb_grpc.SignLLMStub(channel)
        err = _error(stub.Generate(pb.GenerateRequest(text="漢" * 1000, language="ase"), timeout=60))
        assert err.code() != grpc.StatusCode.RESOURCE_EXHAUSTED, err.details()
        assert err.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION)
        assert len(err.details()) < 1100
        err = _error(stub.Generate(pb.GenerateRequest(text="hi", language="ase", generator="x" * 20000),
                                   timeout=30))
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and "more characters" in err.details()
        err = _error(stub.Generate(pb.GenerateRequest(text="hi", language="q" * 20000), timeout=30))
        assert err.code() != grpc.StatusCode.RESOURCE_EXHAUSTED and len(err.details()) < 1100


def test_undecodable_body_is_invalid_argument(small_server):
    with _channel(small_server) as channel:
        for method, streaming in (("Generate", True), ("GetAvatar", False)):
            make = channel.unary_stream if streaming else channel.unary_unary
            call = make(f"/signllm.v1.SignLLM/{method}", request_serializer=None, response_deserializer=None)
            with pytest.raises(grpc.RpcError) as info:
                reply = call(b"\xff\xff\xff\xff garbage", timeout=30)
                list(reply) if streaming else reply
            err = info.value
            assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, (method, err.code(), err.details())
            assert "is not a" in err.details()


def test_invalid_request_while_full_is_invalid_argument(small_server):
    servicer = small_server.servicer
    servicer.admission.active += 2  # the server is full
    try:
        with _channel(small_server) as channel:
            stub = pb_grpc.SignLLMStub(channel)
            err = _error(stub.Generate(pb.GenerateRequest(text="", language="ase"), timeout=30))
            assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
            err = _error(stub.Generate(pb.GenerateRequest(text="hi", language="ase"), timeout=30))
            assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    finally:
        servicer.admission.active -= 2


def test_cli_default_seed_and_server_give_the_same_frames(small_server, tmp_path):
    out = tmp_path / "cli.npz"
    done = subprocess.run([sys.executable, "-m", "signllm", "generate", "Hello world", "--lang", "ase",
                           "--generator", "lexicon", "-o", str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    from signllm.formats import read
    cli = read(out)[0]
    with _channel(small_server) as channel:
        replies = list(pb_grpc.SignLLMStub(channel).Generate(pb.GenerateRequest(
            text="Hello world", language="ase", generator="lexicon", payload=pb.PAYLOAD_KEYPOINTS),
            timeout=60))
    frames = [r.frame for r in replies if r.WhichOneof("message") == "frame"]
    served = np.array([[(p.x, p.y, p.z) for p in f.keypoints] for f in frames], np.float32)
    assert served.shape[0] == cli.num_frames
    np.testing.assert_allclose(served, np.asarray(cli.joints, np.float32), atol=1e-5)


def test_reflection_v1_and_v1alpha(small_server):
    from grpc_reflection.v1alpha import reflection_pb2 as rpb
    with _channel(small_server) as channel:
        for package in ("grpc.reflection.v1", "grpc.reflection.v1alpha"):
            info = channel.stream_stream(f"/{package}.ServerReflection/ServerReflectionInfo",
                                         request_serializer=rpb.ServerReflectionRequest.SerializeToString,
                                         response_deserializer=rpb.ServerReflectionResponse.FromString)
            listed, described, v1 = info(iter([
                rpb.ServerReflectionRequest(list_services=""),
                rpb.ServerReflectionRequest(file_containing_symbol="signllm.v1.SignLLM"),
                rpb.ServerReflectionRequest(file_containing_symbol="grpc.reflection.v1.ServerReflection")]),
                timeout=10)
            names = {s.name for s in listed.list_services_response.service}
            assert {"signllm.v1.SignLLM", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                    "grpc.reflection.v1alpha.ServerReflection"} <= names, (package, names)
            assert described.file_descriptor_response.file_descriptor_proto, package
            assert v1.file_descriptor_response.file_descriptor_proto, (package, v1)


def test_client_cancel_mid_stream_is_one_log_line_not_a_traceback(small_server, caplog):
    caplog.set_level(logging.INFO, logger="signllm.server")
    with _channel(small_server) as channel:
        stub = pb_grpc.SignLLMStub(channel)
        for stop in range(12):   # cancels land at different points of the write loop
            call = stub.Generate(pb.GenerateRequest(text="hello world", language="ase"), timeout=60)
            for i, _ in enumerate(call):
                if i == stop:
                    call.cancel()
                    break
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and \
            sum('"CANCELLED"' in r.getMessage() for r in caplog.records) < 12:
        time.sleep(0.05)
    assert sum('"outcome": "CANCELLED"' in r.getMessage() for r in caplog.records) == 12
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
