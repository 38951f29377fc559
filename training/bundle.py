"""Ship a trained checkpoint as a bundled model: copy it into signllm/assets/models/ and record it
in the manifest that `signllm languages` and `signllm generate` read (without loading torch).

    python -m training.bundle runs/mlsf/model.pt          # -> signllm/assets/models/mlsf.pt
    python -m training.bundle runs/prompt/model.pt
    python -m training.bundle runs/lexmlsf/model.pt --language sgg   # -> mlsf.sgg.pt

The checkpoint is loaded first (so a broken file is never shipped), its mode names the bundled
file, and the manifest keeps its languages, training step, best validation score and size. Its
prompt frames are also written beside it as `{mode}.frames.json`, so that the core reads
prompts without torch (`signllm.prompt_frames.bundled_frames`).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from signllm.atomic import atomic_open
from signllm.coverage import MANIFEST
from signllm.errors import BadInputError
from signllm.languages import get_language
from signllm.model import checkpoint as ckpt
from signllm.prompt_frames import frames_file
from training.entry import entry_point

ASSETS = Path(__file__).resolve().parents[1] / "signllm" / "assets" / "models"


def bundle(source: Path, assets: Path = ASSETS, language: str | None = None) -> dict:
    """Ship `source` as its mode's bundled model, or with `language` as the checkpoint that signs
    that one language in its mode ({mode}.{iso}.pt; the mode's main checkpoint signs the rest)."""
    model = ckpt.load(source)
    name = model.mode
    if language is not None:
        language = get_language(language).code
        if language not in model.languages:
            raise BadInputError(f"this checkpoint was trained for {', '.join(model.languages)}, "
                                f"not {language}", path=source)
        name = f"{model.mode}.{language}"
    assets.mkdir(parents=True, exist_ok=True)
    target = assets / f"{name}.pt"
    ckpt.save(model.to_dict(), target)
    manifest_path = assets / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    params = sum(p.numel() for p in model.net.parameters())
    entry = {"file": target.name, "languages": [language] if language else list(model.languages),
             "parameters": params, "bytes": target.stat().st_size,
             "decoder": model.config.decoder, "frontend": model.frontend,
             "step": model.meta.get("step"),
             "best_validation": {
                 model.meta.get("config", {}).get("train", {}).get("select", "val_dtw"):
                 model.meta.get("best_val_dtw")},
             # prompts are read with the main checkpoint's frames
             "prompt_frames": None if language else write_frames(model, assets)}
    if language:
        entry.update(mode=model.mode, language=language)
    manifest[name] = entry
    with atomic_open(manifest_path) as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
    return entry


def write_frames(model: ckpt.SignLLMModel, assets: Path) -> str | None:
    """Write the model's prompt frames as JSON beside it; their file name, None if it has none."""
    target = assets / frames_file(model.mode)
    if not model.prompt_frames:
        target.unlink(missing_ok=True)
        return None
    with atomic_open(target) as handle:
        json.dump(model.prompt_frames.to_dict(), handle, ensure_ascii=False, separators=(",", ":"))
    return target.name


@entry_point
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.bundle", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", type=Path, help="a model.pt written by training.train")
    parser.add_argument("--language", default=None, help="ship it as the checkpoint that signs "
                        "this one language (e.g. sgg: the lexical DSGS group, with its own "
                        "vocabulary and front-end) instead of the mode's main checkpoint")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    entry = bundle(args.checkpoint, language=args.language)
    print(f"bundled {entry['file']}: {entry['parameters']:,} parameters, "
          f"{entry['bytes'] / 1e6:.1f} MB, languages {', '.join(entry['languages'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
