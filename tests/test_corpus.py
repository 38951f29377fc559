"""The corpus builder on a small subset: Prompt2Sign layout, whole-word splits, readable .skels."""
import json

import pytest

from signllm.formats import read
from training.corpus.build import SPLITS, BuildOptions, build, main, split_of, word_key


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, shared_data):
    out = tmp_path_factory.mktemp("corpus")
    opts = BuildOptions(out, ("ase", "tsm"), {"train": 8, "dev": 3, "test": 3}, max_words=2,
                        seed=0, shared_data=shared_data, wordfreq_top=400)
    return out, build(opts, progress=False)


def test_layout_and_counts(corpus):
    out, manifest = corpus
    assert json.loads((out / "corpus.json").read_text())["languages"].keys() == {"ase", "tsm"}
    for language, sizes in (("ase", (8, 3, 3)), ("tsm", (8, 3, 3))):
        for split, size in zip(SPLITS, sizes):
            lines = {ext: (out / language / f"{split}.{ext}").read_text(encoding="utf-8").splitlines()
                     for ext in ("text", "gloss", "files")}
            assert all(len(v) == size for v in lines.values()), (language, split)
            sequences = read(out / language / f"{split}.skels")
            assert len(sequences) == size
            assert all(s.num_frames > 10 for s in sequences)
            assert all(g and "-" in g or len(g) == 1 for g in lines["gloss"])
            # the alignment: one count per gloss letter / mark, summing to the clip's frames
            durations = (out / language / f"{split}.durations").read_text().splitlines()
            for seq, gloss, line in zip(sequences, lines["gloss"], durations):
                counts = [int(x) for x in line.split()]
                assert len(counts) == len(gloss.replace("-", " ").split())
                assert sum(counts) == seq.num_frames and min(counts) >= 0
        assert manifest["languages"][language]["status"] == "real"


def test_splits_hold_out_whole_words(corpus):
    out, _ = corpus
    for language in ("ase", "tsm"):
        vocab = {s: set((out / language / f"{s}.words").read_text(encoding="utf-8").split())
                 for s in SPLITS}
        assert not vocab["train"] & vocab["test"] and not vocab["train"] & vocab["dev"]
        for split in SPLITS:
            for text in (out / language / f"{split}.text").read_text(encoding="utf-8").splitlines():
                for word in text.replace(",", " ").replace(".", " ").replace("?", " ").replace("!", " ").split():
                    assert split_of(word_key(word)) == split, (language, split, text)


def test_split_is_stable():
    assert split_of("hello") == split_of("hello")
    shares = [split_of(f"w{i}") for i in range(2000)]
    assert 0.75 < shares.count("train") / 2000 < 0.85


def test_cli_refuses_a_language_without_data(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "c"), "--languages", "kvk"]) == 2
    assert "KSL" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


def test_cli_refuses_an_empty_split_before_building(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--out", str(tmp_path / "c"), "--train", "0"])
    assert "at least 1 item" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()
