"""`signllm evaluate`: score generated poses beside the ground-truth ceiling and floors."""
from __future__ import annotations

HELP = "score generated poses against a reference corpus (back-translation + pose metrics)"

DESCRIPTION = """\
Score generated poses against a Prompt2Sign-format reference corpus. Every metric is shown for
the hypothesis beside the same evaluator's score on the ground truth (the ceiling) and on two
floors: the mean pose held for each reference's length, and references shuffled across
sentences (real motion, wrong sentence).

Metrics: DTW-MJE, Progressive-Transformers DTW, expressiveness (wrist travel ratio, 1 ideal),
length ratio (1 ideal); with --backtranslator also BLEU-1..4, chrF, ROUGE-L, WER and Sign2GPT
pseudo-gloss precision/recall/F1 of the back-translations.

Hypotheses are matched to references by clip name (the .files sibling of a .skels, or file
names in a folder), or by position when there are as many as references.

examples:
  signllm evaluate --hyp generated.skels --ref corpus/ase --backtranslator bt.pt
  signllm evaluate --hyp out_dir/ --ref corpus/ase/test.skels --json scores.json --plot scores.png
"""

HYP_EXTENSIONS = (".skels", ".pose", ".npz")


def configure(parser) -> None:
    parser.description = DESCRIPTION
    parser.add_argument("--hyp", required=True, metavar="FILE_OR_DIR",
                        help="generated poses: a .skels/.pose/.npz file, or a folder of them")
    parser.add_argument("--ref", required=True, metavar="CORPUS",
                        help="reference corpus folder (uses SPLIT.skels) or a .skels file")
    parser.add_argument("--split", default="test", help="split of a corpus folder (default: test)")
    parser.add_argument("--backtranslator", metavar="CKPT",
                        help="back-translator checkpoint (python -m training.backtranslator.train)")
    parser.add_argument("--lang", help="spoken language for pseudo-glosses (default: the "
                                       "back-translator's)")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="write the scores as JSON to FILE, or to stdout instead of the table")
    parser.add_argument("--plot", metavar="PNG", help="write a bar chart of every metric")
    parser.add_argument("--seed", type=int, default=0, help="seed of the shuffled floor")


def _read_many(path):
    from pathlib import Path

    from signllm import formats
    from signllm.errors import BadInputError
    path = Path(path)
    if path.is_dir() and not any(path.glob("*_keypoints.json")):
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in HYP_EXTENSIONS)
        if not files:
            raise BadInputError(f"no {'/'.join(HYP_EXTENSIONS)} files in the folder", path=path)
        seqs = []
        for f in files:
            clips = formats.read(f)
            if len(clips) == 1:  # one clip per file: the file name is the clip's name
                clips[0].name = f.stem
            seqs += clips
        return seqs
    return formats.read(path)


def _references(ref, split: str):
    """(reference clips, training mean pose or None)."""
    from pathlib import Path

    from signllm import formats
    from signllm.errors import BadInputError
    ref = Path(ref)
    if ref.is_dir():
        path = ref / f"{split}.skels"
        if not path.exists():
            have = ", ".join(sorted(p.stem for p in ref.glob("*.skels"))) or "none"
            raise BadInputError(f"no {split}.skels in the corpus (splits there: {have})", path=ref)
        train = ref / "train.skels"
        mean = None
        if train.exists() and split != "train":
            from signllm.metrics import mean_pose
            mean = mean_pose(formats.read(train))
        return formats.read(path), mean
    return formats.read(ref), None


def run(args) -> int:
    import json
    import sys

    from signllm.atomic import atomic_open
    from training.backtranslator import report

    refs, mean_pose = _references(args.ref, args.split)
    hyps = _read_many(args.hyp)
    bt = None
    if args.backtranslator:
        from training.backtranslator.checkpoint import load_backtranslator
        bt = load_backtranslator(args.backtranslator)
    result = report.evaluate(hyps, refs, bt, mean_pose, args.lang, args.seed)
    if args.plot:
        report.plot(result, args.plot)
    if args.json:
        text = json.dumps({"hyp": str(args.hyp), "ref": str(args.ref), "split": args.split,
                           "backtranslator": args.backtranslator, "clips": len(refs),
                           "systems": result}, indent=2, ensure_ascii=False)
        if args.json == "-":
            print(text)
            return 0
        with atomic_open(args.json) as f:
            f.write(text + "\n")
    print(report.format_table(result))
    if bt is None:
        print("(no --backtranslator: back-translation scores not computed)")
    print(f"{len(refs)} clips; ceiling = ground truth, floors = mean pose / shuffled references",
          file=sys.stderr)
    return 0
