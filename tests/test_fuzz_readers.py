"""Hostile and garbled input for every reader: only BadInputError naming the file, quickly,
without blocking on FIFOs or reading endless streams, within bounded memory."""
import io
import json
import os
import struct
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signllm import formats
from signllm.errors import BadInputError
from signllm.formats import _safe_unpickle

SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner,
                                                                 max_size=3), max_leaves=12)


def _peak_bytes(fn) -> int:
    """Peak memory (Python objects and numpy buffers) that `fn()` allocates."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _refused(path, **options) -> str:
    """The message of the BadInputError reading `path` raises (and nothing else)."""
    with pytest.raises(BadInputError) as info:
        formats.read(path, **options)
    message = str(info.value)
    assert str(path) in message and "\n" not in message, message
    return message


@pytest.fixture(scope="module")
def seeds(tmp_path_factory, request):
    """Small real-shaped inputs of every kind, written by our own writers or copied frames."""
    shared = Path(request.config.rootpath).parent / "shared" / "data"
    if not shared.is_dir():
        pytest.skip("../shared/data is absent")
    folder = tmp_path_factory.mktemp("seeds")
    seq = formats.read(shared / "phoenix14t-pt-sample" / "dev.skels")[0]
    formats.write(folder / "seed.npz", seq)
    formats.write(folder / "seed.pose", seq)
    clip = sorted((shared / "how2sign-openpose-sample").glob("*/"))[0]
    frame = json.loads(sorted(clip.glob("*_keypoints.json"))[0].read_text())
    dwpose = sorted((shared / "dwpose-sample" / "npz").glob("*.npz"))[0].read_bytes()
    return {"npz": folder / "seed.npz", "pose": folder / "seed.pose", "openpose": frame,
            "dwpose": dwpose, "skels": shared / "phoenix14t-pt-sample" / "dev.skels"}


def _openpose_folder(tmp_path, frame) -> Path:
    folder = tmp_path / "clip"
    folder.mkdir(exist_ok=True)
    for i in range(2):
        (folder / f"c_{i:012d}_keypoints.json").write_text(
            frame if isinstance(frame, str) else json.dumps(frame))
    return folder


# ----------------------------------------------------------------------------- JSON

@SETTINGS
@given(key=st.sampled_from(["pose_keypoints_2d", "hand_left_keypoints_2d", "people"]),
       value=JSON_VALUES)
def test_openpose_wrong_json_types_are_bad_input(seeds, tmp_path, key, value):
    frame = json.loads(json.dumps(seeds["openpose"]))
    if key == "people":
        frame["people"] = value
    else:
        frame["people"][0][key] = value
    folder = _openpose_folder(tmp_path, frame)
    try:
        seqs = formats.read(folder)
    except BadInputError as exc:
        assert str(folder) in str(exc)
    else:
        assert np.isfinite(seqs[0].joints).all()


@pytest.mark.parametrize("text, words", [
    ("[" * 100_000, "nested too deeply"),
    ('{"people": [{"pose_keypoints_2d": [' + "9" * 5000 + "]}]}", "implausible number"),
    ('{"people": [{"pose_keypoints_2d": [' + "1" * 400 + "]}]}", "implausible number"),
    ('{"people": [{"pose_keypoints_2d": [1e999' + ", 1" * 74 + "]}]}", "NaN or infinite"),
    ('{"people": [{"pose_keypoints_2d": 1.5}]}', "must be a list of 75 numbers, got a float"),
    ('{"people": [{"pose_keypoints_2d": [true' + ", 1" * 74 + "]}]}", "non-numbers"),
])
def test_openpose_json_limits(tmp_path, text, words):
    assert words in _refused(_openpose_folder(tmp_path, text))


def test_openpose_absurd_pixels_are_refused_before_the_fitter(seeds, tmp_path):
    frame = json.loads(json.dumps(seeds["openpose"]))
    person = frame["people"][0]
    keep = {2, 5}   # both shoulders stay as they were: the scale is normal, the rest is absurd
    person["pose_keypoints_2d"] = [v * 1e30 if k % 3 != 2 and k // 3 not in keep else v
                                   for k, v in enumerate(person["pose_keypoints_2d"])]
    assert "implausibly close together" in _refused(_openpose_folder(tmp_path, frame))


# ----------------------------------------------------------------------------- .pose

@SETTINGS
@given(component=st.integers(0, 6), change=st.integers(-40, 40))
def test_pose_header_counts_not_matching_the_body(seeds, tmp_path, component, change):
    from pose_format import Pose
    pose = Pose.read(seeds["pose"].read_bytes())
    comp = pose.header.components[component]
    comp.points = list(comp.points[:max(0, len(comp.points) + change)]) if change < 0 else \
        list(comp.points) + [f"P{i}" for i in range(change)]
    buffer = io.BytesIO()
    pose.write(buffer)
    path = tmp_path / "bad.pose"
    path.write_bytes(buffer.getvalue())
    try:  # the body is then parsed with the header's counts: garbage, or refused
        seqs = formats.read(path)
    except BadInputError as exc:
        assert str(path) in str(exc) and change != 0
    else:
        assert np.isfinite(seqs[0].joints).all()


@SETTINGS
@given(at=st.integers(0, 3000), value=st.sampled_from([0, 1, 2**31 - 1, 2**32 - 1, 10**6]))
def test_pose_corrupt_header_bytes(seeds, tmp_path, at, value):
    data = bytearray(seeds["pose"].read_bytes())
    data[at:at + 4] = struct.pack("<I", value)
    path = tmp_path / "bad.pose"
    path.write_bytes(bytes(data))
    try:
        formats.read(path)
    except BadInputError as exc:
        assert str(path) in str(exc)


def test_pose_without_shoulders_is_one_clear_error(seeds, tmp_path):
    from pose_format import Pose
    pose = Pose.read(seeds["pose"].read_bytes())
    pose.header.components = [c for c in pose.header.components
                              if not c.name.startswith("SIGNLLM")]
    pose.header.components[0].points = [f"P{i}" for i in range(33)]
    pose.body.data = pose.body.data[:, :, :sum(len(c.points) for c in pose.header.components)]
    pose.body.confidence = pose.body.confidence[:, :, :pose.body.data.shape[2]]
    buffer = io.BytesIO()
    pose.write(buffer)
    path = tmp_path / "noshoulders.pose"
    path.write_bytes(buffer.getvalue())
    assert "lacks the point(s) LEFT_SHOULDER, RIGHT_SHOULDER" in _refused(path)


# ----------------------------------------------------------------------------- .npz

def _members(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def _zip(path: Path, members: dict, method=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@SETTINGS
@given(member=st.sampled_from(["joints.npy", "confidence.npy", "fps.npy", "meta.npy"]),
       at=st.integers(0, 200), junk=st.binary(min_size=1, max_size=16),
       method=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
def test_npz_corrupt_members(seeds, tmp_path, member, at, junk, method):
    members = _members(seeds["npz"])
    raw = bytearray(members[member])
    raw[at:at + len(junk)] = junk
    members[member] = bytes(raw)
    path = _zip(tmp_path / "bad.npz", members, method)
    try:
        seqs = formats.read(path)
    except BadInputError as exc:
        assert str(path) in str(exc)
    else:
        assert np.isfinite(seqs[0].joints).all()


@pytest.mark.parametrize("change, words", [
    ("encrypted", "encrypted"), ("method", "corrupt"), ("foreign", "not a .npy array"),
    ("object", "Python objects"), ("shape", "header says"), ("fps", "outside"),
    ("deep-meta", "nested too deeply"), ("big-joints", "beyond-float32"),
])
def test_npz_member_refusals(seeds, tmp_path, change, words):
    members = _members(seeds["npz"])
    path = tmp_path / "bad.npz"

    def npy(value):
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=True)
        return buffer.getvalue()
    if change in ("encrypted", "method"):
        data = bytearray(_zip(path, members).read_bytes())
        at = data.find(b"PK\x01\x02")
        if change == "encrypted":
            data[at + 8] |= 1
        else:
            data[at + 10] = 99
        path.write_bytes(bytes(data))
    else:
        joints = np.load(io.BytesIO(members["joints.npy"]))
        members.update({
            "foreign": {"readme.txt": b"hi"},
            "object": {"joints.npy": npy(np.array([{}], dtype=object))},
            "shape": {"joints.npy": npy(joints)[:-100]},
            "fps": {"fps.npy": npy(np.float64(1e-300))},
            "deep-meta": {"meta.npy": npy(np.array("[" * 100_000))},
            "big-joints": {"joints.npy": npy(joints.astype(np.float64) * 1e300)},
        }[change])
        _zip(path, members)
    assert words in _refused(path)


def test_npz_zip_bomb_is_refused_quickly_without_unpacking(seeds, tmp_path):
    members = _members(seeds["npz"])
    members["joints.npy"] = bytes(200 * 1024**2)   # deflates about 1000x
    path = _zip(tmp_path / "bomb.npz", members)
    assert path.stat().st_size < 1024**2
    started = time.perf_counter()
    assert _peak_bytes(lambda: _refused(path)) < 20 * 1024**2
    assert time.perf_counter() - started < 1.0
    assert "zip bomb" in _refused(path)


# ----------------------------------------------------------------------------- DWPose pickles

def _dwpose_folder(tmp_path, seed: bytes, person_npy: bytes | None = None,
                   num_persons: bytes | None = None) -> Path:
    folder = tmp_path / "dw"
    folder.mkdir(exist_ok=True)
    members = _members_bytes(seed)
    if person_npy is not None:
        members["person_0.npy"] = person_npy
    if num_persons is not None:
        members["num_persons.npy"] = num_persons
    _zip(folder / "00000001.npz", members)
    return folder


def _members_bytes(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def _object_npy(payload: bytes) -> bytes:
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "|O", "fortran_order": False,
                                                  "shape": ()})
    return header.getvalue() + payload


@pytest.mark.parametrize("payload", [
    b"\x80\x02cbuiltins\nlist\ncbuiltins\nbytes\nJ\x00\xa3\xe1\x11\x85R\x85R.",  # 2.4 GB
    b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00true\x85R.",
    b"\x80\x02cnumpy\nndarray\nJ\x00\xe1\xf5\x05\x85\x85R.",    # ndarray((100M,)) directly
    # body_keypoints = 300k references to one 1000-float list (0.6 MB asking for 2.4 GB)
    b"\x80\x02}X\x0e\x00\x00\x00body_keypoints](](" + b"G?\xe0\x00\x00\x00\x00\x00\x00" * 1000
    + b"eq\x01" + b"h\x01" * 300_000 + b"es.",
], ids=["list-bytes", "os-system", "ndarray-call", "shared-references"])
def test_expanding_and_hostile_pickles(seeds, tmp_path, payload):
    folder = _dwpose_folder(tmp_path, seeds["dwpose"], _object_npy(payload))
    assert _peak_bytes(lambda: _refused(folder)) < 50 * 1024**2
    started = time.perf_counter()        # timed apart: tracing allocations slows the read
    _refused(folder)
    assert time.perf_counter() - started < 1.0


@SETTINGS
@given(key=st.sampled_from(["body_keypoints", "body_scores", "left_hand_keypoints",
                            "right_hand_scores"]),
       value=JSON_VALUES | st.sampled_from([np.zeros((18, 3)), np.full(18, np.nan),
                                            np.array("x"), np.zeros(21, dtype=object)]))
def test_dwpose_dict_with_wrong_types(seeds, tmp_path, key, value):
    person = _safe_unpickle.load_npz(_write(tmp_path / "s.npz", seeds["dwpose"]),
                                     10**7)["person_0"]
    person[key] = value
    buffer = io.BytesIO()
    np.save(buffer, np.array(person, dtype=object), allow_pickle=True)
    folder = _dwpose_folder(tmp_path, seeds["dwpose"], buffer.getvalue())
    try:
        formats.read(folder)
    except BadInputError as exc:
        assert str(folder) in str(exc)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("value", [np.float64(np.nan), np.array("abc"), np.float64(1.5),
                                   np.array([1, 2]), np.float64(1e300)])
def test_dwpose_bad_num_persons(seeds, tmp_path, value):
    buffer = io.BytesIO()
    np.save(buffer, value)
    members = _members_bytes(seeds["dwpose"])
    members.pop("person_0.npy")
    folder = tmp_path / "dw"
    folder.mkdir()
    members["num_persons.npy"] = buffer.getvalue()
    _zip(folder / "00000001.npz", members)
    assert "num_persons" in _refused(folder)


# ----------------------------------------------------------------------------- streams, FIFOs

def _special(kind: str, seeds, tmp_path, special: str) -> Path:
    """An input of `kind` whose file (or one frame of the folder) is `special`."""
    def make(path: Path):
        if special == "fifo":
            os.mkfifo(path)
        else:
            os.symlink("/dev/zero", path)
    if kind in ("skels", "pose", "npz"):
        path = tmp_path / f"in.{kind}"
        make(path)
        return path
    folder = tmp_path / kind
    folder.mkdir()
    if kind == "openpose":
        (folder / "c_000000000000_keypoints.json").write_text(json.dumps(seeds["openpose"]))
        make(folder / "c_000000000001_keypoints.json")
    else:
        (folder / "00000001.npz").write_bytes(seeds["dwpose"])
        make(folder / "00000002.npz")
    return folder


@pytest.mark.parametrize("special", ["fifo", "dev-zero"])
@pytest.mark.parametrize("kind", ["skels", "pose", "npz", "openpose", "dwpose"])
def test_fifos_and_endless_streams_are_refused_without_blocking(seeds, tmp_path, kind, special):
    path = _special(kind, seeds, tmp_path, special)
    result = {}

    def read():
        try:
            formats.read(path)
        except BadInputError as exc:
            result["message"] = str(exc)
    reader = threading.Thread(target=read, daemon=True)
    started = time.perf_counter()
    reader.start()
    reader.join(5)
    if reader.is_alive():  # unblock the FIFO so the thread can end, then fail
        os.close(os.open(path if kind in ("skels", "pose", "npz") else next(
            p for p in path.iterdir() if not p.is_file()), os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"reading a {special} blocked")
    assert time.perf_counter() - started < 1.0
    assert "not a regular file" in result["message"] and str(path) in result["message"]


def test_skels_sibling_fifo_is_refused(seeds, tmp_path):
    path = tmp_path / "x.skels"
    path.write_bytes(seeds["skels"].read_bytes().split(b"\n")[0] + b"\n")
    os.mkfifo(tmp_path / "x.text")
    assert "x.text" in _refused(path)


def test_big_skels_memory_stays_near_the_file_size(seeds, tmp_path):
    line = seeds["skels"].read_bytes().split(b"\n")[0] + b"\n"
    path = tmp_path / "big.skels"
    path.write_bytes(line * max(1, 40_000_000 // len(line)))
    assert _peak_bytes(lambda: formats.read(path)) < 4 * path.stat().st_size
