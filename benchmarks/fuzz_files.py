"""Seeded, bounded fuzzer of the file readers and writers through the CLI, as a user meets them.

Five input kinds (`.skels`, `.pose`, `.npz`, OpenPose folders, DWPose folders), each mutated
from a real or freshly written seed: truncated, bit-flipped, wrong JSON / pickle types and
shapes, huge and non-finite numbers, deep nesting, corrupt / encrypted / bomb npz members,
expanding pickles, mismatched `.pose` headers, symlinks to /dev/zero and FIFOs. Every input
goes through `signllm info`, `convert` and `retarget --select 0` as subprocesses (a pool of
`--jobs`), and each run is classed:

- traceback: a Python traceback on stderr, or an exit code other than 0 / 2;
- unreadable output: exit 0, but what it wrote does not read back (`signllm info --json`
  fails or shows non-finite numbers; a BVH with nan/inf; an empty file);
- over 2 s or 1 GB: wall time (timeouts included) or the child's peak RSS (`wait4`);
- message without the file: exit 2 without the input's path on stderr;
- stderr not one line: exit 2 with more or fewer than one line on stderr.

    python benchmarks/fuzz_files.py [--per-kind 300] [--seed 0] [--repo PATH] [--jobs 2]
        [--show CLASS,...] [--only KIND:I,...]

`--show` lists every run of those classes (`all`: every flagged run) with its input (kind and
index, which fix the mutation branch; files, sizes, symlinks, FIFOs) and the exact command, so
one can be rerun alone; `--only skels:7,npz:6` builds and runs just those inputs.

`--repo` picks the source tree under test (its root goes on PYTHONPATH), so the same seed can
be run against an older checkout for a before/after table. Seeds come from ../shared/data.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
KINDS = ("skels", "pose", "npz", "openpose", "dwpose")
COMMANDS = ("info", "convert", "retarget")
CLASSES = ("tracebacks", "unreadable outputs", "over 2 s or 1 GB", "messages without the file",
           "stderr not one line")
SLOW_S, BIG_KB = 2.0, 1024 * 1024
MEM_CAP = 6 * 1024**3   # RLIMIT_AS of each child, so a runaway cannot take the shared machine


# ----------------------------------------------------------------------------- seeds

def _seeds(work: Path) -> dict:
    """One real (or freshly written) example of every kind, as bytes or folders of bytes."""
    sys.path.insert(0, str(ROOT))
    from signllm import formats
    skels = DATA / "phoenix14t-pt-sample" / "dev.skels"
    first = skels.read_bytes().split(b"\n")[0]
    seq = formats.read(skels)[0]
    formats.write(work / "seed.npz", seq.with_(text="a", gloss="B"))
    formats.write(work / "seed.pose", seq)
    clip = sorted((DATA / "how2sign-openpose-sample").glob("*/"))[0]
    openpose = [f.read_bytes() for f in sorted(clip.glob("*_keypoints.json"))[:4]]
    dwpose = [f.read_bytes() for f in sorted((DATA / "dwpose-sample" / "npz").glob("*.npz"))[:4]]
    real_pose = sorted((DATA / "dsgs-lexical-poses" / "sgg").glob("*.pose"))[0].read_bytes()
    return {"skels": first + b"\n", "pose": [(work / "seed.pose").read_bytes(), real_pose],
            "npz": (work / "seed.npz").read_bytes(), "openpose": openpose, "dwpose": dwpose}


# ----------------------------------------------------------------------------- mutations

def _bitflip(data: bytes, rng, flips: int = 8) -> bytes:
    data = bytearray(data)
    for _ in range(flips):
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
    return bytes(data)


def _bytes_mutation(data: bytes, rng) -> bytes:
    choice = rng.randrange(6)
    if choice == 0:
        return data[:rng.randrange(len(data))]
    if choice == 1:
        return _bitflip(data, rng, rng.choice([1, 8, 64]))
    if choice == 2:
        i = rng.randrange(len(data))
        return data[:i] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))) + data[i:]
    if choice == 3:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096)))
    if choice == 4:
        return b""
    return data * rng.randrange(2, 4)


HUGE = ["1e308", "-1e308", "1e400", "nan", "inf", "-inf", "1e38", "3.5e38", "1e-320",
        "9" * 5000, "1" * 400, "0x10", "true", "1e5"]


def _skels(seed: bytes, rng, i: int, case: Path) -> Path:
    path = case / "clip.skels"
    tokens = seed.split()
    choice = i % 8
    if choice == 0:
        data = _bytes_mutation(seed, rng)
    elif choice == 1:
        for _ in range(rng.randrange(1, 5)):
            tokens[rng.randrange(len(tokens))] = rng.choice(HUGE).encode()
        data = b" ".join(tokens) + b"\n"
    elif choice == 2:  # scaled: absurd but finite bodies
        factor = rng.choice([1e6, 1e30, 0.0, 1e-30])
        data = b" ".join(b"%.5f" % (float(t) * factor) if (k + 1) % 151 else t
                         for k, t in enumerate(tokens)) + b"\n"
    elif choice == 3:
        data = b" ".join(tokens[:rng.randrange(1, len(tokens))]) + b"\n" + seed
    elif choice == 4:
        (case / "clip.text").write_bytes(rng.choice([b"", b"a\nb\nc\n", b"\xff\xfe\n"]))
        data = seed
    elif choice == 5:
        os.symlink("/dev/zero", path)
        return path
    elif choice == 6:
        os.mkfifo(path)
        return path
    else:  # many clips, up to 150 MB: memory must stay near the file's size
        size = 150e6 if i % 100 == 7 else rng.choice([1e5, 5e6])
        data = seed * max(1, int(size // len(seed)))
    path.write_bytes(data)
    return path


def _pose_with(seed: bytes, rng, choice: int) -> bytes:
    from pose_format import Pose
    pose = Pose.read(seed)
    if choice == 0:
        pose.body.fps = rng.choice([1e-300, 0.0, float("nan"), 1e38, -25.0, 1e-3])
    elif choice == 1:
        data = pose.body.data
        data[rng.randrange(data.shape[0]), 0, rng.randrange(data.shape[2]), 0] = \
            rng.choice([np.inf, np.nan, 1e38, 3e38])
    elif choice == 2:  # header counts that do not match the body
        comp = pose.header.components[rng.randrange(len(pose.header.components))]
        if comp.points and rng.random() < 0.5:
            comp.points = comp.points[:rng.randrange(len(comp.points) + 1)]
        else:
            comp.points = list(comp.points) + [f"X{k}" for k in range(rng.randrange(1, 50))]
    elif choice == 3:  # components renamed or dropped
        comp = pose.header.components[0]
        comp.name = rng.choice(["POSE_LANDMARKS", "pose_keypoints_2d", "UNKNOWN", ""])
        comp.points = [rng.choice(["NOSE", "Neck", "X"]) for _ in comp.points]
    buffer = io.BytesIO()
    pose.write(buffer)
    return buffer.getvalue()


def _pose(seeds: list, rng, i: int, case: Path) -> Path:
    path = case / "clip.pose"
    seed = seeds[i % 2]
    choice = i % 7
    if choice < 4:
        try:
            data = _pose_with(seed, rng, choice)
        except Exception:  # pose-format refused to write it: fall back to raw bytes
            data = _bytes_mutation(seed, rng)
    elif choice == 4:
        data = _bytes_mutation(seed, rng)
    elif choice == 5:
        if rng.random() < 0.5:
            os.symlink("/dev/zero", path)
        else:
            os.mkfifo(path)
        return path
    else:  # header bytes overwritten (counts, lengths)
        data = bytearray(seed)
        at = rng.randrange(min(len(data) - 4, 4000))
        data[at:at + 4] = struct.pack("<I", rng.choice([0, 1, 2**31 - 1, 2**32 - 1, 10**6]))
        data = bytes(data)
    path.write_bytes(data)
    return path


def _npy(value) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, value, allow_pickle=True)
    return buffer.getvalue()


_BOMB: dict = {}


def _zip(path: Path, members: dict, method=zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _bomb(members: dict) -> bytes:
    """The seed npz with joints.npy replaced by 1.5 GB of zeros deflated to ~1.5 MB (made once)."""
    if "npz" not in _BOMB:
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False,
                                                      "shape": (1, 125_000_000, 3)})
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                if name != "joints.npy":
                    archive.writestr(name, data)
            with archive.open("joints.npy", "w", force_zip64=True) as member:
                member.write(header.getvalue())
                chunk = bytes(16 * 1024**2)
                for _ in range(1_500_000_000 // len(chunk)):
                    member.write(chunk)
        _BOMB["npz"] = buffer.getvalue()
    return _BOMB["npz"]


def _npz_members(seed: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(seed)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _npz(seed: bytes, rng, i: int, case: Path) -> Path:
    path = case / "clip.npz"
    members = _npz_members(seed)
    joints = np.load(io.BytesIO(members["joints.npy"]))
    choice = i % 9
    if choice == 0:
        data = _bytes_mutation(seed, rng)
    elif choice == 1:  # absurd values
        key, value = rng.choice([
            ("joints.npy", joints * rng.choice([1e38, 1e6, 0.0, np.nan])),
            ("fps.npy", np.float64(rng.choice([1e-300, 0.0, np.nan, 1e300, -1.0]))),
            ("meta.npy", np.array(rng.choice(['{"skels_scale": 0}', '{"skels_counter": "x"}',
                                              "[" * 100000, '{"a": ' + "9" * 5000 + "}",
                                              '{"skels_counter_decimals": 1e9}']))),
            ("confidence.npy", np.full(joints.shape[:2], np.nan, np.float32)),
            ("joints.npy", joints.astype(np.int64)),
            ("joints.npy", np.array(["x"] * 10)),
            ("fps.npy", np.array([25.0, 30.0])),
            ("joints.npy", np.zeros((0, 50, 3), np.float32))])
        members[key] = _npy(value)
        data = None
    elif choice == 2:  # object arrays / pickles
        members[rng.choice(["joints.npy", "text.npy", "meta.npy"])] = _npy(
            np.array([{"a": 1}, None], dtype=object))
        data = None
    elif choice == 3:  # .npy header lies
        raw = bytearray(members["joints.npy"])
        raw[10:10 + 40] = rng.choice([b"{'descr': '<f4', 'fortran_order': False, 'sh",
                                      b"{'descr': '<f4', 'shape': (99999999999, 50, 3), }",
                                      b"{'descr': \"\"\"", b"((((((((((((((((((((((((((((("])
        members["joints.npy"] = bytes(raw)
        data = None
    elif choice == 4:  # stored member bit-flipped (no CRC rescue), or deflate stream broken
        _zip(path, members, rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
        data = _bitflip(path.read_bytes(), rng, 16)
    elif choice == 5:  # encrypted flag, unknown compression, foreign member
        _zip(path, members)
        data = bytearray(path.read_bytes())
        at = data.find(b"PK\x01\x02")
        if rng.random() < 0.5:
            data[at + 8] |= 1          # general-purpose flag: encrypted
        else:
            data[at + 10] = 99         # compression method 99 (AES)
        data = bytes(data)
        if rng.random() < 0.3:
            members["readme.txt"] = b"hello"
            _zip(path, members)
            data = path.read_bytes()
    elif choice == 6:
        if i % 27 == 6:
            path.write_bytes(_bomb(members))
            return path
        members["num_sequences.npy"] = _npy(np.int64(rng.choice([0, -1, 10**9, 2])))
        members.pop("joints.npy")
        data = None
    elif choice == 7:
        os.symlink("/dev/zero", path) if rng.random() < 0.5 else os.mkfifo(path)
        return path
    else:
        members.pop(rng.choice(list(members)))
        data = None
    if data is None:
        _zip(path, members)
    else:
        path.write_bytes(data)
    return path


def _json_mutation(frame: dict, rng) -> object:
    person = frame["people"][0]
    key = rng.choice(["pose_keypoints_2d", "hand_left_keypoints_2d", "hand_right_keypoints_2d"])
    choice = rng.randrange(8)
    if choice == 0:
        person[key] = rng.choice([1.5, True, "x", {"a": 1}, None, [[1, 2]], [None] * 75])
    elif choice == 1:
        person[key][rng.randrange(len(person[key]))] = rng.choice(
            [1e999, float("nan"), 10**400, 1e308, -1e308, True])
    elif choice == 2:
        frame["people"] = rng.choice([1, "x", {"a": []}, [1, 2], [[]]])
    elif choice == 3:
        return "[" * rng.choice([1000, 100000]) + "]" * 10
    elif choice == 4:
        return json.dumps(frame).replace("0.", "9" * rng.choice([400, 5000]), 1)
    elif choice == 5:
        person[key] = [v * rng.choice([1e30, 1e-30, 0.0]) for v in person[key]]
        person["pose_keypoints_2d"] = [v * 1e30 for v in person["pose_keypoints_2d"]]
    elif choice == 6:
        return rng.choice(["", "null", "[]", "{}", '{"people": null}'])
    else:
        frame["people"] = frame["people"] * 2000
    return frame


def _openpose(seeds: list, rng, i: int, case: Path) -> Path:
    folder = case / "clip"
    folder.mkdir()
    for k, data in enumerate(seeds):
        (folder / f"c_{k:012d}_keypoints.json").write_bytes(data)
    target = folder / f"c_{rng.randrange(len(seeds)):012d}_keypoints.json"
    choice = i % 6
    if choice == 0:
        target.write_bytes(_bytes_mutation(target.read_bytes(), rng))
    elif choice == 1:
        target.unlink()
        os.symlink("/dev/zero", target) if rng.random() < 0.5 else os.mkfifo(target)
    elif choice == 2 and i % 60 == 2:  # 10 MB of one frame
        target.write_bytes(b'{"people": [' + b'{"x": 1},' * 1_200_000 + b"{}]}")
    else:
        value = _json_mutation(json.loads(target.read_bytes()), rng)
        target.write_text(value if isinstance(value, str) else json.dumps(value))
    return folder


class _Pickled:
    """Writes a hand-made pickle as the object array of an .npy member."""

    def __init__(self, payload: bytes):
        self.payload = payload

    def npy(self) -> bytes:
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "|O", "fortran_order": False,
                                                      "shape": ()})
        return header.getvalue() + self.payload


def _expanding_pickle(kind: int) -> bytes:
    if kind == 0:  # list(bytes(300_000_000)): 50 bytes that ask for 2.4 GB
        return b"\x80\x02cbuiltins\nlist\ncbuiltins\nbytes\nJ\x00\xa3\xe1\x11\x85R\x85R."
    if kind == 1:  # os.system: code execution
        return b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00true\x85R."
    # {"body_keypoints": 300k references to one 1000-float list}: 0.6 MB that asks for 2.4 GB
    inner = b"](" + b"".join(b"G" + struct.pack(">d", 0.5) for _ in range(1000)) + b"eq\x01"
    return (b"\x80\x02}X\x0e\x00\x00\x00body_keypoints](" + inner + b"h\x01" * 300_000
            + b"es.")


def _dwpose(seeds: list, rng, i: int, case: Path) -> Path:
    folder = case / "clip"
    folder.mkdir()
    for k, data in enumerate(seeds):
        (folder / f"{k:08d}.npz").write_bytes(data)
    target = folder / f"{rng.randrange(len(seeds)):08d}.npz"
    members = _npz_members(target.read_bytes())
    choice = i % 6
    if choice == 0:
        target.write_bytes(_bytes_mutation(target.read_bytes(), rng))
        return folder
    if choice == 1:
        target.unlink()
        os.symlink("/dev/zero", target) if rng.random() < 0.5 else os.mkfifo(target)
        return folder
    if choice == 2:
        members["person_0.npy"] = _Pickled(_expanding_pickle(i // 6 % 3)).npy()
    elif choice == 3:  # wrong types in the dict
        person = {"body_keypoints": rng.choice([np.zeros((18, 2)), "x", 1.5, [[1, 2]] * 18,
                                                     [[np.nan, 1]] * 18, [[1e308, 1e308]] * 18]),
                       "body_scores": rng.choice([np.zeros(18), [None] * 18, "abc"]),
                       "left_hand_keypoints": np.zeros((21, 2)),
                       "right_hand_keypoints": rng.choice([np.zeros((21, 3)), {"a": 1}]),
                  "left_hand_scores": np.zeros(21), "right_hand_scores": np.zeros(21)}
        members["person_0.npy"] = _npy(np.array(person, dtype=object))
        members["num_persons.npy"] = _npy(rng.choice(
            [np.int64(1), np.float64(np.nan), np.array("abc"), np.float64(1.5),
             np.array([1, 2])]))
    elif choice == 4:
        members.pop("person_0.npy")
        members["num_persons.npy"] = _npy(rng.choice([np.float64(np.nan), np.array("x"),
                                                      np.int64(0), np.float64(1e300)]))
    else:
        members["person_0.npy"] = _bitflip(members["person_0.npy"], rng, 4)
    _zip(target, members)
    return folder


MUTATORS = {"skels": _skels, "pose": _pose, "npz": _npz, "openpose": _openpose,
            "dwpose": _dwpose}


# ----------------------------------------------------------------------------- running

def _limit_memory():
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (MEM_CAP, MEM_CAP))


def _run(argv: list[str], env: dict, timeout: float, log: Path) -> dict:
    """Exit code, stderr, wall time and peak RSS (kB) of one CLI run."""
    started = time.perf_counter()
    with open(log, "wb") as err:
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=env,
                                preexec_fn=_limit_memory, cwd=log.parent)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {"rc": proc.returncode, "stderr": log.read_text("utf-8", "replace"),
            "wall": time.perf_counter() - started, "rss_kb": usage.ru_maxrss}


def _readable(output: Path, env: dict, timeout: float) -> bool:
    """Whether an output written with exit 0 reads back (by the same tree's `info`)."""
    files = sorted(output.parent.glob(output.stem + "*" + output.suffix))
    if not files:
        return False
    for path in files:
        if path.stat().st_size == 0:
            return False
        if path.suffix == ".bvh":
            if {"nan", "inf", "-inf"} & set(path.read_text("utf-8", "replace").lower().split()):
                return False
            continue
        result = _run([sys.executable, "-m", "signllm", "info", "--json", str(path)], env,
                      timeout, path.with_suffix(".reread"))
        if result["rc"] != 0:
            return False
    return True


def _describe(target: Path) -> str:
    """What an input is on disk (a folder's frames, or a file and its siblings): sizes, links."""
    files = sorted(target.iterdir()) if target.is_dir() else sorted(
        target.parent.glob(target.stem + ".*"))
    parts = []
    for path in files:
        if path.is_symlink():
            parts.append(f"{path.name} -> {os.readlink(path)}")
        elif path.is_fifo():
            parts.append(f"{path.name} FIFO")
        elif path.suffix not in (".stderr", ".reread"):
            parts.append(f"{path.name} {path.stat().st_size:,} B")
    return "; ".join(parts)


def _check(kind: str, command: str, target: Path, env: dict, timeout: float) -> dict:
    case = target.parent
    out_ext = {"info": None, "convert": ".npz" if kind != "npz" else ".pose",
               "retarget": ".bvh"}[command]
    argv = [sys.executable, "-m", "signllm", command, str(target)]
    output = case / f"out-{command}{out_ext}" if out_ext else None
    if command == "convert":
        argv.append(str(output))
    elif command == "retarget":
        argv += ["-o", str(output), "--iterations", "0", "--select", "0"]
    result = _run(argv, env, timeout, case / f"{command}.stderr")
    err, rc = result["stderr"], result["rc"]
    flags = set()
    if "Traceback (most recent call last)" in err or rc not in (0, 2):
        flags.add("tracebacks")
    if rc == 0 and output is not None and not _readable(output, env, timeout):
        flags.add("unreadable outputs")
    if result["wall"] > SLOW_S or result["rss_kb"] > BIG_KB:
        flags.add("over 2 s or 1 GB")
    if rc == 2 and str(target) not in err:
        flags.add("messages without the file")
    lines = err.strip("\n").split("\n") if err.strip() else []
    if rc == 2 and len(lines) != 1:
        flags.add("stderr not one line")
    return {"kind": kind, "command": command, "case": str(case), "rc": rc, "flags": flags,
            "argv": " ".join(argv[1:]), "input": _describe(target),
            "wall": result["wall"], "rss_mb": result["rss_kb"] / 1024,
            "stderr": err.strip()[-300:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=300, help="inputs per kind (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repo", type=Path, default=ROOT, help="source tree under test")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per run")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--commands", default=",".join(COMMANDS))
    parser.add_argument("--keep", type=Path, help="keep the inputs and a JSON report here")
    parser.add_argument("--show", default="", help="list the runs of these classes ('all': "
                        "every flagged run), e.g. 'over 2 s or 1 GB'")
    parser.add_argument("--only", default="", help="run only these inputs, e.g. skels:7,npz:6")
    args = parser.parse_args(argv)
    only = {tuple(item.split(":")) for item in args.only.split(",") if item}
    work = Path(tempfile.mkdtemp(prefix="fuzz-files-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(args.repo.resolve())}
    seeds = _seeds(work)
    jobs = []
    for kind in args.kinds.split(","):
        for i in range(args.per_kind):
            if only and (kind, str(i)) not in only:
                continue
            case = work / kind / f"{i:04d}"
            shutil.rmtree(case, ignore_errors=True)
            case.mkdir(parents=True)
            rng = random.Random(f"{args.seed}-{kind}-{i}")
            target = MUTATORS[kind](seeds[kind], rng, i, case)
            jobs += [(kind, command, target) for command in args.commands.split(",")]
    started = time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda job: _check(*job, env, args.timeout), jobs))
    elapsed = time.perf_counter() - started
    table = Counter((r["kind"], c) for r in results for c in r["flags"])
    print(f"fuzz_files: seed {args.seed}, {args.per_kind} inputs per kind, {len(results)} runs "
          f"against {args.repo.resolve()} in {elapsed:.0f} s")
    print(f"{'class':28s}" + "".join(f"{k:>10s}" for k in KINDS) + f"{'total':>8s}")
    for cls in CLASSES:
        counts = [table[(k, cls)] for k in KINDS]
        print(f"{cls:28s}" + "".join(f"{n:>10d}" for n in counts) + f"{sum(counts):>8d}")
    worst = max(results, key=lambda r: r["rss_mb"])
    slowest = max(results, key=lambda r: r["wall"])
    print(f"peak RSS {worst['rss_mb']:.0f} MB ({worst['case']} {worst['command']}); slowest "
          f"{slowest['wall']:.1f} s ({slowest['case']} {slowest['command']})")
    flagged = [dict(r, flags=sorted(r["flags"])) for r in results if r["flags"]]
    for cls in CLASSES:
        for r in [r for r in flagged if cls in r["flags"]][:2]:
            print(f"  e.g. {cls}: {r['kind']} {r['command']} rc {r['rc']} {r['wall']:.1f} s "
                  f"{r['rss_mb']:.0f} MB: {r['stderr'][-160:]!r}")
    shown = CLASSES if args.show == "all" else [c for c in args.show.split(",") if c]
    for r in flagged:
        if set(shown) & set(r["flags"]):
            print(f"  {r['kind']}:{Path(r['case']).name.lstrip('0') or '0'} {r['command']} "
                  f"rc {r['rc']} {r['wall']:.1f} s {r['rss_mb']:.0f} MB [{', '.join(r['flags'])}]"
                  f"\n    input: {r['input']}\n    run: python {r['argv']}")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    else:
        (work / "report.json").write_text(json.dumps(flagged, indent=1))
        print(f"flagged runs: {len(flagged)}, details in {work / 'report.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
