"""The lexical corpus: German sentences signed with real DSGS signs of the notated lexicon.

    python -m training.corpus.build --lexical --out corpus_sgg/ [--train 3000 ...]

What it holds (OUT/sgg/, the layout `training/data.py` reads):
  {split}.skels .text .gloss .files .durations .prompt   (split: train, dev, test, test_bigram)
  {split}.origin      where each text comes from: "grammar:<pattern>" or "phoenix14t-pt-sample"
  {split}.variation   one JSON object per item: the signer variation it was rendered with
  OUT/corpus.json     provenance, grammar, variation ranges, held-out bigrams, counts

Texts. No German sentence corpus reaches this machine, so most texts are composed by a small
grammar of DSGS-like orders (below); the 10 real PHOENIX-2014T sample sentences (read from
../shared/data at build time, never copied; CC BY-NC-SA 3.0) are added as signed word by word
in German order, their words outside the lexicon fingerspelled. Everything is synthetic: poses
come from the HamNoSys synthesiser (`signllm.synthesis`) and the real fingerspelling clips of
`spoken-to-signed`, joined by `signllm.lexicon.render_plan`.

Grammar (German text -> DSGS gloss order; slots in brackets are optional):
  statement   [TIME] [PLACE] SUBJECT OBJECT VERB [MODAL]        Heute will der Vater in
                                                                 Basel einen Apfel kaufen.
              [TIME] [PLACE] SUBJECT VERB_INTRANSITIVE [MODAL]   Morgen möchte die Tante schwimmen.
  negation    [TIME] [PLACE] SUBJECT OBJECT VERB NICHT|NIE       ... den Apfel nicht kaufen.
  wh-question the wh-sign at the end:  [TIME] [PLACE] SUBJECT VERB WAS ?   (Was will ...?)
              [TIME] [PLACE] OBJECT VERB WER ?   [TIME] SUBJECT OBJECT VERB WO? ?
              [TIME] [PLACE] SUBJECT OBJECT VERB WARUM ?
  yes/no      [TIME] SUBJECT OBJECT VERB ?
Names (Anna, Luca …) and places outside the lexicon (Zürich, Bern …) are fingerspelled.

Variation per item (seeded; recorded): speed x U(0.85, 1.15) and sign-to-sign transition
x U(0.7, 1.3), both by time-resampling the segments in `render_plan` (the synthesiser has no
speed knob); body proportions through the synthesiser's `Body` (shoulder width, upper arm,
forearm, hand size); a left-handed signer with probability 0.15 (the sentence mirrored).
Movement size is not varied: the synthesiser's sizes are module constants, and changing them
needs a change in `signllm/synthesis/` (left for its owner).

Splits. First a set of sign bigrams is held out: every item containing one of them goes to
`test_bigram` (each of its signs is seen in training, the combination never), the other items
are split by whole sentence (distinct gloss sequences) into train / dev / test; the real
sentences all go to train. Held-out items use only signs that occur in train.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from signllm.atomic import atomic_open
from signllm.languages import get_language
from signllm.lexicon import PUNCTUATION, LexiconGenerator, Variation, render_plan
from signllm.pose import PoseSequence

from .build import SHARED_DATA, _write_lines, real_sentences, templates, write_split

log = logging.getLogger(__name__)

LANGUAGE = "sgg"
LEXICAL_SPLITS = ("train", "dev", "test", "test_bigram")

# --------------------------------------------------------------------------- the grammar's words
# German noun: (word, gender m/f/n/pl); the sign is the lexicon's sign for the word.
PERSONS = [("Vater", "m"), ("Kind", "n"), ("Bruder", "m"), ("Freund", "m"), ("Lehrer", "m"),
           ("Mann", "m"), ("Familie", "f"), ("Chef", "m"), ("Baby", "n"), ("Onkel", "m"),
           ("Tante", "f"), ("Koch", "m"), ("Kellner", "m"), ("Journalist", "m"), ("Pilot", "m"),
           ("Professor", "m"), ("Direktor", "m"), ("Anwalt", "m"), ("Chauffeur", "m"),
           ("Coiffeur", "m"), ("Maler", "m"), ("Metzger", "m"), ("Gärtner", "m"), ("Bub", "m"),
           ("Ehefrau", "f"), ("Ehemann", "m"), ("Hebamme", "f"), ("Hausfrau", "f"),
           ("Krankenschwester", "f"), ("Eltern", "pl"), ("Kinder", "pl"), ("Leute", "pl")]
PRONOUNS = [("du", "2sg"), ("wir", "1pl")]
NAMES = ["Anna", "Luca", "Lea", "Nico", "Mia", "Jan", "Eva", "Tim", "Sara", "Noah"]   # spelled
FOOD = [("Apfel", "m"), ("Käse", "m"), ("Schokolade", "f"), ("Suppe", "f"), ("Salat", "m"),
        ("Orange", "f"), ("Kartoffel", "f"), ("Avocado", "f"), ("Melone", "f"), ("Praline", "f"),
        ("Guetzli", "n"), ("Wasser", "n")]
THINGS = [("Auto", "n"), ("Geld", "n"), ("Telefon", "n"), ("Zeitung", "f"), ("Blume", "f"),
          ("Geschenk", "n"), ("Uhr", "f"), ("Bett", "n"), ("Schlüssel", "m"), ("Tasche", "f"),
          ("Bild", "n"), ("Bleistift", "m"), ("Brille", "f"), ("Briefmarke", "f"),
          ("Flasche", "f"), ("Foto", "n"), ("Fotoapparat", "m"), ("Glas", "n"), ("Heft", "n"),
          ("Kleid", "n"), ("Kissen", "n"), ("Kreditkarte", "f"), ("Kugelschreiber", "m"),
          ("Laptop", "m"), ("Lampe", "f"), ("Mantel", "m"), ("Medikament", "n"), ("Natel", "n"),
          ("Papier", "n"), ("Parfüm", "n"), ("Schere", "f"), ("Schuhe", "pl"), ("Sofa", "n"),
          ("Spiegel", "m"), ("Velo", "n"), ("Video", "n"), ("Krawatte", "f"), ("Bluse", "f"),
          ("Karte", "f"), ("Shampoo", "n"), ("Hammer", "m")]
ANIMALS = [("Hund", "m"), ("Katze", "f")]
# verb infinitive -> object kinds it takes
VERBS = {"kaufen": "fta", "suchen": "ta", "finden": "ta", "bringen": "ft", "holen": "ft",
         "sehen": "ta", "zeigen": "ta", "malen": "fta", "verstecken": "ft", "mitnehmen": "fta",
         "einpacken": "ft", "schicken": "t", "waschen": "ta", "kochen": "f", "schneiden": "ft",
         "backen": "f", "bezahlen": "t"}
INTRANSITIVE = ["schlafen", "arbeiten", "schwimmen", "laufen", "lachen", "singen", "spielen",
                "reiten", "tauchen", "studieren", "telefonieren", "feiern", "klettern", "heiraten",
                "baden", "lernen"]
# (German phrase, lexicon words signed for it)
TIMES = [("heute", ["heute"]), ("morgen", ["morgen"]), ("jetzt", ["jetzt"]),
         ("in der Nacht", ["nacht"]), ("an Weihnachten", ["weihnachten"]),
         ("an Ostern", ["ostern"]), ("im Herbst", ["herbst"]),
         ("nächste Woche", ["nächste", "woche"]), ("jedes Jahr", ["jede", "jahr"])]
PLACES = [("in der Stadt", ["stadt"]), ("im Büro", ["büro"]), ("im Wald", ["wald"]),
          ("im Spital", ["spital"]), ("im Laden", ["laden"]), ("auf der Post", ["post"]),
          ("im Zimmer", ["zimmer"]), ("in der Schweiz", ["schweiz"]),
          ("in Deutschland", ["deutschland"]), ("in Italien", ["italien"]),
          ("in Amerika", ["amerika"]), ("im Café", ["café"]),
          ("im Kindergarten", ["kindergarten"]), ("in der Turnhalle", ["turnhalle"]),
          ("auf dem Markt", ["markt"]), ("am Flughafen", ["flughafen"]),
          ("im Badezimmer", ["badezimmer"]), ("im Stall", ["stall"]), ("auf der Insel", ["insel"]),
          ("in Basel", ["basel"]), ("in Luzern", ["luzern"]), ("in Lugano", ["lugano"]),
          ("in Olten", ["olten"]), ("in Biel", ["biel"]), ("in Berlin", ["berlin"]),
          ("in Paris", ["paris"]), ("in London", ["london"]), ("in Wien", ["wien"]),
          # not in the lexicon: fingerspelled
          ("in Zürich", ["Zürich"]), ("in Bern", ["Bern"]), ("in Genf", ["Genf"]),
          ("in Chur", ["Chur"]), ("in Thun", ["Thun"])]
MODALS = {"wollen": {"3sg": "will", "3pl": "wollen", "2sg": "willst", "1pl": "wollen"},
          "möchten": {"3sg": "möchte", "3pl": "möchten", "2sg": "möchtest", "1pl": "möchten"}}
NOMINATIVE = {"m": "der", "f": "die", "n": "das", "pl": "die"}
ACCUSATIVE = {"m": "den", "f": "die", "n": "das", "pl": "die"}
INDEFINITE = {"m": "einen", "f": "eine", "n": "ein", "pl": ""}
PATTERNS = {"statement": 0.34, "intransitive": 0.14, "negation": 0.14, "was": 0.08, "wer": 0.08,
            "wo": 0.08, "warum": 0.07, "yesno": 0.07}


@dataclass
class Composed:
    text: str              # German, German word order
    signs: list[str]       # words signed, DSGS order (lexicon words, or names to spell)
    origin: str            # grammar:<pattern> or the real sentence's source


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def compose(rng: np.random.Generator) -> Composed:
    """One sentence of the grammar (module docstring)."""
    pick = lambda seq: seq[int(rng.integers(len(seq)))]   # noqa: E731
    pattern = str(rng.choice(list(PATTERNS), p=np.array(list(PATTERNS.values())) / sum(PATTERNS.values())))
    time = pick(TIMES) if rng.random() < 0.55 else None
    place = pick(PLACES) if rng.random() < 0.45 else None
    r = rng.random()
    if r < 0.12:
        name = pick(NAMES)
        subject, person, subject_sign = name, "3sg", [name]
    elif r < 0.22:
        word, person = pick(PRONOUNS)
        subject, subject_sign = word, [word]
    else:
        word, gender = pick(PERSONS)
        subject, person, subject_sign = f"{NOMINATIVE[gender]} {word}", "3pl" if gender == "pl" else "3sg", [word.lower()]
    modal = pick(list(MODALS))
    finite = MODALS[modal][person]
    sign_modal = [modal] if rng.random() < 0.3 else []
    verb = pick(INTRANSITIVE) if pattern == "intransitive" else pick(list(VERBS))
    kinds = VERBS.get(verb, "")
    pool = [*(FOOD if "f" in kinds else []), *(THINGS if "t" in kinds else []),
            *(ANIMALS if "a" in kinds else [])]
    obj, gender = pick(pool) if pool else (None, None)
    t_de = [time[0]] if time else []
    p_de = [place[0]] if place else []
    t_sg = time[1] if time else []
    p_sg = place[1] if place else []
    if obj is not None:
        article = INDEFINITE[gender] if pattern in ("statement", "yesno", "wer", "warum") else ACCUSATIVE[gender]
        obj_de, obj_sg = " ".join(filter(None, [article, obj])), [obj.lower()]
    # German: the finite modal second, the infinitive last
    front = t_de[0] if t_de else (p_de[0] if p_de else subject)
    after = [w for w in [subject] + t_de + p_de if w != front]
    if pattern == "statement":
        text = " ".join([front, finite] + after + [obj_de, verb]) + "."
        signs = t_sg + p_sg + subject_sign + obj_sg + [verb] + sign_modal + ["."]
    elif pattern == "intransitive":
        text = " ".join([front, finite] + after + [verb]) + "."
        signs = t_sg + p_sg + subject_sign + [verb] + sign_modal + ["."]
    elif pattern == "negation":
        never = rng.random() < 0.3
        text = " ".join([front, finite] + after + [obj_de, "nie" if never else "nicht", verb]) + "."
        signs = t_sg + p_sg + subject_sign + obj_sg + [verb, "nie" if never else "nicht", "."]
    elif pattern == "was":
        text = " ".join(["Was", finite, subject] + t_de + p_de + [verb]) + "?"
        signs = t_sg + p_sg + subject_sign + [verb, "was", "?"]
    elif pattern == "wer":
        text = " ".join(["Wer", MODALS[modal]["3sg"]] + t_de + p_de + [obj_de, verb]) + "?"
        signs = t_sg + p_sg + obj_sg + [verb, "wer", "?"]
    elif pattern == "wo":
        text = " ".join(["Wo", finite, subject] + t_de + [obj_de, verb]) + "?"
        signs = t_sg + subject_sign + obj_sg + [verb, "wo", "?"]
    elif pattern == "warum":
        text = " ".join(["Warum", finite, subject] + t_de + p_de + [obj_de, verb]) + "?"
        signs = t_sg + p_sg + subject_sign + obj_sg + [verb, "warum", "?"]
    else:  # yes/no question
        text = " ".join([finite, subject] + t_de + [obj_de, verb]) + "?"
        signs = t_sg + subject_sign + obj_sg + [verb, "?"]
    return Composed(_cap(text), signs, f"grammar:{pattern}")


# --------------------------------------------------------------------------- items

@dataclass
class Item:
    text: str
    gloss: str
    plan: object
    origin: str

    @property
    def tokens(self) -> list[str]:
        """Gloss tokens without punctuation: signs and fingerspelled words (`A-N-N-A`)."""
        return [t for t in self.gloss.split() if t not in PUNCTUATION]


def bigrams(tokens: list[str]) -> set[tuple[str, str]]:
    return set(zip(tokens, tokens[1:]))


def spelled(token: str) -> bool:
    """A fingerspelled word in a gloss: letters joined by hyphens (`Z-Ü-R-I-CH`). Sign glosses of
    the grammar have no hyphen; a one-letter word is not produced by it."""
    return "-" in token


@dataclass(frozen=True)
class LexicalOptions:
    out: Path
    sizes: dict                      # split -> items (train, dev, test, test_bigram)
    seed: int = 0
    fps: float = 25.0
    shared_data: Path = SHARED_DATA
    real: bool = True                # add the PHOENIX sample sentences
    left_handed: float = 0.15
    speed: tuple = (0.85, 1.15)
    transition: tuple = (0.7, 1.3)


def make_items(opts: LexicalOptions, rng: np.random.Generator, progress: bool = False) -> list[Item]:
    """Distinct sentences (by gloss), planned by the lexicon generator: composed ones, then the
    real ones."""
    generator = LexiconGenerator(fps=opts.fps)
    language = get_language(LANGUAGE)
    wanted = int(sum(opts.sizes.values()) * 1.6) + 20   # the bigram hold-out discards some
    items, seen = [], set()
    sources: list[Composed] = []
    if opts.real:
        sources += [Composed(" ".join(tokens).replace(" .", ".").replace(" ,", ","), tokens,
                             "phoenix14t-pt-sample")
                    for tokens in real_sentences("gsg", opts.shared_data)]
    attempts = 0
    bar = tqdm(total=wanted, desc="sentences", disable=not progress, leave=False)
    while len(items) < wanted and attempts < wanted * 20:
        attempts += 1
        c = sources.pop() if sources else compose(rng)
        if c.origin == "phoenix14t-pt-sample":
            c.text = _cap(c.text.replace("ß", "ss"))
        plan = generator.plan(" ".join(c.signs), language, opts.fps, None)
        if any(w.how == "skipped" for w in plan.words):
            continue
        if plan.gloss in seen:
            continue
        seen.add(plan.gloss)
        items.append(Item(c.text, plan.gloss, plan, c.origin))
        bar.update()
    bar.close()
    return items


def split_items(items: list[Item], sizes: dict, rng: np.random.Generator
                ) -> tuple[dict[str, list[Item]], list[tuple[str, str]]]:
    """Hold out sign bigrams (-> test_bigram), then whole sentences (-> dev, test)."""
    order = rng.permutation(len(items))
    items = [items[i] for i in order]
    counts: dict[tuple[str, str], int] = {}
    for item in items:   # in sentence order, never in set order (hash-seeded): reproducible
        for b in dict.fromkeys(zip(item.tokens, item.tokens[1:])):
            counts[b] = counts.get(b, 0) + 1
    unigram: dict[str, int] = {}
    for item in items:
        for t in dict.fromkeys(item.tokens):
            unigram[t] = unigram.get(t, 0) + 1
    # candidates: bigrams of two content signs (not a wh-sign, negation or modal, whose
    # bigrams would hold out whole sentence patterns), seen at most 12 times, of signs seen
    # often first (in random order among equals), so that their signs stay in training
    function = {"NICHT", "NIE", "WAS", "WER", "WO?", "WARUM", "WOLLEN", "MÖCHTEN"}
    candidates = [b for b, n in counts.items() if not spelled(b[0]) and not spelled(b[1])
                  and not function & set(b) and n <= 12]
    candidates = [candidates[i] for i in rng.permutation(len(candidates))]
    candidates.sort(key=lambda b: -min(unigram[b[0]], unigram[b[1]], 8))
    held: set[tuple[str, str]] = set()
    bigram_items: list[Item] = []
    for b in candidates:
        if len(bigram_items) >= sizes["test_bigram"]:
            break
        held.add(b)
        bigram_items += [it for it in items if b in bigrams(it.tokens)
                         and not bigrams(it.tokens) & (held - {b})]
    rest = [it for it in items if not bigrams(it.tokens) & held]
    # the few real sentences all train (their words are mostly fingerspelled, none repeats)
    rest = sorted(rest, key=lambda it: not it.origin.startswith("phoenix"))
    out = {"train": rest[:sizes["train"]]}
    # every sign of the held-out sets is seen in training (only its combinations are new)
    trained = {t for it in out["train"] for t in it.tokens if not spelled(t)}
    known = lambda it: all(spelled(t) or t in trained for t in it.tokens)   # noqa: E731
    pool = iter(it for it in rest[sizes["train"]:] if known(it))
    for split in ("dev", "test"):
        out[split] = [it for _, it in zip(range(sizes[split]), pool)]
    out["test_bigram"] = [it for it in bigram_items if known(it)][:sizes["test_bigram"]]
    if not all(out.values()):
        raise ValueError(f"too few sentences for every split ({ {k: len(v) for k, v in out.items()} }): "
                         f"build more training items")
    used = {b for it in out["test_bigram"] for b in bigrams(it.tokens) & held}
    return out, sorted(used)


def sample_variation(rng: np.random.Generator, opts: LexicalOptions) -> tuple[Variation, dict]:
    from signllm.synthesis import Body

    d = Body()
    s = float(rng.uniform(0.92, 1.08))          # overall size
    body = Body(shoulder_width=round(d.shoulder_width * s * float(rng.uniform(0.95, 1.05)), 4),
                upper_arm=round(d.upper_arm * s * float(rng.uniform(0.94, 1.06)), 4),
                forearm=round(d.forearm * s * float(rng.uniform(0.94, 1.06)), 4),
                hand_scale=round(s * float(rng.uniform(0.93, 1.07)), 4))
    v = Variation(speed=round(float(rng.uniform(*opts.speed)), 3),
                  transition=round(float(rng.uniform(*opts.transition)), 3), body=body,
                  left_handed=bool(rng.random() < opts.left_handed))
    record = {"speed": v.speed, "transition": v.transition, "left_handed": v.left_handed,
              "body": {k: getattr(body, k) for k in ("shoulder_width", "upper_arm", "forearm",
                                                      "hand_scale")}}
    return v, record


def build_lexical(opts: LexicalOptions, progress: bool = True) -> dict:
    rng = np.random.default_rng([opts.seed, 19])
    language = get_language(LANGUAGE)
    items = make_items(opts, rng, progress)
    splits, held = split_items(items, opts.sizes, rng)
    folder = opts.out / LANGUAGE
    folder.mkdir(parents=True, exist_ok=True)
    prompt_templates = templates(LANGUAGE, opts.shared_data)
    counts = {}
    for split in LEXICAL_SPLITS:
        sequences, durations, variations = [], [], []
        for i, item in enumerate(tqdm(splits[split], desc=f"sgg {split}", disable=not progress,
                                      leave=False)):
            variation, record = sample_variation(rng, opts)
            rendering = render_plan(item.plan, language, opts.fps, variation=variation)
            joints, frames = rendering.joints, rendering.unit_frames
            # .skels has no confidence: every joint is written as present (the renderer fills
            # gaps with plausible positions, see training/corpus/build.py)
            sequences.append(PoseSequence(joints, np.ones(joints.shape[:2], np.float32), fps=opts.fps,
                                          text=item.text, gloss=item.gloss, language=LANGUAGE,
                                          name=f"{split}/sgg-{i:05d}"))
            durations.append(frames)
            variations.append(json.dumps(record, sort_keys=True))
        write_split(folder, split, sequences, durations, prompt_templates, rng)
        _write_lines(folder / f"{split}.origin", [it.origin for it in splits[split]])
        _write_lines(folder / f"{split}.variation", variations)
        counts[split] = {"items": len(sequences),
                         "frames": int(sum(s.num_frames for s in sequences)),
                         "signs": len({t for it in splits[split] for t in it.tokens if not spelled(t)}),
                         "real_sentences": sum(it.origin.startswith("phoenix") for it in splits[split])}
    train_bigrams = {b for it in splits["train"] for b in bigrams(it.tokens)}
    manifest = {
        "kind": "lexical", "language": LANGUAGE, "seed": opts.seed, "fps": opts.fps,
        "source": "DSGS HamNoSys lexicon of the 'signwriting' package (Ebling & Boyes Braem), "
                  "synthesised by signllm.synthesis; fingerspelling: spoken-to-signed clips",
        "synthetic": "all poses; all texts except the PHOENIX sample sentences",
        "texts": {"grammar": "training/corpus/lexical.py (DSGS-like orders, see its docstring)",
                  "phoenix14t-pt-sample": "10 real sentences, CC BY-NC-SA 3.0, read at build time"},
        "grammar": {"patterns": PATTERNS, "names_spelled": NAMES},
        "variation": {"speed": opts.speed, "transition": opts.transition,
                      "left_handed": opts.left_handed,
                      "body": "Body(): overall x U(0.92, 1.08); shoulder width x U(0.95, 1.05), "
                              "upper arm, forearm x U(0.94, 1.06), hand x U(0.93, 1.07)",
                      "movement_size": "not varied (needs a synthesiser knob)",
                      "per_item": "{split}.variation (JSON lines)"},
        "splits": {"test": "whole sentences (gloss sequences) absent from train",
                   "test_bigram": "items with a held-out sign bigram, never in train/dev/test"},
        "held_out_bigrams": [" ".join(b) for b in held],
        "held_out_bigrams_in_train": len(set(held) & train_bigrams),
        "units": "durations: frames per gloss unit (signs, letters, marks; signllm.lexicon.gloss_units)",
        "counts": counts,
    }
    with atomic_open(opts.out / "corpus.json") as handle:
        json.dump(manifest, handle, indent=1, ensure_ascii=False)
    return manifest
