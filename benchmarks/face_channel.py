"""The face channel, read back from what the lexicon generator streams (issue 20, "must show").

    python benchmarks/face_channel.py

30 DSGS and 30 ASL sentences (statements, yes/no and wh-questions, negations; written here from
words the lexicons sign or spell) go through the lexicon generator with its face on. Measured
on the stream's frames only (the track's weights and head rotation, and each word's report of
its frames and mouthing), not on the timeline's internals:

- mouthing: words with a spoken form that are mouthed; the viseme order read back — at each
  frame of the word's span the nearest of its own viseme templates (cosine over the mouth
  weights), runs collapsed — holds the word's visemes in its phoneme order (as a subsequence);
  onset / offset of the mouth (a mouth weight above 0.05, looked for up to the neighbouring
  words' own frames) against the sign's own frames (median, ms; negative = earlier);
- brows: each "?" clause's signs have raised brows (browInnerUp) for a yes/no question, lowered
  (browDown_L) for a wh-question, beating the other by 0.2;
- headshake: each negation sign's head yaw changes sign at least twice within its frames ± 4.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from signllm.face import rules  # noqa: E402
from signllm.face.visemes import TEMPLATES  # noqa: E402
from signllm.languages import get_language  # noqa: E402
from signllm.lexicon import LexiconGenerator  # noqa: E402

SENTENCES = {
    "sgg": ["Die Kinder gehen heute nach Hause.", "Wo wohnen die Kinder?", "Kommst du heute?",
            "Ich trinke nicht Wasser.", "Der Vater spielt mit dem Hund.", "Wann schlafen die Kinder?",
            "Die Katze ist klein.", "Hast du ein Auto?", "Wir lernen nicht.", "Wer trinkt Wasser?",
            "Der Freund kommt morgen.", "Ist das Haus gross?", "Die Stadt ist alt.",
            "Warum spielt der Hund nicht?", "Mein Vater hat keine Zeit.", "Was trinkst du?",
            "Die Kinder spielen im Haus.", "Schläft die Katze?", "Der Hund ist nicht alt.",
            "Wie alt ist der Vater?", "Heute ist ein neuer Tag.", "Lernst du heute?",
            "Die Kinder haben keinen Hund.", "Wo ist das Auto?", "Der Freund trinkt Wasser.",
            "Ist die Stadt neu?", "Ich schlafe nicht.", "Welches Haus ist alt?",
            "Mein Freund lernt heute.", "Spielen die Kinder?"],
    "ase": ["The children go home today.", "Where do the children live?", "Are you coming today?",
            "I do not drink water.", "My father plays with the dog.", "When do the children sleep?",
            "The cat is small.", "Do you have a car?", "We are not learning.", "Who drinks water?",
            "My friend comes tomorrow.", "Is the house big?", "The city is old.",
            "Why does the dog not play?", "My father has no time.", "What do you drink?",
            "The children play in the house.", "Does the cat sleep?", "The dog is not old.",
            "How old is your father?", "Today is a new day.", "Do you study today?",
            "The children never eat meat.", "Where is the car?", "My friend drinks water.",
            "Is the city new?", "I do not sleep.", "Which house is old?",
            "My friend learns today.", "Do the children play?"],
}
MARGIN = 0.2          # brows: the expected channel beats the other by this much
SHAKE_SLACK = 4       # frames either side of a negation sign


def _visemes(mouthing: str) -> list[str]:
    """The viseme classes a word report lists ("mouthed (espeak-ng): kk-I-nn-DD-E")."""
    mouthed = mouthing.split("; ", 1)[0]          # then, maybe, "; notation face: ..."
    return mouthed.split(": ", 1)[1].split("-") if mouthed.startswith("mouthed") else []


def _read_back(weights: np.ndarray, names: tuple[str, ...], visemes: list[str]) -> list[str]:
    """Per frame the nearest of the word's templates, consecutive repeats collapsed."""
    own = sorted(set(visemes))
    cols = sorted({n for v in own for n in TEMPLATES[v]})
    index = [names.index(n) for n in cols]
    T = np.array([[TEMPLATES[v].get(n, 0.0) for n in cols] for v in own])
    W = weights[:, index]
    cos = (W @ T.T) / (np.linalg.norm(W, axis=1, keepdims=True) * np.linalg.norm(T, axis=1) + 1e-9)
    labels = [own[k] for k in cos.argmax(1)]
    return [v for i, v in enumerate(labels) if i == 0 or v != labels[i - 1]]


def _in_order(expected: list[str], got: list[str]) -> bool:
    it = iter(got)
    return all(v in it for v in expected)


def measure(language: str, sentences: list[str]) -> dict:
    lang = get_language(language)
    generator = LexiconGenerator()
    out = {"words": 0, "mouthed": 0, "ordered": 0, "onset": [], "offset": [], "questions": 0,
           "brows_ok": 0, "negations": 0, "shakes_ok": 0}
    for i, text in enumerate(sentences):
        stream = generator.stream(text, lang, seed=i)
        seq = stream.collect()
        face, names, fps = seq.face, seq.face.names, seq.fps
        mouth = [names.index(n) for n in sorted({n for t in TEMPLATES.values() for n in t})]
        words = [w for w in stream.info.words if w.frames]
        for k, w in enumerate(words):
            start, end = w.frames
            out["words"] += 1
            visemes = _visemes(w.mouthing)
            if not visemes:
                continue
            out["mouthed"] += 1
            out["ordered"] += _in_order(visemes, _read_back(face.weights[start:end], names, visemes))
            # look for the mouth's onset and offset up to the neighbouring words' own frames
            lo = words[k - 1].frames[1] if k else max(0, start - 10)
            hi = words[k + 1].frames[0] if k + 1 < len(words) else min(len(face.weights), end + 10)
            active = np.flatnonzero(face.weights[lo:hi, mouth].max(1) > 0.05) + lo
            if active.size:
                out["onset"].append((active[0] - start) / fps * 1000)
                out["offset"].append((active[-1] + 1 - end) / fps * 1000)
        if text.rstrip().endswith(rules.QUESTION) and words:
            wh = any(rules.is_wh_word(w.word, lang.spoken) for w in words)
            span = np.r_[tuple(slice(*w.frames) for w in words)]
            up = face.channel("browInnerUp")[span].mean()
            down = face.channel("browDown_L")[span].mean()
            out["questions"] += 1
            out["brows_ok"] += (down > up + MARGIN) if wh else (up > down + MARGIN)
        for w in words:
            if rules.is_negation(w.word, lang.spoken):
                start, end = w.frames
                yaw = face.head[max(0, start - SHAKE_SLACK):end + SHAKE_SLACK, 1]
                signs = np.sign(yaw[np.abs(yaw) > 1e-3])
                out["negations"] += 1
                out["shakes_ok"] += int(np.count_nonzero(np.diff(signs))) >= 2
    return out


def main() -> int:
    for language, sentences in SENTENCES.items():
        r = measure(language, sentences)
        print(f"{language}: {len(sentences)} sentences, {r['words']} words; mouthed "
              f"{r['mouthed']}, visemes read back in phoneme order {r['ordered']}/{r['mouthed']}; "
              f"mouth onset median {np.median(r['onset']):+.0f} ms, offset "
              f"{np.median(r['offset']):+.0f} ms against the sign's frames; questions with the "
              f"right brows {r['brows_ok']}/{r['questions']}; negations with a headshake "
              f"{r['shakes_ok']}/{r['negations']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
