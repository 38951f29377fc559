"""`signllm generate` and `signllm languages` end to end (lexicon generator; no network)."""
import json

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
