"""Unquoted prompts ("How do you sign good morning?"): find the sentence between learned frames.

Learned, not hand-written: `PromptFrames.learn` reads question templates (a line with `{}`
where the sentence goes, e.g. the Prompt2Sign templates of a training corpus) and keeps, per
template, the word sequences that end just before the slot (left contexts) and that begin just
after it (right contexts), with `^`/`$` marking the prompt's start and end. A prompt's sentence
is the span whose words before it end like the longest known left context and whose words after
it begin like the longest known right context. Local contexts ("... sign language for {}?",
"how {} is ...") are shared across templates, so prompts built on templates never seen in
learning are read too (measured by cross-validation over templates in
tests/test_prompts_templates.py).

Frames are data learned from a corpus; they travel inside the Prompt2LangGloss checkpoint that
learned them, as plain JSON-able lists, so nothing of a training corpus ships on its own. The
bundled model's frames are also written beside it as JSON (`python -m training.bundle`), so that
reading a prompt never needs torch (`bundled_frames`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"\w")
# a quoted slot teaches the same frame as a bare one: quotes are found before frames are used
_QUOTED_SLOT = re.compile(r"['\"‘’“”„«»‹›「」『』]+\{\}['\"‘’“”„«»‹›「」『』]+")
START, END = "^", "$"
MAX_CONTEXT = 8          # words of context kept on each side of the slot
MIN_EVIDENCE = 2         # frame words a prompt must match to count as a prompt
MAX_PROMPT_TOKENS = 96   # longer texts are sentences, not question prompts


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().casefold(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@dataclass
class PromptFrames:
    left: set[tuple[str, ...]] = field(default_factory=set)
    right: set[tuple[str, ...]] = field(default_factory=set)
    _vocab: set[str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def learn(cls, templates: list[str]) -> "PromptFrames":
        frames = cls()
        for template in templates:
            if template.count("{}") != 1:
                continue
            before, after = _QUOTED_SLOT.sub("{}", template).split("{}")
            left = [START] + [t for t, _, _ in _tokens(before)]
            right = [t for t, _, _ in _tokens(after)] + [END]
            for k in range(1, min(len(left), MAX_CONTEXT) + 1):
                frames.left.add(tuple(left[-k:]))
            for k in range(1, min(len(right), MAX_CONTEXT) + 1):
                frames.right.add(tuple(right[:k]))
        return frames

    @classmethod
    def from_filled(cls, prompts: list[str], sentences: list[str]) -> "PromptFrames":
        """Learn from prompts with the sentences they were filled with (a corpus's .prompt/.text)."""
        return cls.learn([p.replace(s, "{}", 1) for p, s in zip(prompts, sentences)
                          if s and p.count(s) == 1])

    def to_dict(self) -> dict:
        return {"left": sorted(list(x) for x in self.left),
                "right": sorted(list(x) for x in self.right)}

    @classmethod
    def from_dict(cls, data: dict) -> "PromptFrames":
        return cls({tuple(x) for x in data.get("left", [])}, {tuple(x) for x in data.get("right", [])})

    def __bool__(self) -> bool:
        return bool(self.left and self.right)

    def _match(self, context: list[str], known: set, from_end: bool) -> int:
        best = 0
        for k in range(1, min(len(context), MAX_CONTEXT) + 1):
            if tuple(context[-k:] if from_end else context[:k]) in known:
                best = k
        return best

    def find(self, text: str) -> tuple[int, int] | None:
        """Character span of the sentence in an unquoted prompt, or None if no frame fits.

        Each split prompt = frame + sentence + frame is costed: a frame word that is not part
        of the context matched next to the slot costs 1 if no template has it, 0.25 if one
        does; a known frame word inside the sentence costs 0.5 (sentences may use them: "do",
        "you"); punctuation is free; the longest context matches break ties. A split is a
        prompt only if its frame has at least MIN_EVIDENCE known words, at most a quarter
        unknown ones, and context on either side of the slot matches. Texts longer than
        MAX_PROMPT_TOKENS are not question prompts (and the search is quadratic).
        """
        toks = _tokens(text)
        words = [t for t, _, _ in toks]
        n = len(words)
        if n > MAX_PROMPT_TOKENS:
            return None
        vocab = self._vocabulary()
        is_word = [bool(_WORD.match(w)) for w in words]
        known = [w in vocab for w in words]
        unknown_prefix = np.concatenate([[0], np.cumsum([w and not k for w, k in zip(is_word, known)])])
        known_prefix = np.concatenate([[0], np.cumsum([w and k for w, k in zip(is_word, known)])])
        left = [self._match([START] + words[:i], self.left, True) for i in range(n)]
        right = [self._match(words[j:] + [END], self.right, False) for j in range(n + 1)]
        best, span = None, None
        for i in range(n):
            for j in range(i + 1, n + 1):
                if not (left[i] or right[j]):
                    continue
                frame_unknown = unknown_prefix[i] + unknown_prefix[n] - unknown_prefix[j]
                frame_known = known_prefix[i] + known_prefix[n] - known_prefix[j]
                if frame_known < MIN_EVIDENCE or frame_unknown * 3 > frame_known:
                    continue
                if not any(is_word[i:j]):
                    continue
                a, b = max(0, i - left[i]), min(n, j + right[j])   # frame words off the contexts
                loose_unknown = unknown_prefix[a] + unknown_prefix[n] - unknown_prefix[b]
                loose_known = known_prefix[a] + known_prefix[n] - known_prefix[b]
                inside_known = known_prefix[j] - known_prefix[i]
                cost = (loose_unknown + 0.25 * loose_known + 0.5 * inside_known
                        - 0.01 * (left[i] + right[j]))
                if best is None or cost < best:
                    best, span = cost, (toks[i][1], toks[j - 1][2])
        return span

    def _vocabulary(self) -> set[str]:
        if self._vocab is None:
            self._vocab = {w for ctx in self.left | self.right for w in ctx} - {START, END}
        return self._vocab


def frames_file(mode: str) -> str:
    """File name of a bundled model's frames, beside its checkpoint in signllm/assets/models/."""
    return f"{mode}.frames.json"


@lru_cache(maxsize=1)
def bundled_frames() -> PromptFrames | None:
    """The bundled Prompt2LangGloss model's frames (None without one), read without torch."""
    from importlib import resources

    from .coverage import MODELS_PACKAGE

    path = resources.files(MODELS_PACKAGE).joinpath(frames_file("prompt"))
    if not path.is_file():
        return None
    return PromptFrames.from_dict(json.loads(path.read_text(encoding="utf-8")))
