"""Seeded, bounded gRPC fuzz of `signllm serve` on loopback (issue 16).

    python benchmarks/grpc_fuzz.py [--requests 300] [--garbage 100] [--seed 0] [--seconds 300]

The server runs as its own process. Phase 1 sends random `GenerateRequest`s built from the
committed stubs (NUL, RTL, emoji, CJK, 20k-character fields, unknown enum values, NaN/huge fps and
betas, random ids and seeds) from 8 client threads against `--max-streams 4`, so some meet a full
server; a stream that starts is read for up to 5 frames and then cancelled by the client (the
bound on time). Phase 2 sends raw non-protobuf bodies to every SignLLM method. Every call must end
with a documented status, never UNKNOWN or INTERNAL; health must stay SERVING and a valid request
must succeed at the end. Prints the counts table and exits 1 on any violation.
"""
from __future__ import annotations

import argparse
import collections
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402

from signllm_api.v1 import signllm_pb2 as pb  # noqa: E402
from signllm_api.v1 import signllm_pb2_grpc as pb_grpc  # noqa: E402

DOCUMENTED = {"OK", "CANCELLED", "INVALID_ARGUMENT", "NOT_FOUND", "FAILED_PRECONDITION",
              "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED"}
PIECES = ["hello", "world", "\x00", "\u202e", "שלום", "مرحبا", "漢字", "😀👋🏽", "\ufeff", " ", "Ä",
          "z\u0301", "\n", "\t", "?", "123", "thank you"]
LANGS = ["ase", "ASL", "gsg", "DGS", "sgg", "tsm", "bfi", "xx", "", "  ase ", "\x00", "ase\u202e"]


def _text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.05:
        return "x" * rng.choice((1001, 20000, 100000))
    if kind < 0.1:
        return "漢" * rng.choice((10, 500, 1000))
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 6)))


def _odd_float(rng: random.Random) -> float:
    return rng.choice([0.0, 25.0, 0.5, 121.0, -1.0, float("nan"), float("inf"), 1e308, 60.0])


def random_request(rng: random.Random) -> pb.GenerateRequest:
    req = pb.GenerateRequest(language=rng.choice(LANGS) if rng.random() > 0.05 else "q" * 20000)
    if rng.random() < 0.2:
        req.prompt = _text(rng)
    else:
        req.text = _text(rng)
    if rng.random() < 0.3:
        req.generator = rng.choice(["lexicon", "signllm", "LEXICON", "bogus", "g" * 20000])
    if rng.random() < 0.3:
        req.mode = rng.choice(["mlsf", "prompt", "none", "m" * 20000])
    req.payload = rng.choice([0, 1, 2, 3, 7, -1 & 0x7FFFFFFF])
    req.pacing = rng.choice([0, 0, 1, 5])
    if rng.random() < 0.3:
        req.fps = _odd_float(rng)
    if rng.random() < 0.3:
        req.betas.extend(_odd_float(rng) for _ in range(rng.choice((1, 10, 11))))
    req.request_id = "".join(rng.choice("ab\x00😀") for _ in range(rng.choice((0, 8, 200))))
    req.seed = rng.getrandbits(64)
    return req


def run_generate(stub, req) -> str:
    call = stub.Generate(req, timeout=60)
    try:
        for i, _ in enumerate(call):
            if i >= 5:
                call.cancel()
                return "OK"   # streaming worked; the client stops reading (the bound on time)
        return "OK"
    except grpc.RpcError as exc:
        return exc.code().name


def run_raw(channel, method: str, body: bytes) -> str:
    streaming = method == "Generate"
    make = channel.unary_stream if streaming else channel.unary_unary
    call = make(f"/signllm.v1.SignLLM/{method}", request_serializer=None, response_deserializer=None)
    try:
        reply = call(body, timeout=30)
        if streaming:
            for i, _ in enumerate(reply):
                if i >= 5:
                    reply.cancel()
                    return "OK"
        return "OK"
    except grpc.RpcError as exc:
        return exc.code().name


def garbage(rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 200)))
    if kind == 1:
        return b"\xff" * rng.randint(1, 50)
    if kind == 2:  # a valid message with its tail cut off
        return pb.GenerateRequest(text="hello", language="ase").SerializeToString()[:-3]
    return b"\x0a\xff\xff\xff\xff\x0f"  # length-delimited field claiming 4 GB


def _wait_for_port(log_file, proc, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        log_file.seek(0)
        found = re.search(r"listening on [\d.]+:(\d+)", log_file.read())
        if found:
            return int(found.group(1))
        time.sleep(0.1)
    raise SystemExit(f"the server did not start: {log_file.seek(0) or log_file.read()[-500:]}")


def _health(channel) -> str:
    try:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
    except grpc.RpcError as exc:
        return exc.code().name
    return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--garbage", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=300, help="stop sending after this long")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    # the server's log goes to a file: a pipe nobody drains would block the server once full
    log_file = tempfile.TemporaryFile("w+")
    proc = subprocess.Popen([sys.executable, "-m", "signllm", "serve", "--port", "0", "--max-streams", "4",
                             "--grace", "2"], cwd=ROOT, stderr=log_file, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    port = _wait_for_port(log_file, proc)
    counts: dict[str, collections.Counter] = {"Generate (random)": collections.Counter(),
                                              "raw bodies": collections.Counter()}
    t0 = time.monotonic()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}", options=[
                ("grpc.max_send_message_length", 64 << 20)]) as channel:
            stub = pb_grpc.SignLLMStub(channel)
            requests = [random_request(rng) for _ in range(args.requests)]
            with ThreadPoolExecutor(8) as pool:
                for outcome in pool.map(lambda r: run_generate(stub, r) if time.monotonic() - t0 < args.seconds
                                        else "skipped (time)", requests):
                    counts["Generate (random)"][outcome] += 1
            for _ in range(args.garbage):
                if time.monotonic() - t0 >= args.seconds:
                    counts["raw bodies"]["skipped (time)"] += 1
                    continue
                method = rng.choice(["Generate", "GetAvatar", "ListLanguages"])
                counts["raw bodies"][run_raw(channel, method, garbage(rng))] += 1
            serving = _health(channel)
            final = run_generate(stub, pb.GenerateRequest(text="hello", language="ase"))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = "killed: no exit 30 s after SIGTERM"
        log_file.seek(0)
        log = log_file.read()
    elapsed = time.monotonic() - t0
    codes = sorted({c for counter in counts.values() for c in counter})
    print(f"seed {args.seed}, {args.requests} random requests + {args.garbage} raw bodies, {elapsed:.1f} s")
    print("| status | " + " | ".join(counts) + " |")
    print("|---|" + "---|" * len(counts))
    for code in codes:
        print(f"| {code} | " + " | ".join(str(c[code]) for c in counts.values()) + " |")
    bad = {code: n for counter in counts.values() for code, n in counter.items()
           if code not in DOCUMENTED and not code.startswith("skipped")}
    tracebacks = log.count("Traceback")
    print(f"undocumented statuses: {bad or 0}; health after: {serving}; valid request after: {final}; "
          f"server exit {rc}; tracebacks in server log: {tracebacks}")
    if tracebacks:
        start = log.index("Traceback")
        print("first server traceback:\n" + log[max(0, start - 300):start + 3000])
    return 0 if not bad and serving == "SERVING" and final == "OK" and rc == 0 and not tracebacks else 1


if __name__ == "__main__":
    sys.exit(main())
