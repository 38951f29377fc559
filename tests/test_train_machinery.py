"""Training machinery on a synthetic corpus: both modes, MLSF freezing, kill -9 + resume,
torchrun with 2 CPU processes."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from signllm.errors import BadInputError
from signllm.generation import load_generator
from signllm.languages import get_language
from signllm.model import checkpoint as ckpt
from signllm.model.decoding import pad_ids
from signllm.request import resolve
from training import calibration
from training.data import read_split, tokenize, write_toy_corpus
from training.train import load_config, train

ROOT = Path(__file__).resolve().parents[1]
FAST = ["train.batch_size=6", "train.lr=0.005", "train.warmup_steps=5", "train.eval_every=1000",
        "train.save_every=1000"]


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return write_toy_corpus(tmp_path_factory.mktemp("toy"), ("gsg", "sgg"), clips=10)


def cfg(toy, *extra):
    return load_config(None, [f"data.path={toy}", *FAST, *extra])


def test_prompt_mode_trains_and_generates_from_a_prompt(toy, tmp_path):
    result = train(cfg(toy, "mode=prompt", "frontend=words", "data.input=text",
                       "train.max_steps=30"), tmp_path, progress=False)
    assert result["step"] == 30
    gen = load_generator("signllm", mode="prompt", checkpoint=tmp_path / "model.pt")
    request = resolve("Wie gebärdet man 'w01 w02' in DSGS?", generator="signllm",
                      frames=gen.prompt_frames, custom_model=True)
    stream = gen.stream(request.sentence, request.language)
    assert stream.info.language.code == "sgg"
    assert stream.info.gloss == "DSGS W01 DSGS W02"   # the LangGloss the model read
    frames = list(stream.frames)
    assert 1 <= len(frames) <= gen.model.config.max_frames
    assert frames[0].joints.shape == (50, 3) and frames[0].counter is not None
    assert (tmp_path / "metrics.csv").exists() and (tmp_path / "curves.png").exists()


def test_durations_decoder_learns_word_lengths_and_generates_them(toy, tmp_path):
    result = train(cfg(toy, "model.decoder=durations", "model.future_frames=1",
                       "train.max_steps=120", "train.eval_every=60"), tmp_path, progress=False)
    history = result["history"]
    assert history[-1]["duration_mse"] < 0.2 * history[0]["duration_mse"]
    # one toy batch's joint loss is noisy (0.3-0.9 late in the run): compare averages
    mean_joint = lambda rows: sum(r["joint_mse"] for r in rows) / len(rows)  # noqa: E731
    assert mean_joint(history[-10:]) < 0.75 * mean_joint(history[:5])
    gen = load_generator("signllm", mode="mlsf", checkpoint=tmp_path / "model.pt")
    frames = list(gen.stream("W01 W02 W03", get_language("gsg")).frames)
    assert abs(len(frames) - 3 * 8) <= 3          # every toy word lasts 8 frames
    assert frames[-1].counter == 1.0
    # the length calibration (fitted at validation on training clips) makes predicted frames
    # sum to the clips' real frames; the command re-fits a checkpoint in place
    model = ckpt.load(tmp_path / "model.pt")
    assert set(model.meta["duration_scale"]) == {"gsg", "sgg"}
    model.net.group("gsg").duration_scale.fill_(3.0)
    ckpt.save(model.to_dict(), tmp_path / "off.pt")
    assert calibration.main([str(tmp_path / "off.pt"), "--corpus", str(toy)]) == 0
    refit = ckpt.load(tmp_path / "off.pt")
    examples = read_split({"gsg": toy / "gsg"}, "train", "mlsf", "given", {})
    tokenize(examples, refit.tokenizer, refit.config.max_tokens)
    group = refit.net.group("gsg").eval()
    src, pad = pad_ids([e.ids for e in examples])
    with torch.no_grad():
        predicted = float(group.predicted_frames(group.memory(src, pad), pad).sum())
    assert predicted == pytest.approx(sum(len(e.frames) for e in examples), rel=1e-3)


def test_durations_decoder_without_durations_says_what_is_missing(toy, tmp_path):
    import shutil
    bare = tmp_path / "bare"
    shutil.copytree(toy, bare)
    for path in bare.glob("*/*.durations"):
        path.unlink()
    with pytest.raises(BadInputError, match="durations"):
        train(cfg(bare, "model.decoder=durations", "model.future_frames=1", "train.max_steps=2"),
              tmp_path / "out", progress=False)


def test_validation_covers_every_language_and_only_the_trained_ones(toy, tmp_path):
    from training.train import Trainer
    both = Trainer(cfg(toy, "train.max_eval=4"), tmp_path / "a", progress=False)
    assert [e.language for e in both.dev_set] == ["gsg", "sgg", "gsg", "sgg"]
    one = Trainer(cfg(toy, "train.max_eval=2", "train.train_languages=sgg"), tmp_path / "b",
                  progress=False)   # the first 2 dev clips read are gsg ones
    assert [e.language for e in one.dev_set] == ["sgg", "sgg"]
    assert not {id(e) for e in one.dev_set} & {id(e) for e in one.train_set}   # dev clips, not training


def test_mlsf_training_one_group_leaves_the_others_bit_identical(toy, tmp_path):
    train(cfg(toy, "train.max_steps=5"), tmp_path / "a", progress=False)
    before = ckpt.read(tmp_path / "a" / "model.pt")["state_dict"]
    train(cfg(toy, "train.max_steps=10", f"train.init={tmp_path / 'a' / 'model.pt'}",
              "train.train_languages=sgg"), tmp_path / "b", progress=False)
    after = ckpt.read(tmp_path / "b" / "model.pt")["state_dict"]
    assert set(before) == set(after)
    frozen = [k for k in before if k.startswith("groups.gsg.")]
    trained = [k for k in before if k.startswith("groups.sgg.")]
    assert frozen and trained
    assert all(torch.equal(before[k], after[k]) for k in frozen)
    assert any(not torch.equal(before[k], after[k]) for k in trained)
    gen = load_generator("signllm", checkpoint=tmp_path / "b" / "model.pt")
    assert gen.generate("W10 W11", "sgg").num_frames > 0


def _cli(toy, out, steps, *extra):
    return [sys.executable, "-m", "training.train", "--quiet", "--out", str(out),
            "--set", f"data.path={toy}", *[a for s in FAST for a in ("--set", s)],
            "--set", f"train.max_steps={steps}", "--set", "train.save_every=5",
            "--set", "plc.enabled=true", "--set", "rl.enabled=true", "--set", "plc.warmup_steps=0",
            "--set", "train.noise_factor=1.0", *extra]


def test_kill_9_then_resume_ends_with_the_uninterrupted_parameters(toy, tmp_path):
    steps = 40
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(_cli(toy, tmp_path / "full", steps), check=True, cwd=ROOT, env=env,
                   capture_output=True, timeout=240)
    proc = subprocess.Popen(_cli(toy, tmp_path / "cut", steps), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    last = tmp_path / "cut" / "last.pt"
    deadline = time.time() + 120
    while not last.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    cut_at = ckpt.read(last)["step"]
    assert cut_at < steps, "the run finished before it could be killed"
    subprocess.run(_cli(toy, tmp_path / "cut", steps, "--resume"), check=True, cwd=ROOT, env=env,
                   capture_output=True, timeout=240)
    a = ckpt.read(tmp_path / "full" / "last.pt")
    b = ckpt.read(last)
    assert a["step"] == b["step"] == steps
    for key, value in a["model"]["state_dict"].items():
        assert torch.allclose(value, b["model"]["state_dict"][key], atol=1e-6, rtol=0), key


def test_torchrun_two_cpu_processes_write_a_checkpoint_that_generates(toy, tmp_path):
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
                "--master_port", "29517"]
    cmd = torchrun + _cli(toy, tmp_path, 10)[1:]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    state = ckpt.read(tmp_path / "last.pt")
    assert state["step"] == 10
    gen = load_generator("signllm", checkpoint=tmp_path / "model.pt")
    assert gen.generate("W01", "gsg").num_frames > 0


def test_repeat_weight_weights_the_frames_of_a_repeated_token_and_needs_durations(toy, tmp_path):
    from training.losses import repeat_frame_weights
    from training.train import Trainer
    src = torch.tensor([[5, 7, 7, 9]])          # the second 7 repeats the first
    durations = torch.tensor([[2, 3, 2, 1]])
    assert repeat_frame_weights(src, durations, 8, 4.0).tolist() == [[1, 1, 1, 1, 1, 4, 4, 1]]
    with pytest.raises(BadInputError, match="durations decoder"):
        Trainer(cfg(toy, "train.repeat_weight=3"), tmp_path / "a", progress=False)
    with pytest.raises(BadInputError, match="> 0"):
        Trainer(cfg(toy, "model.decoder=durations", "model.future_frames=1",
                    "train.repeat_weight=0"), tmp_path / "b", progress=False)


def _in_tmpfs(tmp_path, options, argv):
    """Run argv in a private mount namespace with a fresh tmpfs (mount options) at tmp_path/mnt;
    returns (process, the files left in the tmpfs afterwards)."""
    if os.geteuid() != 0 or subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode:
        pytest.skip("needs root and unshare -m for a private tmpfs")
    mnt, listing = tmp_path / "mnt", tmp_path / "left.txt"
    mnt.mkdir()
    script = ('mount -t tmpfs -o "$1" tmpfs "$2" || exit 99; m="$2"; l="$3"; shift 3; "$@"; '
              'rc=$?; find "$m" -mindepth 1 -printf "%P\\n" > "$l"; exit $rc')
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", options, str(mnt),
                           str(listing), *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=240, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if proc.returncode == 99:
        pytest.skip(f"tmpfs mount not permitted: {proc.stderr.strip()[:200]}")
    return proc, sorted(filter(None, listing.read_text().splitlines()))


@pytest.mark.parametrize("options", ["size=64k", "ro,size=1m"], ids=["disk full", "read-only"])
def test_training_into_a_full_or_read_only_folder_is_one_error_and_leaves_nothing(
        toy, tmp_path, options):
    proc, left = _in_tmpfs(tmp_path, options, _cli(toy, tmp_path / "mnt" / "run", 2))
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "run" in last, last
    assert left == [], left   # no model.pt, last.pt, temporaries or empty folder


def test_a_full_disk_that_holds_model_pt_but_not_last_pt_leaves_neither(toy, tmp_path):
    """model.pt and last.pt are written together: never one without the other."""
    subprocess.run(_cli(toy, tmp_path / "probe", 2), check=True, cwd=ROOT, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=240)
    sizes = {p.name: p.stat().st_size for p in (tmp_path / "probe").iterdir()}
    room = sizes["model.pt"] + sizes["last.pt"] // 2   # model.pt fits, last.pt does not
    proc, left = _in_tmpfs(tmp_path, f"size={room}", _cli(toy, tmp_path / "mnt" / "run", 2))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "last.pt" in proc.stderr.strip().splitlines()[-1]
    assert left == [], left


def test_resume_removes_temporaries_of_a_killed_write_and_new_ones_never_match_pt(toy, tmp_path):
    out = tmp_path / "run"
    train(cfg(toy, "train.max_steps=2"), out, progress=False)
    stale = [out / ".last.pt.ab12cd_3.pt", out / ".model.pt.zzzzzzzz.tmp",
             out / ".metrics.csv.k2k2k2k2.csv"]
    kept = [out / ".notes.ab12cd_3.txt", out / "keep.pt"]
    for path in stale + kept:
        path.write_bytes(b"partial")
    train(cfg(toy, "train.max_steps=4"), out, resume=True, progress=False)
    assert not any(p.exists() for p in stale) and all(p.exists() for p in kept)
    assert ckpt.read(out / "last.pt")["step"] == 4
    assert sorted(p.name for p in out.glob("*.pt")) == ["keep.pt", "last.pt", "model.pt"]


def test_checkpoint_temporaries_end_in_tmp_and_vanish_when_a_write_fails(tmp_path, monkeypatch):
    from signllm.errors import ModelError
    seen = []

    def failing_save(obj, path):
        seen.append(Path(path).name)
        Path(path).write_bytes(b"half")
        raise RuntimeError("PytorchStreamWriter failed writing file data/0: file write failed")
    monkeypatch.setattr(torch, "save", failing_save)
    with pytest.raises(ModelError, match="last.pt.*file write failed"):
        ckpt.save_together([({}, tmp_path / "last.pt")])
    assert seen and seen[0].startswith(".last.pt.") and seen[0].endswith(".tmp")
    assert list(tmp_path.iterdir()) == []


def test_a_checkpoint_bundled_for_one_language_signs_it_and_the_main_one_the_rest(
        toy, tmp_path, monkeypatch):
    """The lexical DSGS group has its own vocabulary and front-end: bundled as mlsf.sgg.pt it
    signs sgg while mlsf.pt keeps signing the other languages."""
    from signllm import coverage
    from signllm.model import generator
    from training.bundle import bundle

    train(cfg(toy, "train.max_steps=2"), tmp_path / "main", progress=False)
    train(cfg(toy, "train.max_steps=2", "frontend=words", "data.input=text",
                    "data.languages=[sgg]"), tmp_path / "own", progress=False)
    assets = tmp_path / "assets"
    with pytest.raises(BadInputError, match="not gsg"):
        bundle(tmp_path / "own" / "model.pt", assets, language="gsg")
    bundle(tmp_path / "main" / "model.pt", assets)
    entry = bundle(tmp_path / "own" / "model.pt", assets, language="sgg")
    assert entry["file"] == "mlsf.sgg.pt" and entry["mode"] == "mlsf" and entry["languages"] == ["sgg"]
    monkeypatch.setattr(coverage, "resources", type("R", (), {"files": staticmethod(lambda _: assets)}))
    monkeypatch.setattr(generator, "ASSETS", assets)
    coverage.bundled_models.cache_clear()
    try:
        assert set(coverage.language_checkpoints("mlsf")) == {"sgg"}
        assert coverage.language_checkpoints("prompt") == {}
        gen = generator.load_signllm_generator("mlsf", face=False)
        infos = {code: gen.stream("Hallo Welt", get_language(code)).info for code in ("gsg", "sgg")}
    finally:
        coverage.bundled_models.cache_clear()
    assert infos["gsg"].model == "mlsf.pt" and infos["sgg"].model == "mlsf.sgg.pt"
    assert infos["sgg"].gloss == "HALLO WELT"     # the words front-end of the sgg checkpoint
    assert infos["gsg"].gloss != infos["sgg"].gloss
    assert len(gen.generate_many(["Hallo Welt"], "sgg")) == 1


def test_extra_validation_scorers_see_every_dev_pose_with_its_example(toy, tmp_path):
    seen = []

    def scorer(hyps, examples):
        seen.append([(h.shape[1:], e.name) for h, e in zip(hyps, examples)])
        return {"val_count": len(hyps)}
    result = train(cfg(toy, "train.max_steps=4", "train.eval_every=2"), tmp_path, progress=False,
                   scorers=(scorer,))
    rows = [r for r in result["history"] if "val_dtw" in r]
    assert [r["step"] for r in rows] == [2, 4] and len(seen) == 2
    dev = read_split({lang: toy / lang for lang in ("gsg", "sgg")}, "dev", "mlsf", "given", {})
    assert all(r["val_count"] == len(dev) for r in rows)
    assert sorted(name for _, name in seen[0]) == sorted(e.name for e in dev)
    assert all(shape == (50, 3) for shape, _ in seen[0])
