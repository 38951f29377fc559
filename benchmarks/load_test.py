"""Load test of `signllm serve` on loopback: time to first frame, frames/s, errors, RSS, and frame
lateness under real-time pacing. The server runs as its own process (as in production) and the
clients are grpc.aio streams in this process.

    python benchmarks/load_test.py [--streams 64] [--payload rotations|keypoints|both] [--seconds 240]
                                   [--language ase|sgg] [--generator signllm|lexicon] [--no-face]

Phases: (1) one stream at a time (time to first frame), (2) warm-up burst, (3) N concurrent
streams as fast as possible, (4) N concurrent streams in real-time pacing. Sentences have ten
words: English for ASL, or German words the DSGS lexicon signs (`--language sgg --generator
lexicon`: lexical signs from the synthesiser). Lateness of frame i = (arrival_i - arrival_0) - time_code_i, per stream.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import grpc
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from signllm_api.v1 import signllm_pb2 as pb  # noqa: E402
from signllm_api.v1 import signllm_pb2_grpc as pb_grpc  # noqa: E402

WORDS = {"ase": ("the cat sat on a mat and we like to read good books every day with my friend "
                 "at home in the new city near big old park").split(),
         # each one a sign of the built-in DSGS lexicon (none fingerspelled)
         "sgg": ("Kinder gehen heute trinken Wasser Freund gross klein Tag Vater Zeit Auto "
                 "Stadt Haus lernen spielen schlafen Hund Katze neu alt").split()}
PAYLOADS = {"rotations": pb.PAYLOAD_ROTATIONS, "keypoints": pb.PAYLOAD_KEYPOINTS, "both": pb.PAYLOAD_BOTH}


def sentence(i: int, language: str) -> str:
    rng = np.random.default_rng(i)
    return " ".join(rng.choice(WORDS[language], 10))


def rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024


async def one_stream(stub, i: int, payload: int, pacing: int, timeout: float, args) -> dict:
    req = pb.GenerateRequest(text=sentence(i, args.language), language=args.language,
                             generator=args.generator or "", payload=payload, pacing=pacing,
                             request_id=f"load-{i}", no_face=args.no_face)
    t0 = time.perf_counter()
    first, frames, late = None, 0, []
    try:
        async for r in stub.Generate(req, timeout=timeout):
            if r.WhichOneof("message") != "frame":
                continue
            now = time.perf_counter()
            if first is None:
                first = now
            late.append((now - first) - r.frame.time_code)
            frames += 1
        return {"ttff": first - t0, "frames": frames, "late": late, "error": None}
    except grpc.aio.AioRpcError as exc:
        return {"ttff": None, "frames": frames, "late": late, "error": exc.code().name}


async def phase(stub, n: int, start: int, payload: int, pacing: int, timeout: float,
                args) -> dict:
    t0 = time.perf_counter()
    results = await asyncio.gather(*(one_stream(stub, start + i, payload, pacing, timeout, args)
                                     for i in range(n)))
    wall = time.perf_counter() - t0
    ttff = [r["ttff"] for r in results if r["ttff"] is not None]
    late = [x for r in results for x in r["late"]]
    frames = sum(r["frames"] for r in results)
    return {"streams": n, "errors": sum(r["error"] is not None for r in results),
            "error_codes": sorted({r["error"] for r in results if r["error"]}),
            "ttff_ms_p50": round(1000 * float(np.percentile(ttff, 50)), 1) if ttff else None,
            "ttff_ms_p99": round(1000 * float(np.percentile(ttff, 99)), 1) if ttff else None,
            "frames": frames, "wall_s": round(wall, 2), "frames_per_s": round(frames / wall, 1),
            "lateness_ms_p50": round(1000 * float(np.percentile(late, 50)), 1) if late else None,
            "lateness_ms_p99": round(1000 * float(np.percentile(late, 99)), 1) if late else None}


async def main_async(args, port: int, pid: int) -> dict:
    payload = PAYLOADS[args.payload]
    out = {"payload": args.payload, "language": args.language,
           "generator": args.generator or "server default", "face": not args.no_face,
           "cpus": os.cpu_count()}
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = pb_grpc.SignLLMStub(channel)
        await phase(stub, 2, 10_000, payload, pb.PACING_FAST, args.seconds, args)       # first-call costs
        singles = [await phase(stub, 1, 20_000 + i, payload, pb.PACING_FAST, args.seconds, args) for i in range(args.singles)]
        ttff = sorted(s["ttff_ms_p50"] for s in singles if s["ttff_ms_p50"] is not None)
        out["single_stream"] = {"runs": len(singles), "ttff_ms_p50": float(np.percentile(ttff, 50)),
                                "ttff_ms_p99": float(np.percentile(ttff, 99)),
                                "frames_per_s": round(float(np.mean([s["frames_per_s"] for s in singles])), 1),
                                "errors": sum(s["errors"] for s in singles)}
        await phase(stub, args.streams, 30_000, payload, pb.PACING_FAST, args.seconds, args)  # warm-up burst
        out["rss_mb_after_warmup"] = round(rss_mb(pid), 1)
        out["concurrent_fast"] = await phase(stub, args.streams, 40_000, payload, pb.PACING_FAST, args.seconds, args)
        out["concurrent_realtime"] = await phase(stub, args.streams, 50_000, payload, pb.PACING_REALTIME, args.seconds, args)
        out["rss_mb_after"] = round(rss_mb(pid), 1)
    out["rss_growth_pct"] = round(100 * (out["rss_mb_after"] / out["rss_mb_after_warmup"] - 1), 1)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", type=int, default=64)
    parser.add_argument("--singles", type=int, default=20, help="sequential single-stream runs")
    parser.add_argument("--payload", choices=tuple(PAYLOADS), default="rotations")
    parser.add_argument("--seconds", type=float, default=240.0, help="deadline of every stream")
    parser.add_argument("--language", choices=tuple(WORDS), default="ase")
    parser.add_argument("--generator", choices=("signllm", "lexicon"),
                        help="default: the server's (signllm where a bundled model covers it)")
    parser.add_argument("--no-face", action="store_true", help="request streams without the face")
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-m", "signllm", "serve", "--port", "0",
                               "--max-streams", str(args.streams)],
                              cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()
        port = int(re.search(r"listening on [\d.]+:(\d+)", line).group(1))
        rss_start = rss_mb(server.pid)
        result = asyncio.run(main_async(args, port, server.pid))
        result["rss_mb_start"] = round(rss_start, 1)
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(json.dumps(result, indent=2))
    targets = {"single-stream TTFF p50 <= 100 ms": result["single_stream"]["ttff_ms_p50"] <= 100,
               "0 errors under load": result["concurrent_fast"]["errors"] + result["concurrent_realtime"]["errors"] == 0,
               "real-time p99 lateness <= 40 ms": (result["concurrent_realtime"]["lateness_ms_p99"] or 1e9) <= 40,
               "RSS growth after warm-up <= 10 %": result["rss_growth_pct"] <= 10}
    for name, ok in targets.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
