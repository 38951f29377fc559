"""Build the default Prompt2Sign-format corpus: real fingerspelling clips, rendered as fluent
fingerspelling of real words and sentences; or, with --lexical, the lexical DSGS corpus.

    python -m training.corpus.build --out corpus/ [--languages ase,gsg] [--train 5000 ...]
    python -m training.corpus.build --lexical --out corpus_sgg/ [--train 3000 --test-bigram 200]

--lexical (or --language sgg): German sentences signed with real DSGS signs of the notated
lexicon, synthesised from HamNoSys, names and unknown words fingerspelled; texts from a small
grammar of DSGS-like orders plus the real PHOENIX sample sentences; signer variation (speed,
transitions, body, left hand) per item; a sentence test split and a held-out-bigram test split
(test_bigram). Details: training/corpus/lexical.py. Defaults there: 3000/200/200/200 items.

Layout (what `training/data.py` reads): OUT/<iso>/{train,dev,test}.{skels,text,gloss,files},
{split}.durations (frames of each gloss letter / punctuation mark, the alignment a
duration-based decoder trains on), plus OUT/<iso>/{train,dev,test}.words (the word types of each split), .prompt (each text put
into a random Prompt2Sign question template of its language) and OUT/corpus.json (provenance,
alphabet status, counts).

Why this way: the only real sign poses we may build on are the letter clips of `spoken-to-signed`
(600 real fingerspelling clips on PyPI; Prompt2Sign's own sources are mostly not
redistributable, see MODEL_CARD.md). Texts are real: How2Sign and PHOENIX sentences from the shared samples
(read at build time only, never copied into the package) and frequency-ranked word lists of the
`wordfreq` package. Splits hold out whole words: every word type belongs to exactly one split,
so no test word was seen in training. Items are kept to a few words so sequences stay
trainable on a CPU.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from signllm.atomic import atomic_open
from signllm.fingerspelling import alphabet_status, covered_languages, get_alphabet, spell_word
from signllm.formats import write
from signllm.languages import get_language
from signllm.lexicon import PUNCTUATION, LexiconGenerator
from signllm.text import tokens as tokenize
from training.entry import entry_point

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
SPLITS = ("train", "dev", "test")
SPLIT_SHARES = {"train": 0.8, "dev": 0.1, "test": 0.1}

# Real sentences per language (files under the shared data folder), read at build time only.
SENTENCE_SOURCES = {
    "ase": ["how2sign-dev.text"],
    "gsg": ["phoenix14t-pt-sample/train.text", "phoenix14t-pt-sample/dev.text"],
}
# Prompt2Sign's question templates, per language, for the Prompt2LangGloss model's inputs.
TEMPLATE_FILES = {"ase": "ASL", "gsg": "GSL", "sgg": "DSGS", "ssr": "LSF-CH", "slf": "LIS-CH",
                  "aed": "LSA", "kvk": "KSL", "tsm": "TSL"}
WORDFREQ_TOP = 6000
MIN_LETTERS, MAX_LETTERS = 2, 10


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    languages: tuple[str, ...]
    sizes: dict
    max_words: int = 3
    seed: int = 0
    fps: float = 25.0
    shared_data: Path = SHARED_DATA
    wordfreq_top: int = WORDFREQ_TOP


def split_of(word: str) -> str:
    """Stable whole-word split: a word type's hash decides its split, the same on every run."""
    x = int.from_bytes(hashlib.sha1(word.encode("utf-8")).digest()[:8], "big") / 2**64
    if x < SPLIT_SHARES["train"]:
        return "train"
    return "dev" if x < SPLIT_SHARES["train"] + SPLIT_SHARES["dev"] else "test"


def word_key(word: str) -> str:
    return word.casefold()


def spoken_form(word: str, language: str) -> str:
    """Swiss Standard German writes ss for ß."""
    return word.replace("ß", "ss") if language == "sgg" else word


def real_sentences(language: str, shared_data: Path) -> list[list[str]]:
    sentences = []
    for name in SENTENCE_SOURCES.get(language, []):
        path = shared_data / name
        if not path.is_file():
            log.warning("%s is absent; building %s from word lists only", path, language)
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            tokens = [spoken_form(t, language) for t in tokenize(line.strip().strip('"'))]
            if tokens:
                sentences.append(tokens)
    return sentences


def templates(language: str, shared_data: Path) -> list[str]:
    path = shared_data / "prompt-templates" / f"prompts_{TEMPLATE_FILES[language]}.txt"
    if not path.is_file():
        log.warning("%s is absent; no .prompt files for %s", path, language)
        return []
    return [t for t in path.read_text(encoding="utf-8").splitlines() if "{}" in t]


def word_list(language: str, top: int) -> list[str]:
    """Frequency-ranked real words of the language's written form (wordfreq, offline)."""
    import wordfreq

    spoken = get_language(language).spoken
    return [spoken_form(w, language) for w in wordfreq.top_n_list(spoken, top)]


def usable(word: str, alphabet) -> bool:
    """A word every letter of which has a clip, of a length worth spelling."""
    if not word.isalpha():
        return False
    spelled = spell_word(word, alphabet)
    return not spelled.missing and MIN_LETTERS <= len(spelled.units) <= MAX_LETTERS


def make_items(language: str, opts: BuildOptions, rng: np.random.Generator) -> dict[str, list[str]]:
    """Texts of each split: windows of real sentences, then combinations of the split's words."""
    alphabet = get_alphabet(language)
    sentences = real_sentences(language, opts.shared_data)
    ranked: list[str] = []
    seen = set()
    for word in [t for s in sentences for t in s] + word_list(language, opts.wordfreq_top):
        key = word_key(word)
        if key not in seen and word not in PUNCTUATION and usable(word, alphabet):
            seen.add(key)
            ranked.append(word)
    vocab = {split: [w for w in ranked if split_of(word_key(w)) == split] for split in SPLITS}
    items: dict[str, list[str]] = {}
    for split in SPLITS:
        wanted = opts.sizes[split]
        texts: list[str] = []
        seen_texts = set()
        windows = [s[i:i + n] for s in sentences for n in range(1, opts.max_words + 1)
                   for i in range(len(s) - n + 1)]
        rng.shuffle(windows)
        for window in windows:
            words = [t for t in window if t not in PUNCTUATION]
            if (len(texts) >= wanted // 2 or not words or window[0] in PUNCTUATION
                    or not all(word_key(w) in seen and split_of(word_key(w)) == split for w in words)):
                continue
            text = " ".join(window).replace(" ,", ",").replace(" .", ".").replace(" ?", "?")
            if text not in seen_texts:
                seen_texts.add(text)
                texts.append(text)
        pool = vocab[split]
        if not pool:
            raise ValueError(f"{language}: no usable words fall in the {split} split")
        weights = 1.0 / np.sqrt(np.arange(1, len(pool) + 1))
        weights /= weights.sum()
        for _ in range(wanted * 20):
            if len(texts) >= wanted:
                break
            n = int(rng.choice(np.arange(1, opts.max_words + 1),
                               p=_word_count_probs(opts.max_words)))
            text = " ".join(pool[i] for i in rng.choice(len(pool), n, p=weights))
            if rng.random() < 0.2:
                text += str(rng.choice([".", "?", "!"]))
            if text not in seen_texts:
                seen_texts.add(text)
                texts.append(text)
        items[split] = texts
    items["_vocab"] = vocab  # type: ignore[assignment]
    return items


def _word_count_probs(max_words: int) -> np.ndarray:
    p = np.array([0.5, 0.3, 0.2, 0.1, 0.05][:max_words], float)
    return p / p.sum()


def build_language(language: str, opts: BuildOptions, progress: bool = True) -> dict:
    rng = np.random.default_rng([opts.seed, zlib.crc32(language.encode())])
    items = make_items(language, opts, rng)
    vocab = items.pop("_vocab")
    generator = LexiconGenerator(fps=opts.fps, builtin_signs=False)   # a fingerspelling corpus
    prompt_templates = templates(language, opts.shared_data)
    folder = opts.out / language
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for split in SPLITS:
        sequences, durations = [], []
        for i, text in enumerate(tqdm(items[split], desc=f"{language} {split}", disable=not progress,
                                      leave=False)):
            seed = int(rng.integers(2**31))
            seq = generator.generate(text, language, seed=seed, fps=opts.fps)
            durations.append(generator.unit_frames(text, language, seed=seed, fps=opts.fps)[1])
            if sum(durations[-1]) != seq.num_frames:
                raise RuntimeError(f"{text!r}: unit frames sum to {sum(durations[-1])}, "
                                     f"the sequence has {seq.num_frames}")
            # .skels has no confidence: a joint marked missing would be written as the 0.016
            # placeholder and read back at the neck. The generator already filled gaps with
            # plausible positions (idle hand at its wrist), so write those as present.
            sequences.append(seq.with_(name=f"{split}/{language}-{i:05d}",
                                       confidence=np.ones_like(seq.confidence)))
        write_split(folder, split, sequences, durations, prompt_templates, rng)
        _write_lines(folder / f"{split}.words", vocab[split])
        counts[split] = {"items": len(sequences), "frames": int(sum(s.num_frames for s in sequences)),
                         "word_types": len(vocab[split])}
    status, note = alphabet_status(language)
    return {"status": status, "alphabet": get_alphabet(language).source, "note": note,
            "counts": counts}


def write_split(folder: Path, split: str, sequences: list, durations: list[list[int]],
                prompt_templates: list[str], rng: np.random.Generator) -> None:
    """One split in the Prompt2Sign layout: .skels, .text, .gloss, .files, .durations (frames per
    gloss unit) and, where templates exist, .prompt (each text in a random question template)."""
    write(folder / f"{split}.skels", sequences)
    _write_lines(folder / f"{split}.text", [s.text for s in sequences])
    _write_lines(folder / f"{split}.gloss", [s.gloss for s in sequences])
    _write_lines(folder / f"{split}.files", [s.name for s in sequences])
    _write_lines(folder / f"{split}.durations", [" ".join(map(str, d)) for d in durations])
    if prompt_templates:
        _write_lines(folder / f"{split}.prompt",
                     [prompt_templates[int(rng.integers(len(prompt_templates)))].replace("{}", s.text)
                      for s in sequences])


def _write_lines(path: Path, lines: list[str]) -> None:
    with atomic_open(path) as handle:
        handle.write("".join(f"{line}\n" for line in lines))


def build(opts: BuildOptions, progress: bool = True) -> dict:
    manifest = {"source": "spoken-to-signed fingerspelling clips (MediaPipe Holistic .pose)",
                "texts": {"ase": "How2Sign dev sentences + wordfreq en",
                          "gsg": "PHOENIX-2014T sample sentences + wordfreq de",
                          "sgg": "wordfreq de (Swiss spelling: ss for ß)",
                          "tsm": "wordfreq tr", "slf": "wordfreq it"},
                "split": "whole words by SHA-1 hash of the lower-cased word, 80/10/10",
                "fps": opts.fps, "seed": opts.seed, "max_words": opts.max_words, "languages": {}}
    for language in tqdm(opts.languages, desc="languages", disable=not progress):
        manifest["languages"][language] = build_language(language, opts, progress)
    opts.out.mkdir(parents=True, exist_ok=True)
    with atomic_open(opts.out / "corpus.json") as handle:
        json.dump(manifest, handle, indent=1, ensure_ascii=False)
    return manifest


def items(value: str) -> int:
    """An item count: every split needs at least one (readers find languages by their files)."""
    count = int(value)
    if count < 1:
        raise argparse.ArgumentTypeError(f"needs at least 1 item per split, got {count}")
    return count


@entry_point
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.corpus.build", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="corpus folder to write")
    parser.add_argument("--languages", default=",".join(covered_languages()),
                        help="comma-separated ISO 639-3 codes (default: every covered language)")
    parser.add_argument("--lexical", action="store_true",
                        help="build the lexical DSGS corpus (signs, not letters): see above")
    parser.add_argument("--language", help="the lexical corpus's sign language (implies --lexical; "
                        "sgg, the one with a built-in notated lexicon)")
    parser.add_argument("--train", type=items, default=None,
                        help="training items per language (default 5000; lexical 3000)")
    parser.add_argument("--dev", type=items, default=None, help="dev items (default 100; lexical 200)")
    parser.add_argument("--test", type=items, default=None, help="test items (default 100; lexical 200)")
    parser.add_argument("--test-bigram", type=items, default=200,
                        help="lexical: items of the held-out-bigram test split")
    parser.add_argument("--no-real", action="store_true",
                        help="lexical: composed sentences only (no PHOENIX sample sentences)")
    parser.add_argument("--max-words", type=int, default=3, help="words per item, at most")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fps", type=float, default=25.0)
    parser.add_argument("--shared-data", type=Path, default=SHARED_DATA,
                        help="folder with how2sign-dev.text and phoenix14t-pt-sample/")
    parser.add_argument("--wordfreq-top", type=int, default=WORDFREQ_TOP,
                        help="how many of each language's most frequent words to draw from")
    args = parser.parse_args(argv)
    if args.lexical or args.language:
        return lexical_main(args)
    args.train, args.dev, args.test = args.train or 5000, args.dev or 100, args.test or 100
    languages = tuple(get_language(code).code for code in args.languages.split(",") if code)
    for code in languages:
        get_alphabet(code)  # NoDataError now, not after building the others
    opts = BuildOptions(args.out, languages, {"train": args.train, "dev": args.dev, "test": args.test},
                        args.max_words, args.seed, args.fps, args.shared_data, args.wordfreq_top)
    manifest = build(opts)
    for code, entry in manifest["languages"].items():
        print(f"{code} ({entry['status']}, alphabet {entry['alphabet']}): "
              + ", ".join(f"{s} {c['items']} items/{c['word_types']} words" for s, c in entry["counts"].items()))
    return 0


def lexical_main(args) -> int:
    import time

    from signllm.errors import UnsupportedLanguageError

    from .lexical import LANGUAGE, LexicalOptions, build_lexical

    if args.language and get_language(args.language).code != LANGUAGE:
        raise UnsupportedLanguageError(f"the lexical corpus is built for {LANGUAGE} (DSGS), the "
                                       f"language with a built-in notated lexicon; got {args.language}")
    sizes = {"train": args.train or 3000, "dev": args.dev or 200, "test": args.test or 200,
             "test_bigram": args.test_bigram}
    start = time.perf_counter()
    manifest = build_lexical(LexicalOptions(args.out, sizes, args.seed, args.fps, args.shared_data,
                                            real=not args.no_real))
    print(f"{LANGUAGE} lexical corpus in {time.perf_counter() - start:.0f} s: " + ", ".join(
        f"{s} {c['items']} items/{c['signs']} signs/{c['frames']} frames"
        for s, c in manifest["counts"].items())
        + f"; {len(manifest['held_out_bigrams'])} held-out bigrams")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
