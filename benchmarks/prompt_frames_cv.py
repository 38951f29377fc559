"""How well learned prompt frames read prompts built on templates they never saw.

    python benchmarks/prompt_frames_cv.py [--folds 5] [--shared-data ../shared/data]

For each language with real data, the Prompt2Sign templates are split into folds; frames are
learned from all folds but one and tested on the held-out fold's templates filled with
held-out test-split sentences of the default corpus (both template and sentence unseen). The
figure beside it, frames learned from every template (what tests/test_prompts_templates.py
checks, sentences unseen), is the in-distribution score.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from signllm.errors import SignLLMError  # noqa: E402
from signllm.prompt_frames import PromptFrames  # noqa: E402
from signllm.prompts import parse_prompt  # noqa: E402
from training.corpus.build import TEMPLATE_FILES, BuildOptions, make_items  # noqa: E402

# GSL and DSGS share one template file, so either German sign language counts without a hint.
ACCEPTED = {"ase": {"ase"}, "gsg": {"gsg", "sgg"}, "sgg": {"gsg", "sgg"}, "tsm": {"tsm"},
            "slf": {"slf"}}


def right(prompt: str, sentence: str, accepted: set, frames: PromptFrames) -> bool:
    try:
        parsed = parse_prompt(prompt, frames=frames)
    except SignLLMError:
        return False
    return parsed.was_prompt and parsed.sentence == sentence and parsed.language.code in accepted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--shared-data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args(argv)
    print(f"{'lang':5} {'templates':>9} {'unquoted':>8} {'all seen':>9} {'held out':>9}")
    for language, accepted in ACCEPTED.items():
        path = args.shared_data / "prompt-templates" / f"prompts_{TEMPLATE_FILES[language]}.txt"
        templates = [t for t in path.read_text(encoding="utf-8").splitlines() if "{}" in t]
        opts = BuildOptions(args.shared_data, (language,), {"train": 0, "dev": 0, "test": 40},
                            shared_data=args.shared_data, wordfreq_top=1500)
        sentences = make_items(language, opts, np.random.default_rng(0))["test"]
        every = PromptFrames.learn(templates)
        seen = held = 0
        for i, template in enumerate(templates):
            sentence = sentences[i % len(sentences)]
            prompt = template.replace("{}", sentence)
            fold = PromptFrames.learn([t for k, t in enumerate(templates)
                                       if k % args.folds != i % args.folds])
            seen += right(prompt, sentence, accepted, every)
            held += right(prompt, sentence, accepted, fold)
        unquoted = sum("'{}'" not in t for t in templates)
        print(f"{language:5} {len(templates):9d} {unquoted:8d} {seen / len(templates):9.1%} "
              f"{held / len(templates):9.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
