"""Training configs refuse misspelled keys (naming the key and the file), and every
`python -m training.*` entry point ends a user's mistake with one line and exit code 2."""
import pytest

from signllm.errors import BadInputError
from training.config import load_config


def test_a_valid_config_and_overrides_load(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("mode: prompt\nmodel: {size: tiny, d_model: 32}\ntrain: {max_steps: 7}\n")
    cfg = load_config(str(path), ["data.path=corpus", "train.lr=0.5"])
    assert (cfg["mode"], cfg["model"]["d_model"], cfg["train"]["max_steps"], cfg["train"]["lr"]) == \
        ("prompt", 32, 7, 0.5)
    assert cfg["train"]["batch_size"] == 8   # defaults kept beside the overrides


@pytest.mark.parametrize("text, key", [
    ("train: {max_step: 7}\n", "train.max_step"),
    ("trian: {max_steps: 7}\n", "trian"),
    ("model: {size: tiny, d_modle: 32}\n", "model.d_modle"),
    ("data: {path: x, langauges: [gsg]}\n", "data.langauges"),
])
def test_a_misspelled_key_in_a_file_is_an_error_naming_key_and_file(tmp_path, text, key):
    path = tmp_path / "run.yaml"
    path.write_text(text)
    with pytest.raises(BadInputError) as info:
        load_config(str(path), ["data.path=corpus"])
    assert f"'{key}'" in str(info.value) and "run.yaml" in str(info.value)


def test_a_misspelled_override_is_an_error_naming_it():
    with pytest.raises(BadInputError, match=r"--set train.max_step=5.*'train.max_step'"):
        load_config(None, ["data.path=corpus", "train.max_step=5"])


def test_broken_yaml_is_a_bad_input_error(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("train: {max_steps: [\n")
    with pytest.raises(BadInputError, match="not valid YAML"):
        load_config(str(path))


@pytest.mark.parametrize("module, argv", [
    ("training.train", ["--config", "no/such.yaml"]),
    ("training.evaluate", ["--model", "no/such.pt", "--corpus", "no/such"]),
    ("training.bundle", ["no/such.pt"]),
    ("training.calibration", ["no/such.pt", "--corpus", "no/such"]),
])
def test_entry_points_end_a_mistake_with_one_line_and_exit_2(capsys, module, argv):
    import importlib

    assert importlib.import_module(module).main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "no/such" in err[0]
