"""One request path (signllm.request): the CLI and the server resolve a request the same way, a
prompt is parsed once, and prompt frames cost no torch import."""
import subprocess
import sys
from pathlib import Path

import pytest

from signllm.errors import BadInputError, NoDataError
from signllm.prompt_frames import PromptFrames, bundled_frames
from signllm.request import resolve

ROOT = Path(__file__).resolve().parents[1]


def test_quoted_prompt_gives_sentence_language_and_prompt_mode():
    request = resolve("How do you sign 'good morning' in ASL?", generator="signllm")
    assert (request.sentence, request.language.code, request.mode, request.was_prompt) == \
        ("good morning", "ase", "prompt", True)
    assert "prompt" in request.coverage.models


def test_unquoted_prompt_reads_with_the_bundled_frames():
    request = resolve("How do you sign good morning?")
    assert (request.sentence, request.language.code, request.mode) == ("good morning", "ase", "")


def test_plain_text_with_a_language_is_not_parsed():
    request = resolve("how do you do", "gsg", generator="signllm")
    assert (request.sentence, request.mode, request.was_prompt) == ("how do you do", "mlsf", False)


def test_server_text_field_is_never_a_prompt_and_its_prompt_field_always_is():
    text = "How do you sign 'hello' in ASL?"
    assert resolve(text, "ase", prompt=False).sentence == text
    request = resolve(text, "gsg", prompt=True, generator="signllm", mode="prompt")
    assert (request.sentence, request.language.code) == ("hello", "gsg")  # the given language wins


def test_a_custom_models_frames_read_the_prompt_and_skip_the_coverage_check():
    frames = PromptFrames.learn(["show me {} please"])
    request = resolve("show me wetter morgen please", "kvk", generator="signllm", mode="prompt",
                      frames=frames, custom_model=True)
    assert request.sentence == "wetter morgen"
    with pytest.raises(NoDataError, match="KSL"):
        resolve("hallo", "kvk", generator="signllm")


@pytest.mark.parametrize("call, message", [
    (lambda: resolve("hello"), "no sign language"),
    (lambda: resolve("'   ' in ASL?", generator="lexicon"), "no sign language"),
    (lambda: resolve("hello", "ase", generator="magic"), "unknown generator"),
    (lambda: resolve("hello", "ase", mode="fast"), "mode must be"),
])
def test_bad_requests_name_what_is_wrong(call, message):
    with pytest.raises(BadInputError, match=message):
        call()


def test_bundled_frames_json_is_the_prompt_checkpoints_frames():
    from signllm.coverage import bundled_model_path
    from signllm.model import checkpoint as ckpt

    assert bundled_frames() == ckpt.load(bundled_model_path("prompt")).prompt_frames


def test_lexicon_with_an_unquoted_prompt_never_imports_torch(tmp_path):
    code = ("import sys; from signllm.cli import main; "
            "rc = main(['generate', 'Wie geht es dir?', '--lang', 'gsg', '-o', sys.argv[1]]); "
            "assert rc == 0; assert 'torch' not in sys.modules, 'torch was imported'")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.pose")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "sentence:  Wie geht es dir?" in done.stdout


def test_a_custom_checkpoint_loads_once_and_reads_the_prompt(monkeypatch, capsys):
    from signllm.cli import main
    from signllm.coverage import bundled_model_path
    from signllm.model import checkpoint as ckpt

    loads = []
    real = ckpt.load
    monkeypatch.setattr(ckpt, "load", lambda path, *a, **k: loads.append(path) or real(path, *a, **k))
    assert main(["generate", "How do you sign good morning?", "--generator", "signllm",
                 "--model", str(bundled_model_path("prompt"))]) == 0
    assert len(loads) == 1
    printed = capsys.readouterr().out
    assert "sentence:  good morning" in printed and "gloss:     ASL G-O-O-D ASL M-O-R-N-I-N-G" in printed
