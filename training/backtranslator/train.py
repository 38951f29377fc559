"""Train the back-translator on ground-truth poses of a Prompt2Sign-format corpus.

    python -m training.backtranslator.train --config training/configs/backtranslator_default.yaml \
        --corpus CORPUS_DIR --out runs/bt            # stage 1 then stage 2
    python -m training.backtranslator.train ... --stage 2   # stage 2 from OUT/stage1.pt
    python -m training.backtranslator.train --config ... --stage lm --text sentences.txt --out runs/lm

Stage 1 writes OUT/stage1.pt, stage 2 OUT/backtranslator.pt (the file `signllm evaluate
--backtranslator` takes). `--stage lm` pretrains the causal LM alone on a text file; point a
config's `lm_checkpoint` at its OUT/lm.pt to start stage 2 from it (nothing is downloaded).
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from signllm.errors import BadInputError, NoDataError
from signllm.pose import PoseSequence
from training.entry import entry_point

from .checkpoint import pad_features, read_checkpoint, save_checkpoint, save_lm, LM_FORMAT
from .features import pose_features
from .model import ModelConfig
from .text import encode, tokenizer_from_json, train_tokenizer

log = logging.getLogger(__name__)


@dataclass
class StageConfig:
    steps: int = 2000
    batch_size: int = 16
    lr: float = 1e-3
    weight_decay: float = 0.01
    noise: float = 0.01        # std of Gaussian noise added to the normalised features
    speed: float = 0.2         # clips are resampled in time by a factor in [1-speed, 1+speed]
    light_weight: float = 1.0  # stage 1: weight of the light translator's loss beside the BCE
    gate_lr_scale: float = 10.0  # stage 2: learning-rate factor of the zero-initialised gates
    bucket: int = 1            # length bucketing: batches drawn from a pool of bucket x batch_size


@dataclass
class TrainConfig:
    corpus: str | None = None
    train_split: str = "train"
    dev_split: str = "dev"
    spoken_lang: str | None = None  # default: the spoken language of the corpus's sign language
    seed: int = 0
    max_glosses: int = 2000         # most frequent pseudo-glosses that get a prototype
    lm_checkpoint: str | None = None  # a causal LM made by `--stage lm`, used in stage 2
    freeze_lm: bool = True          # with lm_checkpoint: train only adapter + cross-attention
    model: ModelConfig = field(default_factory=ModelConfig)
    stage1: StageConfig = field(default_factory=StageConfig)
    stage2: StageConfig = field(default_factory=StageConfig)
    lm: StageConfig = field(default_factory=StageConfig)

    @classmethod
    def from_dict(cls, raw: dict) -> "TrainConfig":
        raw = dict(raw or {})
        nested = {"model": ModelConfig, "stage1": StageConfig, "stage2": StageConfig,
                  "lm": StageConfig}
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(raw) - known
        if unknown:
            raise BadInputError(f"unknown config keys: {', '.join(sorted(unknown))}")
        for key, kind in nested.items():
            sub = raw.get(key) or {}
            bad = set(sub) - {f.name for f in dataclasses.fields(kind)}
            if bad:
                raise BadInputError(f"unknown keys in config section {key!r}: {', '.join(sorted(bad))}")
            raw[key] = kind(**sub)
        return cls(**raw)


def load_config(path) -> TrainConfig:
    import yaml
    path = Path(path)
    try:
        return TrainConfig.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise BadInputError(f"cannot read config: {exc}", path=path) from None


def load_split(corpus, split: str) -> list[PoseSequence]:
    """The clips of CORPUS/SPLIT.skels (with .text siblings), or of a .skels file itself."""
    from signllm import formats
    from signllm.languages import language_codes
    corpus = Path(corpus)
    path = corpus if corpus.is_file() else corpus / f"{split}.skels"
    seqs = formats.read(path)
    folder = path.parent.name  # the default corpus keeps each language in CORPUS/<iso 639-3>/
    for seq in seqs:
        if not seq.language and folder in language_codes():
            seq.language = folder
    missing = [i for i, s in enumerate(seqs) if not (s.text or "").strip()]
    if missing:
        raise BadInputError(f"clip {missing[0]} has no text (a .text sibling is needed)", path=path)
    return seqs


def spoken_language(seqs: Sequence[PoseSequence], override: str | None) -> str:
    from signllm.pseudogloss import resolve_spoken
    if override:
        return resolve_spoken(override)
    langs = {s.language for s in seqs if s.language}
    if len(langs) != 1:
        raise BadInputError("cannot tell the corpus's spoken language "
                            f"(clips name {sorted(langs) or 'none'}); set spoken_lang in the config")
    return resolve_spoken(langs.pop())


@dataclass
class Example:
    feats: np.ndarray
    tokens: list[int]
    glosses: list[int]


def make_examples(seqs, tokenizer, gloss_index: dict[str, int], spoken_lang: str,
                  max_tokens: int) -> list[Example]:
    from signllm.pseudogloss import pseudo_gloss
    out = []
    for s in seqs:
        glosses = sorted({gloss_index[g] for g in pseudo_gloss(s.text, spoken_lang) if g in gloss_index})
        out.append(Example(pose_features(s), encode(tokenizer, s.text, max_tokens), glosses))
    return out


def _resample(feats: np.ndarray, factor: float) -> np.ndarray:
    n = max(2, int(round(len(feats) * factor)))
    src = np.linspace(0, len(feats) - 1, n)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, len(feats) - 1)
    w = (src - lo)[:, None]
    return ((1 - w) * feats[lo] + w * feats[hi]).astype(np.float32)


def collate(batch: list[Example], n_glosses: int, stage: StageConfig, rng: np.random.Generator):
    import torch
    feats = []
    for ex in batch:
        f = ex.feats
        if stage.speed > 0 and len(f) > 1:
            f = _resample(f, rng.uniform(1 - stage.speed, 1 + stage.speed))
        feats.append(f + rng.normal(0, stage.noise, f.shape).astype(np.float32) if stage.noise else f)
    x, pad = pad_features(feats)
    longest = max(len(ex.tokens) for ex in batch)
    tokens = torch.zeros(len(batch), longest, dtype=torch.long)
    multi_hot = torch.zeros(len(batch), n_glosses)
    for i, ex in enumerate(batch):
        tokens[i, :len(ex.tokens)] = torch.tensor(ex.tokens)
        multi_hot[i, ex.glosses] = 1.0
    return x, pad, tokens, multi_hot


def run_stage(name: str, params, loss_fn, examples: list[Example], n_glosses: int,
              stage: StageConfig, seed: int, progress: bool, fast_params=()) -> list[dict]:
    """Plain AdamW loop over random batches; returns the loss history (every 10 steps).

    `fast_params` (the cross-attention gates) learn at `gate_lr_scale` x the rate: a gate
    starting at 0 must open before its cross-attention receives any gradient, and in a short
    run at the base rate the LM settles as an unconditional LM first.
    """
    import torch
    from tqdm import tqdm
    fast = {id(p) for p in fast_params}
    slow = [p for p in params if p.requires_grad and id(p) not in fast]
    groups = [{"params": slow, "lr": stage.lr}]
    if fast:
        groups.append({"params": list(fast_params), "lr": stage.lr * stage.gate_lr_scale,
                       "weight_decay": 0.0})
    params = [p for g in groups for p in g["params"]]
    optim = torch.optim.AdamW(groups, lr=stage.lr, weight_decay=stage.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(optim, max_lr=[g["lr"] for g in groups],
                                                total_steps=max(stage.steps, 1), pct_start=0.1)
    rng = np.random.default_rng(seed)
    # Batches of clips of similar length: draw `bucket` batches' worth at random, sort them by
    # length and keep a random run of one batch. Padding would otherwise dominate the cost when
    # clip lengths vary several-fold; on a small corpus, where the pool is the whole corpus,
    # sorted batches repeat and generalise worse, so bucket = 1 (plain random batches) there.
    lengths = np.array([len(ex.feats) for ex in examples])
    size = min(stage.batch_size, len(examples))
    history = []
    bar = tqdm(range(stage.steps), desc=name, disable=not progress, leave=False)
    for step in bar:
        pool = rng.choice(len(examples), size=min(stage.bucket * size, len(examples)), replace=False)
        pool = pool[np.argsort(lengths[pool], kind="stable")]
        idx = pool[int(rng.integers(0, len(pool) - size + 1)):][:size]
        losses = loss_fn(*collate([examples[i] for i in idx], n_glosses, stage, rng))
        loss = sum(losses.values())
        optim.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optim.step()
        sched.step()
        if step % 10 == 0 or step == stage.steps - 1:
            values = {k: float(v.detach()) for k, v in losses.items()}
            history.append({"stage": name, "step": step, **values})
            bar.set_postfix({k: f"{v:.3f}" for k, v in values.items()})
    return history


def _seed(seed: int) -> None:
    import torch
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def dev_scores(model_path, dev: Sequence[PoseSequence], spoken_lang: str) -> dict:
    from signllm.text_metrics import translation_scores
    from .checkpoint import load_backtranslator
    hyps = load_backtranslator(model_path).translate(dev)
    scores = translation_scores(hyps, [s.text for s in dev], spoken_lang)
    return {"bleu4": scores["bleu4"], "chrf": scores["chrf"], "gloss_f1": scores["gloss_f1"]}


def train_stage1(train: Sequence[PoseSequence], cfg: TrainConfig, out_dir, dev=(),
                 progress: bool = False) -> Path:
    """Build tokenizer, gloss prototypes and model; train encoder + prototype head + light translator."""
    import torch
    from signllm.pseudogloss import pseudo_gloss
    from .model import BackTranslator
    from .prototypes import word_vectors
    if not train:
        raise NoDataError("no training clips")
    _seed(cfg.seed)
    lang = spoken_language(train, cfg.spoken_lang)
    mcfg = dataclasses.replace(cfg.model)
    lm_data = None
    if cfg.lm_checkpoint:
        lm_data = read_checkpoint(cfg.lm_checkpoint, LM_FORMAT)
        tokenizer = tokenizer_from_json(lm_data["tokenizer"])
        lm_cfg = lm_data["model_config"]
        mcfg = dataclasses.replace(mcfg, **{k: lm_cfg[k] for k in
                                            ("lm_d_model", "lm_heads", "lm_layers", "max_text_tokens")})
    else:
        tokenizer = train_tokenizer((s.text for s in train), mcfg.vocab_size)
    counts = Counter(g for s in train for g in pseudo_gloss(s.text, lang))
    glosses = [g for g, _ in counts.most_common(cfg.max_glosses)]
    model = BackTranslator(mcfg, tokenizer.get_vocab_size(),
                           torch.from_numpy(word_vectors(glosses, mcfg.vec_dim)).reshape(-1, mcfg.vec_dim))
    if lm_data is not None:
        model.lm.load_state_dict(lm_data["state_dict"])
    index = {g: i for i, g in enumerate(glosses)}
    examples = make_examples(train, tokenizer, index, lang, mcfg.max_text_tokens)
    log.info("stage 1: %d clips, %d pseudo-glosses, vocab %d, spoken %s", len(train), len(glosses),
             tokenizer.get_vocab_size(), lang)

    def loss_fn(x, pad, tokens, multi_hot):
        ce, bce = model.stage1_losses(x, pad, tokens, multi_hot)
        return {"ce": cfg.stage1.light_weight * ce, "bce": bce}

    model.train()
    params = [*model.encoder.parameters(), *model.proto_head.parameters(), *model.light.parameters()]
    history = run_stage("stage1", params, loss_fn, examples, len(glosses), cfg.stage1, cfg.seed, progress)
    path = save_checkpoint(Path(out_dir) / "stage1.pt", model.eval(), tokenizer, glosses, lang, 1,
                           config_dict(cfg), history)
    if dev:
        history.append({"stage": "stage1", "dev": dev_scores(path, dev, lang)})
        path = save_checkpoint(path, model, tokenizer, glosses, lang, 1, config_dict(cfg), history)
    return path


def train_stage2(stage1_path, cfg: TrainConfig, train: Sequence[PoseSequence], out_dir, dev=(),
                 progress: bool = False) -> Path:
    """Freeze the encoder; train the LM (or, from a pretrained LM, only adapter + gated x-attn)."""
    from .checkpoint import build_model
    data = read_checkpoint(stage1_path)
    model, tokenizer = build_model(data)
    lang, glosses = data["spoken_lang"], data["glosses"]
    _seed(cfg.seed + 1)
    for p in model.encoder.parameters():
        p.requires_grad_(False)
    examples = make_examples(train, tokenizer, {}, lang, model.cfg.max_text_tokens)
    if cfg.lm_checkpoint and cfg.freeze_lm:
        params = [*model.adapter.parameters(), *model.lm.cross_attention_parameters()]
    else:
        params = [*model.adapter.parameters(), *model.lm.parameters()]
    model.train()
    model.encoder.eval()  # frozen: no dropout either
    history = list(data["history"]) + run_stage(
        "stage2", params, lambda x, pad, tokens, _: {"ce": model.stage2_loss(x, pad, tokens)},
        examples, 0, cfg.stage2, cfg.seed + 1, progress,
        fast_params=[b.xattn.gate for b in model.lm.blocks])
    path = save_checkpoint(Path(out_dir) / "backtranslator.pt", model.eval(), tokenizer, glosses,
                           lang, 2, config_dict(cfg), history)
    if dev:
        history.append({"stage": "stage2", "dev": dev_scores(path, dev, lang)})
        path = save_checkpoint(path, model, tokenizer, glosses, lang, 2, config_dict(cfg), history)
    return path


def train_lm(texts: Sequence[str], cfg: TrainConfig, out_dir, progress: bool = False) -> Path:
    """Pretrain the causal LM alone on sentences (its own tokenizer), for `lm_checkpoint`."""
    import torch
    from .model import CausalLM
    texts = [t.strip() for t in texts if t.strip()]
    if not texts:
        raise NoDataError("no sentences to pretrain the language model on")
    _seed(cfg.seed)
    tokenizer = train_tokenizer(texts, cfg.model.vocab_size)
    lm = CausalLM(cfg.model, tokenizer.get_vocab_size())
    examples = [Example(np.zeros((1, 1), np.float32), encode(tokenizer, t, cfg.model.max_text_tokens), [])
                for t in texts]

    def loss_fn(_x, _pad, tokens, _hot):
        return {"ce": torch.nn.functional.cross_entropy(
            lm(tokens[:, :-1]).transpose(1, 2), tokens[:, 1:], ignore_index=0)}

    lm.train()
    no_aug = dataclasses.replace(cfg.lm, noise=0.0, speed=0.0)
    history = run_stage("lm", lm.parameters(), loss_fn, examples, 0, no_aug, cfg.seed, progress)
    return save_lm(Path(out_dir) / "lm.pt", lm.eval(), cfg.model, tokenizer, history)


def config_dict(cfg: TrainConfig) -> dict:
    return dataclasses.asdict(cfg)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.backtranslator.train",
                                description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", required=True, help="YAML config (training/configs/backtranslator_*.yaml)")
    p.add_argument("--corpus", help="Prompt2Sign-format corpus folder (overrides the config's)")
    p.add_argument("--out", required=True, help="folder for stage1.pt / backtranslator.pt / lm.pt")
    p.add_argument("--stage", choices=("1", "2", "all", "lm"), default="all")
    p.add_argument("--text", help="--stage lm: a text file, one sentence per line")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


@entry_point
def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    cfg = load_config(args.config)
    if args.corpus:
        cfg.corpus = args.corpus
    out, progress = Path(args.out), not args.quiet
    if args.stage == "lm":
        if not args.text:
            raise BadInputError("--stage lm needs --text FILE")
        print(train_lm(Path(args.text).read_text(encoding="utf-8").splitlines(), cfg, out, progress))
        return 0
    if not cfg.corpus:
        raise BadInputError("no corpus: pass --corpus or set corpus in the config")
    train = load_split(cfg.corpus, cfg.train_split)
    dev_path = Path(cfg.corpus) / f"{cfg.dev_split}.skels"
    dev = load_split(cfg.corpus, cfg.dev_split) if dev_path.exists() else []
    if args.stage in ("1", "all"):
        stage1 = train_stage1(train, cfg, out, dev, progress)
        print(stage1)
    if args.stage in ("2", "all"):
        print(train_stage2(out / "stage1.pt", cfg, train, out, dev, progress))
    return 0


if __name__ == "__main__":
    sys.exit(main())
