"""Text scores for back-translation: BLEU-1..4, chrF, ROUGE-L, WER, pseudo-gloss P/R/F1.

All corpus-level scores are on a 0-100 scale except WER (a percentage that can exceed 100) so
they read like the sign-language-translation papers' tables. BLEU and chrF come from sacrebleu
(its standard tokenizer, exactly as papers report them); ROUGE-L is the sentence-level
LCS F-measure with beta = 1.2 averaged over sentences, as in the RWTH / Camgoz SLT evaluation
code the Phoenix-2014T numbers use.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence

from rapidfuzz.distance import Levenshtein

from .errors import BadInputError


def _check(hyps: Sequence[str], refs: Sequence[str]) -> None:
    if len(hyps) != len(refs):
        raise BadInputError(f"{len(hyps)} hypotheses but {len(refs)} references")
    if not refs:
        raise BadInputError("no sentences to score")


def bleu(hyps: Sequence[str], refs: Sequence[str]) -> dict[str, float]:
    """Corpus BLEU-1..4 (sacrebleu's 13a tokenizer; BLEU-n uses uniform weights up to n)."""
    from sacrebleu.metrics import BLEU
    _check(hyps, refs)
    return {f"bleu{n}": float(BLEU(max_ngram_order=n).corpus_score(list(hyps), [list(refs)]).score)
            for n in (1, 2, 3, 4)}


def chrf(hyps: Sequence[str], refs: Sequence[str]) -> float:
    from sacrebleu.metrics import CHRF
    _check(hyps, refs)
    return float(CHRF().corpus_score(list(hyps), [list(refs)]).score)


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], prev + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


def rouge_l(hyps: Sequence[str], refs: Sequence[str], beta: float = 1.2) -> float:
    """Mean sentence ROUGE-L F-measure (x100) on lower-cased whitespace tokens."""
    _check(hyps, refs)
    total = 0.0
    for hyp, ref in zip(hyps, refs):
        h, r = hyp.lower().split(), ref.lower().split()
        lcs = _lcs(h, r)
        if lcs:
            p, rec = lcs / len(h), lcs / len(r)
            total += (1 + beta**2) * p * rec / (rec + beta**2 * p)
    return 100.0 * total / len(refs)


def wer(hyps: Sequence[str], refs: Sequence[str]) -> float:
    """Corpus word error rate in percent: word edits / reference words (lower-cased)."""
    _check(hyps, refs)
    edits = sum(Levenshtein.distance(h.lower().split(), r.lower().split()) for h, r in zip(hyps, refs))
    words = sum(len(r.split()) for r in refs)
    return 100.0 * edits / max(words, 1)


def gloss_prf(hyp_glosses: Sequence[Sequence[str]],
              ref_glosses: Sequence[Sequence[str]]) -> dict[str, float]:
    """Micro precision/recall/F1 (x100) of pseudo-gloss multisets, pooled over sentences."""
    _check(hyp_glosses, ref_glosses)
    hit = n_hyp = n_ref = 0
    for h, r in zip(hyp_glosses, ref_glosses):
        hit += sum((Counter(h) & Counter(r)).values())
        n_hyp, n_ref = n_hyp + len(h), n_ref + len(r)
    p = hit / n_hyp if n_hyp else 0.0
    rec = hit / n_ref if n_ref else 0.0
    f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
    return {"gloss_precision": 100 * p, "gloss_recall": 100 * rec, "gloss_f1": 100 * f1}


def translation_scores(hyps: Sequence[str], refs: Sequence[str], spoken_lang: str | None = None,
                       ) -> dict[str, float]:
    """Every text score at once; pseudo-gloss P/R/F1 only when `spoken_lang` is given."""
    scores = {**bleu(hyps, refs), "chrf": chrf(hyps, refs), "rouge_l": rouge_l(hyps, refs),
              "wer": wer(hyps, refs)}
    if spoken_lang is not None:
        from .pseudogloss import pseudo_gloss
        scores.update(gloss_prf([pseudo_gloss(h, spoken_lang) for h in hyps],
                                [pseudo_gloss(r, spoken_lang) for r in refs]))
    return scores
