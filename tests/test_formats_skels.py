"""`.skels` v1 and the 2025 DWPose layout: the real Phoenix sample, conventions, round trips."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signllm import formats
from signllm.errors import BadInputError
from signllm.formats import _decimals, skels
from signllm.pose import PoseSequence
from signllm.skeleton import (L_SHOULDER, L_WRIST, NECK, NOMINAL_SHOULDER_WIDTH_M, NOSE,
                              R_SHOULDER)


def _values(path):
    """Every number of a .skels file, line by line."""
    return [np.array(line.split(), float) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def phoenix(shared_data):
    return shared_data / "phoenix14t-pt-sample"


def test_phoenix_dev_clips_texts_and_glosses(phoenix):
    seqs = formats.read(phoenix / "dev.skels")
    assert [s.num_frames for s in seqs] == [42, 111, 148, 142, 93]
    assert seqs[0].text == "tiefer luftdruck bestimmt in den nächsten tagen unser wetter ."
    assert seqs[0].gloss == "DRUCK TIEF KOMMEN"
    assert seqs[4].gloss.endswith("ZEIGEN-BILDSCHIRM")
    assert seqs[0].name == "dev/11August_2010_Wednesday_tagesschau-2"
    assert all(s.meta["skels_scale"] == 3 and s.meta["skels_counter"] == "pt" for s in seqs)


def test_phoenix_lands_in_canonical_frame(phoenix):
    for seq in formats.read(phoenix / "train.skels"):
        j = seq.joints
        assert np.all(j[:, NECK] == 0)
        assert np.median(j[:, NOSE, 1]) > 0.1            # head above the neck (+Y up)
        assert np.median(j[:, R_SHOULDER, 0]) < 0 < np.median(j[:, L_SHOULDER, 0])  # +X left
        assert np.median(j[:, L_WRIST, 2]) > 0.05         # hands in front (+Z forward)
        width = np.median(np.linalg.norm(j[:, L_SHOULDER] - j[:, R_SHOULDER], axis=-1))
        assert abs(width - NOMINAL_SHOULDER_WIDTH_M) < 0.03


@pytest.mark.parametrize("split", ["dev", "train"])
@pytest.mark.parametrize("via", ["pose", "npz", "skels"])
def test_real_round_trip(phoenix, tmp_path, split, via):
    src = phoenix / f"{split}.skels"
    seqs = formats.read(src)
    if via == "pose":  # one clip per .pose file
        middle = []
        for i, seq in enumerate(seqs):
            formats.write(tmp_path / f"{i}.pose", seq)
            middle += formats.read(tmp_path / f"{i}.pose")
    else:
        formats.write(tmp_path / f"mid.{via}", seqs)
        middle = formats.read(tmp_path / f"mid.{via}")
    formats.write(tmp_path / "back.skels", middle)
    original, back = _values(src), _values(tmp_path / "back.skels")
    assert len(original) == len(back)
    for a, b in zip(original, back):
        assert a.shape == b.shape
        np.testing.assert_allclose(b, a, atol=1e-5, rtol=0)   # joints and counters
    for ext in (".text", ".gloss", ".files"):
        assert (tmp_path / f"back{ext}").read_text() == src.with_suffix(ext).read_text()


def _line(frames, counter="pt"):
    t = len(frames)
    c = np.arange(t) / t if counter == "pt" else (np.arange(t) + 1) / t
    return " ".join(" ".join(f"{v:.5f}" for v in f) + f" {ci:.4f}" for f, ci in zip(frames, c))


def _frames(t, width=0.333, rng=np.random.default_rng(0)):
    f = rng.uniform(-0.4, 0.4, (t, 50, 3))
    f[:, NECK] = 0
    f[:, R_SHOULDER] = [width / 2, 0.08, 0]
    f[:, L_SHOULDER] = [-width / 2, 0.08, 0]
    return f.reshape(t, 150)


def test_prompt2sign_scale_counter_and_sentinel(tmp_path):
    frames = _frames(4, width=0.111)
    frames[2, 3 * 8:3 * 9] = skels.SENTINEL           # left-hand root missing in frame 2
    frames[:, 3 * NECK:3 * NECK + 3] = skels.SENTINEL  # P2S writes the origin as the sentinel
    (tmp_path / "p.skels").write_text(_line(frames, "p2s") + "\n")
    [seq] = formats.read(tmp_path / "p.skels")
    assert seq.meta["skels_scale"] == 9 and seq.meta["skels_counter"] == "p2s"
    assert seq.confidence[2, 8] == 0 and seq.confidence[:, NECK].all()
    assert np.all(seq.joints[:, NECK] == 0)
    assert seq.missing_share == pytest.approx(1 / 200)
    width = np.linalg.norm(seq.joints[0, L_SHOULDER] - seq.joints[0, R_SHOULDER])
    assert width == pytest.approx(NOMINAL_SHOULDER_WIDTH_M, rel=1e-3)
    formats.write(tmp_path / "q.skels", [seq])
    np.testing.assert_allclose(_values(tmp_path / "q.skels")[0], _values(tmp_path / "p.skels")[0],
                               atol=1e-5)


def test_scale_option_and_ambiguous_width_warns(tmp_path, caplog):
    (tmp_path / "a.skels").write_text(_line(_frames(3, width=1.5)) + "\n")
    [seq] = formats.read(tmp_path / "a.skels")
    assert seq.meta["skels_scale"] == 3 and "fits neither" in caplog.text
    [seq9] = formats.read(tmp_path / "a.skels", scale=9)
    np.testing.assert_allclose(seq9.joints, seq.joints * 3, atol=1e-6)


def test_writer_counter_option(tmp_path):
    seq = PoseSequence.from_joints(np.zeros((4, 50, 3)))
    formats.write(tmp_path / "c.skels", seq, counter="p2s")
    counters = _values(tmp_path / "c.skels")[0][150::151]
    np.testing.assert_allclose(counters, [0.25, 0.5, 0.75, 1.0])
    assert formats.read(tmp_path / "c.skels")[0].meta["skels_counter"] == "p2s"


def test_dwpose_2025_layout(tmp_path):
    t = 3
    frame = np.zeros((t, 385))
    body = np.tile([[0.5, 0.3], [0.5, 0.5], [0.4, 0.5], [0.35, 0.7], [0.4, 0.8],
                    [0.6, 0.5], [0.65, 0.7], [0.6, 0.8]] + [[0.5, 0.9]] * 10, (t, 1, 1))
    frame[:, 0:36] = body.reshape(t, 36)
    frame[:, 36:54] = np.arange(18)                         # DWPose subset indices
    hands = np.concatenate([np.tile(body[:, 7:8], (1, 21, 1)), np.tile(body[:, 4:5], (1, 21, 1))],
                           axis=1)
    frame[:, 54:138] = hands.reshape(t, 84)
    frame[:, 138:180] = 0.9
    frame[:, 384] = np.arange(t) / (t - 1)
    (tmp_path / "d.skels").write_text(" ".join(f"{v:.5f}" for v in frame.ravel()) + "\n")
    [seq] = formats.read(tmp_path / "d.skels")
    assert seq.meta["skels_layout"] == "dwpose" and not seq.depth_known
    assert seq.joints[0, L_WRIST, 0] > 0 and seq.joints[0, NOSE, 1] > 0
    np.testing.assert_allclose(seq.joints[:, 8], seq.joints[:, L_WRIST], atol=1e-6)
    width = np.linalg.norm(seq.joints[0, L_SHOULDER] - seq.joints[0, R_SHOULDER])
    assert width == pytest.approx(NOMINAL_SHOULDER_WIDTH_M)


def test_sibling_of_other_length_names_both_files(tmp_path, phoenix):
    (tmp_path / "x.skels").write_bytes((phoenix / "dev.skels").read_bytes())
    (tmp_path / "x.text").write_text("only one line\n")
    with pytest.raises(BadInputError, match=r"x\.text.*1 lines.*x\.skels has 5"):
        formats.read(tmp_path / "x.skels")


def test_select_parses_one_clip_and_equals_the_full_read(shared_data, tmp_path):
    from signllm import formats
    from signllm.errors import BadInputError

    dev = shared_data / "phoenix14t-pt-sample" / "dev.skels"
    every = formats.read(dev)
    [third] = formats.read(dev, select=2)
    np.testing.assert_array_equal(third.joints, every[2].joints)
    assert third.text == every[2].text and third.gloss == every[2].gloss
    with pytest.raises(BadInputError, match=f"clip 9 asked for, but it has {len(every)} clips"):
        formats.read(dev, select=9)
    garbled = tmp_path / "g.skels"                       # a bad line that is not asked for
    lines = dev.read_text().splitlines()
    garbled.write_text(lines[0] + "\nnot numbers\n")
    assert formats.read(garbled, select=0)[0].num_frames == every[0].num_frames
    with pytest.raises(BadInputError, match="line 2"):
        formats.read(garbled)


# --------------------------------------------------------------------------- block parsing

@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-1e6, 1e6, allow_nan=False), st.integers(1, 8)),
                min_size=1, max_size=60), st.integers(1, 5))
def test_block_parse_is_bit_equal_to_strtod(numbers, lines):
    texts = [f"{x:.{d}f}" for x, d in numbers]
    cut = sorted({round(i * len(texts) / lines) for i in range(1, lines)} - {0, len(texts)})
    rows = [" ".join(texts[a:b]) for a, b in zip([0, *cut], [*cut, len(texts)])]
    values, per_line, fraction = _decimals.parse("\n".join(rows).encode())
    expected = np.array([float(t) for t in texts])
    assert values.tobytes() == expected.tobytes()      # bit for bit, -0.0 included
    assert per_line.tolist() == [len(r.split()) for r in rows]
    assert fraction.tolist() == [d for _, d in numbers]


@pytest.mark.parametrize("text", [b"1e5 1.0", b"nan 1.0", b"1.0  2.0", b"1.0 2.0 ", b" 1.0",
                                  b"1.0\t2.0", b"1.0\r", b"1.0\n\n2.0", b"--1.0", b"1.-5", b".5",
                                  b"5.", b"5", b"1.2.3 4.0", b"0x1.0", b"1_0.0",
                                  b"1234567890.1234567", b""])
def test_block_parse_leaves_anything_but_plain_decimals_to_the_line_parser(text):
    assert _decimals.parse(text) is None


def test_blocks_read_like_lines_and_bad_lines_still_named(phoenix, tmp_path, monkeypatch):
    """Several blocks, a block that falls back (a line with an exponent), and a garbled line
    in a later block: the same clips as line-by-line parsing, the same one-line error."""
    lines = (phoenix / "dev.skels").read_text().splitlines()
    mixed = tmp_path / "m.skels"
    mixed.write_text("\n".join(lines + [lines[1].replace("0.", "0e0", 1)]) + "\n")
    monkeypatch.setattr(skels, "BLOCK_BYTES", 100_000)
    blocked = formats.read(mixed)
    monkeypatch.setattr(skels._decimals, "parse", lambda block: None)
    by_line = formats.read(mixed)
    assert len(blocked) == len(by_line) == 6
    for a, b in zip(blocked, by_line):
        assert a.joints.tobytes() == b.joints.tobytes() and a.meta == b.meta
    mixed.write_text("\n".join(lines + ["1.0 2.0 x"]) + "\n")
    monkeypatch.undo()
    with pytest.raises(BadInputError, match=r"m\.skels.*line 6.*value 3 'x' is not a number"):
        formats.read(mixed)


def test_lines_longer_than_a_block_are_gathered_and_bounded(phoenix, tmp_path, monkeypatch):
    """A line spanning many reads, a last line without its newline and `select` across blocks
    read as one read of the whole file does; a line over the limit is named by its number."""
    lines = (phoenix / "dev.skels").read_text().splitlines()
    whole = formats.read(phoenix / "dev.skels")
    ragged = tmp_path / "r.skels"
    ragged.write_text("\n".join(lines))            # no final newline
    monkeypatch.setattr(skels, "BLOCK_BYTES", 1000)  # every line spans dozens of reads
    pieces = formats.read(ragged)
    assert [s.joints.tobytes() for s in pieces] == [s.joints.tobytes() for s in whole]
    assert formats.read(ragged, select=4)[0].joints.tobytes() == whole[4].joints.tobytes()
    limit = len(lines[0]) + 10
    monkeypatch.setattr(skels, "MAX_LINE_BYTES", limit)
    over = next(i for i, line in enumerate(lines) if len(line) > limit)
    with pytest.raises(BadInputError, match=rf"line {over + 1}: line is longer than"):
        formats.read(ragged)
