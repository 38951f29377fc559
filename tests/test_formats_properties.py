"""Property-based tests: random sequences survive every writable format; garbage only ever
raises BadInputError."""
import json
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from signllm import formats
from signllm.errors import BadInputError
from signllm.pose import PoseSequence
from signllm.skeleton import NECK

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
LINE = st.text(alphabet="abcdefghijklmnopqrstuvwxyz äöüßéçñ-ÄÖÜ.,?!'\"0123456789",
               min_size=1, max_size=40).map(str.strip).filter(bool)


@st.composite
def sequences(draw, max_frames=12):
    t = draw(st.integers(1, max_frames))
    joints = draw(hnp.arrays(np.float32, (t, 50, 3),
                             elements=st.floats(-1.5, 1.5, width=32, allow_subnormal=False)))
    present = draw(hnp.arrays(np.bool_, (t, 50), elements=st.booleans()))
    joints[:, NECK] = 0          # canonical: the neck is the origin and always there
    present[:, NECK] = True
    joints[~present] = 0
    return PoseSequence(joints, present.astype(np.float32),
                        fps=draw(st.sampled_from([12.5, 24.0, 25.0, 29.97, 50.0])),
                        text=draw(st.none() | LINE), gloss=draw(st.none() | LINE),
                        name=draw(st.none() | LINE.map(lambda s: s.replace(" ", "_"))))


def _round_trip(seqs, ext, **read_options):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"x{ext}"
        formats.write(path, seqs)
        return formats.read(path, **read_options)


def _check(a, b, atol, conf_exact=True):
    assert b.num_frames == a.num_frames
    np.testing.assert_allclose(b.joints, a.joints, atol=atol, rtol=0)
    if conf_exact:
        np.testing.assert_array_equal(b.confidence, a.confidence)
    assert (b.text, b.gloss) == (a.text, a.gloss)
    assert b.name == a.name or (a.name is None and b.name == "x")  # unnamed: the file's stem


@SETTINGS
@given(st.lists(sequences(), min_size=1, max_size=3))
def test_npz_round_trip_is_exact(seqs):
    back = _round_trip(seqs, ".npz")
    for a, b in zip(seqs, back, strict=True):
        _check(a, b, atol=0)
        assert b.fps == a.fps


@SETTINGS
@given(sequences())
def test_pose_round_trip(seq):
    [back] = _round_trip([seq], ".pose")
    _check(seq, back, atol=2e-6)   # float32 pixels on a 1000 px canvas
    assert back.fps == pytest.approx(seq.fps, rel=1e-6)


@SETTINGS
@given(st.lists(sequences(), min_size=1, max_size=3), st.sampled_from([3, 9]),
       st.sampled_from(["pt", "p2s"]))
def test_skels_round_trip_within_print_precision(seqs, divisor, counter):
    for seq in seqs:
        seq.meta.update(skels_scale=divisor, skels_counter=counter)
    back = _round_trip(seqs, ".skels", scale=divisor)
    # 5 decimals of file units, one unit = divisor x 0.35 m
    for a, b in zip(seqs, back, strict=True):
        _check(a, b, atol=0.5e-5 * divisor * 0.35 + 1e-6)
        assert b.meta["skels_counter"] == counter


GARBAGE = st.binary(min_size=1, max_size=3000) | st.text(min_size=1, max_size=3000).map(str.encode)


@SETTINGS
@given(GARBAGE, st.sampled_from([".skels", ".pose", ".npz"]))
def test_garbage_files_raise_bad_input_only(data, ext):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"junk{ext}"
        path.write_bytes(data)
        try:
            formats.read(path)
        except BadInputError:
            pass


@SETTINGS
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8),
                min_size=1, max_size=400))
def test_garbled_skels_lines_raise_bad_input_only(tokens):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "junk.skels"
        path.write_text(" ".join(map(str, tokens)) + "\n", encoding="utf-8")
        try:
            formats.read(path)
        except BadInputError:
            pass


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(),
                           lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
                           max_leaves=30)


@SETTINGS
@given(st.lists(JSON_VALUES | st.fixed_dictionaries({"people": st.lists(
    st.dictionaries(st.sampled_from(["pose_keypoints_2d", "hand_left_keypoints_2d"]),
                    st.lists(st.floats(), max_size=80)), max_size=2)}), min_size=1, max_size=3))
def test_garbage_openpose_frames_raise_bad_input_only(frames):
    with tempfile.TemporaryDirectory() as folder:
        for i, frame in enumerate(frames):
            (Path(folder) / f"f_{i}_keypoints.json").write_text(json.dumps(frame))
        try:
            formats.read(folder)
        except BadInputError:
            pass
