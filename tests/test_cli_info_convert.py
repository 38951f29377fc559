"""`signllm info` and `signllm convert`, and the bad-input contract: one line on stderr naming
file, line or frame and what is wrong; exit 2; no traceback; no output file."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from signllm import formats
from signllm.cli import main


@pytest.fixture(scope="module")
def dev_skels(shared_data):
    return shared_data / "phoenix14t-pt-sample" / "dev.skels"


def _cli(*argv, env=None):
    return subprocess.run([sys.executable, "-m", "signllm", *map(str, argv)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


def test_info_phoenix_dev(dev_skels):
    result = _cli("info", dev_skels)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "5 sequences" in out and "(42, 111, 148, 142, 93)" in out
    assert "scale 1/3" in out and "counter pt" in out
    assert "text: tiefer luftdruck bestimmt in den nächsten tagen unser wetter ." in out
    assert "gloss: JETZT WETTER WIE-AUSSEHEN MORGEN FREITAG SECHSTE MAI ZEIGEN-BILDSCHIRM" in out
    assert "1.68 s" in out and "0.0% missing" in out


def test_info_json_covers_every_sample(shared_data, capsys):
    clip = next(p for p in (shared_data / "how2sign-openpose-sample").iterdir() if p.is_dir())
    assert main(["info", "--json", str(clip), str(shared_data / "dwpose-sample" / "npz"),
                 "--fps", "24"]) == 0
    infos = json.loads(capsys.readouterr().out)
    assert [i["format"] for i in infos] == ["openpose", "dwpose"]
    for info in infos:
        [seq] = info["sequences"]
        assert seq["fps"] == 24 and not seq["depth_known"] and seq["joints"] == 50
        assert seq["duration_s"] == pytest.approx(seq["frames"] / 24, abs=1e-3)


def test_convert_keeps_text_and_gloss_across_formats(dev_skels, tmp_path, capsys):
    assert main(["convert", str(dev_skels), str(tmp_path / "all.npz")]) == 0
    assert main(["convert", str(tmp_path / "all.npz"), str(tmp_path / "one"), "--to", "pose",
                 "--select", "3"]) == 0
    assert main(["convert", str(tmp_path / "one"), str(tmp_path / "back.skels"),
                 "--from", "pose", "--counter", "p2s"]) == 0
    capsys.readouterr()
    [seq] = formats.read(tmp_path / "back.skels")
    original = formats.read(dev_skels)[3]
    assert (seq.text, seq.gloss, seq.name) == (original.text, original.gloss, original.name)
    assert seq.meta["skels_counter"] == "p2s"
    np.testing.assert_allclose(seq.joints, original.joints, atol=1.1e-5)


def test_convert_multi_clip_to_pose_writes_numbered_files(dev_skels, tmp_path, capsys):
    assert main(["convert", str(dev_skels), str(tmp_path / "dev.pose")]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [f"dev-{i:03d}.pose" for i in range(5)]
    assert formats.read(tmp_path / "dev-002.pose")[0].num_frames == 148


def test_convert_openpose_folder_to_skels(shared_data, tmp_path, capsys):
    clip = next(p for p in (shared_data / "how2sign-openpose-sample").iterdir() if p.is_dir())
    assert main(["convert", str(clip), str(tmp_path / "h.skels"), "--language", "ase"]) == 0
    [seq] = formats.read(tmp_path / "h.skels")
    assert seq.num_frames == len(list(clip.glob("*_keypoints.json")))
    assert seq.name == clip.name


def test_info_lists_a_few_sequences_of_a_long_file(dev_skels, tmp_path):
    first = dev_skels.read_text().splitlines()[0]
    many = tmp_path / "many.skels"
    many.write_text((first + "\n") * 25)
    out = _cli("info", many).stdout
    assert "25 sequences, 1050 frames (42 to 42 per sequence, median 42)" in out
    assert "[9]" in out and "[10]" not in out and "... 15 more (--all lists them" in out
    assert "[24]" in _cli("info", many, "--all").stdout


@pytest.fixture
def bad_inputs(tmp_path, dev_skels):
    """name -> (path, words the message must contain)."""
    first = dev_skels.read_text().splitlines()[0]
    cases = {
        "truncated": ("t.skels", first[:5000], "line 1: 610 values, not a multiple of 151"),
        "garbled": ("g.skels", " ".join(first.split()[:30] + ["0.1x2"]),
                    "value 31 '0.1x2' is not a number"),
        "nan": ("n.skels", first.replace("0.16694", "nan", 1), "frame 0: value 7 is 'nan'"),
        "inf": ("i.skels", first + "\n" + first.replace("0.16694", "-inf", 1), "line 2"),
        "empty": ("e.skels", "", "file is empty"),
        "blank line": ("b.skels", first + "\n\n" + first, "line 2: empty line"),
        "spaces only": ("sp.skels", first + "\n  \t \n" + first, "line 2: empty line"),
        "float() but not numpy": ("us.skels", first.replace(" ", " 1_0 ", 1),
                                  "line 1: value 2 '1_0'"),
        "binary": ("bin.skels", b"\x00\xff\xfe", "line 1: byte 0xff"),
        "unknown ext": ("x.bvh", "x", "unknown extension '.bvh'"),
        "bad pose": ("p.pose", b"\x00" * 64, "not a readable .pose file"),
        "bad npz": ("z.npz", b"PK\x03\x04junk", "not a readable .npz archive"),
    }
    out = {}
    for name, (filename, content, words) in cases.items():
        path = tmp_path / filename
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        out[name] = (path, words)
    skels = tmp_path / "s.skels"
    skels.write_text(first + "\n" + first + "\n")
    (tmp_path / "s.gloss").write_text("ONE\n")
    out["sibling length"] = (skels, "s.gloss: has 1 lines but")
    utf = tmp_path / "u.skels"
    utf.write_text(first + "\n")
    (tmp_path / "u.text").write_bytes(b"gr\xfc\xdfe\n")
    out["non-utf8 sibling"] = (utf, "u.text, line 1: not UTF-8")
    frames = tmp_path / "openpose"
    frames.mkdir()
    for i in range(2):
        (frames / f"c_{i}_keypoints.json").write_text('{"people": []}')
    out["no people"] = (frames, "no person detected in any of its 2 frames")
    broken = tmp_path / "openpose2"
    broken.mkdir()
    (broken / "c_0_keypoints.json").write_text('{"people": [')
    out["broken json"] = (broken, "c_0_keypoints.json, line 1: not valid JSON")
    return out


def test_bad_input_one_line_exit_2_no_output(bad_inputs, tmp_path, capsys):
    for name, (path, words) in bad_inputs.items():
        target = tmp_path / "out" / "result.npz"
        code = main(["convert", str(path), str(target)])
        err = capsys.readouterr().err
        assert code == 2, name
        assert err.count("\n") == 1 and "Traceback" not in err, (name, err)
        assert words in err and str(path.with_suffix("")) in err, (name, err)  # or a sibling
        assert not target.exists() and not list(target.parent.glob("*")), name


def test_bad_input_through_the_real_command(bad_inputs):
    path, words = bad_inputs["nan"]
    result = _cli("info", path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("signllm info: error: ") and words in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_oversized_file_is_refused_before_reading(dev_skels):
    result = _cli("info", dev_skels, env={"SIGNLLM_MAX_FILE_BYTES": "1000"})
    assert result.returncode == 2
    assert "over the limit of 1,000 bytes" in result.stderr and str(dev_skels) in result.stderr


def test_writing_unwritable_format_is_refused(dev_skels, tmp_path, capsys):
    assert main(["convert", str(dev_skels), str(tmp_path / "o"), "--to", "openpose"]) == 2
    assert "can be read but not written" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
