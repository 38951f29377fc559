"""`signllm generate` and `signllm languages` end to end (lexicon generator and the bundled
SignLLM models; no network)."""
import json

import numpy as np
import pytest

from signllm.cli import main
from signllm.fingerspelling import covered_languages
from signllm.formats import read


@pytest.mark.parametrize("suffix", [".pose", ".skels", ".npz"])
def test_generate_writes_a_readable_file(tmp_path, capsys, suffix):
    out = tmp_path / f"hello{suffix}"
    assert main(["generate", "Hello world", "--lang", "ase", "--generator", "lexicon",
                 "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "gloss:     H-E-L-L-O W-O-R-L-D" in printed and "'world': fingerspelled" in printed
    seq = read(out)[0]
    assert seq.num_frames > 25


@pytest.mark.parametrize("language", sorted(covered_languages()))
def test_generate_every_covered_language(tmp_path, capsys, language):
    out = tmp_path / "x.pose"
    assert main(["generate", "Salam", "--lang", language, "--generator", "lexicon", "--seed", "1",
                 "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert read(out)[0].num_frames > 10
    assert ("PROXY" in printed) == (language == "slf")


def test_no_data_language_exits_2_with_instructions(tmp_path, capsys):
    out = tmp_path / "x.pose"
    assert main(["generate", "hello", "--lang", "kvk", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "KSL" in err and "--lexicon" in err and "Prompt2Sign" in err
    assert not out.exists()


def test_unknown_extension_is_refused_before_writing(tmp_path, capsys):
    assert main(["generate", "hi", "--lang", "ase", "--generator", "lexicon",
                 "-o", str(tmp_path / "x.txt")]) == 2
    assert "extension" in capsys.readouterr().err


def test_prompt_names_sentence_and_language(tmp_path, capsys):
    out = tmp_path / "p.pose"
    assert main(["generate", "How do you sign 'hello' in ASL?", "--generator", "lexicon",
                 "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "(ase)" in printed and "gloss:     H-E-L-L-O" in printed


def test_languages_table_and_json(capsys):
    assert main(["languages"]) == 0
    table = capsys.readouterr().out
    assert "PROXY" in table and "kvk" in table
    assert main(["languages", "--json"]) == 0
    rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["slf"]["data"] == "proxy" and rows["slf"]["alphabet"] == "ise"
    assert rows["kvk"]["data"] == "none" and rows["ase"]["data"] == "real"


def _bundled(mode):
    from signllm.coverage import bundled_models

    entry = bundled_models().get(mode)
    if entry is None:
        pytest.fail(f"no bundled {mode} model in signllm/assets/models (python -m training.bundle)")
    return entry


@pytest.mark.parametrize("mode", ["mlsf", "prompt"])
def test_bundled_models_generate_every_language_they_cover_and_stop_on_their_own(tmp_path, capsys, mode):
    from signllm.generation import load_generator

    entry = _bundled(mode)
    assert set(entry["languages"]) == set(covered_languages())
    generator = load_generator("signllm", mode=mode)
    for language in entry["languages"]:
        out = tmp_path / f"{language}.pose"
        assert main(["generate", "Salam", "--lang", language, "--generator", "signllm",
                     "--mode", mode, "-o", str(out)]) == 0
        assert f"generator: signllm [{mode}]" in capsys.readouterr().out
        seq = read(out)[0]
        # five letters at ~3.6 letters/s is ~35 frames; the guard is 600
        assert 15 < seq.num_frames < 150, (language, seq.num_frames)
        assert np.isfinite(seq.joints).all()
    many = generator.generate_many(["ab", "Salam dunya"], "ase")
    assert many[0].num_frames < many[1].num_frames


def test_unquoted_prompt_through_the_bundled_prompt_model(capsys):
    assert _bundled("prompt")["prompt_frames"]
    assert main(["generate", "How do you sign good morning?", "--generator", "signllm"]) == 0
    printed = capsys.readouterr().out
    assert "(ase)" in printed and "sentence:  good morning" in printed
    assert "gloss:     ASL G-O-O-D ASL M-O-R-N-I-N-G" in printed


def test_demo_writes_keypoints_animation_and_preview(tmp_path, capsys):
    from signllm.coverage import bundled_models

    assert main(["demo", "--out", str(tmp_path / "demo")]) == 0
    stems = ["hello"] + (["hello-signllm"] if "mlsf" in bundled_models() else [])
    for stem in stems:
        assert read(tmp_path / "demo" / f"{stem}.pose")[0].num_frames > 20
        for suffix in (".glb", ".bvh", ".gif"):
            assert (tmp_path / "demo" / f"{stem}{suffix}").stat().st_size > 1000
    assert "H-E-L-L-O W-O-R-L-D" in capsys.readouterr().out
