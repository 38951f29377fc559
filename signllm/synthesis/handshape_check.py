"""Real hands check synthesised handshapes (issue 18): a classifier trained only on the real
fingerspelling hands of the `spoken-to-signed` package names the handshape of a hand.

Labels. Letter → SignWriting hand symbol (the `signwriting` package's
`fingerspelling/data/<lang>.json`, FSW strings; the hand base is the `S1xx`/`S20x` symbol, its
fill/rotation digits ignored) → HamNoSys handshape (`signwriting-hand-to-hamnosys.json` from
`../shared/data/hamnosys`, read at run time; where it gives several spellings the first is
used) → `Handshape`. The label is the base handshape with its bending, explicitly selected
fingers and finger/thumb contacts; the thumb modifier is part of the label only for the bases
whose real letters show more than one thumb (e.g. fist: S across vs A open; finger2: D across vs
L out). A thumb equal to the base's default thumb (`hands.BASES`; HamNoSys' own defaults: fist
and finger2 across, flat along) counts as no modifier.

Real hands. The dominant hand (the clip's signing hand; right for these alphabets) of the hold
the project cuts from each letter clip (`signllm/assets/alphabets.json`), the middle half of it,
frames with all 21 points present, averaged into one sample per clip. The `.pose` files store
MediaPipe's relative hand depth with an unknown, per-recording scale (z ≈ 250 ± 0.02 on a
500-pixel canvas), so each clip set's depth scale is fitted once as the factor that makes the
hand's 20 bone lengths most constant across its letters (they are the same hand seen in
different poses). Letters whose wrist moves more than `MAX_MOTION_M` in the hold (ASL J and Z,
DGS J, DSGS M and Z) are left out: the movement blurs MediaPipe's hand.

Features. The 21 points in the hand's own frame, the frame `hands.py` builds hands in: origin
the wrist, x = wrist → middle knuckle, z = the thumb side (index knuckle − pinky knuckle, made
perpendicular to x), y = z × x = the palm normal; scale = the wrist → middle-knuckle length
(flexion does not change it, unlike wrist → fingertip). Rotation, position and size invariant.
Classifier: nearest class centroid (numpy only).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from .hands import BASES

LANGUAGES = ("sgg", "gsg", "ase")
MAX_MOTION_M = 0.25
HAND_COMPONENTS = {"right": "RIGHT_HAND_LANDMARKS", "left": "LEFT_HAND_LANDMARKS"}
BONES = ((0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (0, 9), (9, 10),
         (10, 11), (11, 12), (0, 13), (13, 14), (14, 15), (15, 16), (0, 17), (17, 18), (18, 19),
         (19, 20))
DEPTH_SCALES = np.arange(0, 4001, 50.0)


def hand_frame(points: np.ndarray) -> np.ndarray:
    """(…, 21, 3) right-hand points → (…, 21, 3) in the hand's own frame, wrist → middle
    knuckle = 1. A left hand must be mirrored first."""
    p = np.asarray(points, dtype=float)
    p = p - p[..., :1, :]
    x = p[..., 9, :]
    length = np.linalg.norm(x, axis=-1, keepdims=True)
    x = x / np.maximum(length, 1e-9)
    t = p[..., 5, :] - p[..., 17, :]
    z = t - (t * x).sum(-1, keepdims=True) * x
    z = z / np.maximum(np.linalg.norm(z, axis=-1, keepdims=True), 1e-9)
    y = np.cross(z, x)
    rot = np.stack([x, y, z], axis=-1)                       # columns: the frame's axes
    return np.einsum("...kj,...ji->...ki", p, rot) / length[..., None]


def features(points: np.ndarray) -> np.ndarray:
    """(…, 21, 3) right-hand points → (…, 60) features (the wrist, always 0, left out)."""
    local = hand_frame(points)
    return local[..., 1:, :].reshape(*local.shape[:-2], 60)


# --------------------------------------------------------------------------- labels

def label(handshape, thumbed: frozenset = frozenset()) -> str | None:
    """The class name of a `Handshape`; the thumb only for bases in `thumbed`."""
    if handshape is None or handshape.base is None:
        return None
    base = handshape.base
    parts = [base]
    thumb = handshape.thumb
    if base in BASES and thumb == BASES[base][2]:
        thumb = None
    if base in thumbed:
        parts.append(f"thumb {thumb or 'default'}")
    if handshape.bending:
        parts.append(handshape.bending)
    if handshape.fingers:
        parts.append("fingers " + "".join(map(str, handshape.fingers)))
    for finger, bend in handshape.finger_bending:
        parts.append(f"{finger} {bend}")
    if handshape.thumb_contact:
        parts.append(f"thumb on {handshape.thumb_contact}")
    if handshape.finger_contact:
        part, pair = handshape.finger_contact
        parts.append(f"{part} {''.join(map(str, pair))}")
    if handshape.between is not None:
        parts.append("between " + (label(handshape.between, thumbed) or "?"))
    if handshape.opening:
        parts.append(handshape.opening)
    return ", ".join(parts)


def hand_symbol(fsw: str) -> str | None:
    """The first SignWriting hand base (S100–S204) of an FSW string, e.g. "S1f7"."""
    for key in re.findall(r"S([0-9a-f]{3})[0-9a-f]{2}", fsw):
        if 0x100 <= int(key, 16) <= 0x204:
            return "S" + key
    return None


def letter_handshapes(language: str, mapping: dict, signwriting_dir: Path) -> dict:
    """letter (upper case) → (SignWriting hand base, `Handshape` or None)."""
    from ..notation import parse_hamnosys

    data = json.loads((signwriting_dir / "fingerspelling" / "data" / f"{language}.json")
                      .read_text("utf-8"))
    out = {}
    for letter, strings in data.items():
        if isinstance(strings, dict):            # punctuation with variants: not a letter
            continue
        symbol = hand_symbol(strings[0]) if strings else None
        spellings = mapping.get(symbol, []) if symbol else []
        shape = parse_hamnosys(spellings[0]).dominant.handshape if spellings else None
        out[letter.upper()] = (symbol, shape)
    return out


# --------------------------------------------------------------------------- real hands

@dataclass
class RealHand:
    language: str
    letter: str
    symbol: str | None
    handshape: object          # `Handshape` or None
    points: np.ndarray         # (21, 3) mean hand in its own frame (mirrored to a right hand)
    frames: int


@dataclass
class RealSet:
    hands: list[RealHand]
    skipped: list[tuple[str, str, str]] = field(default_factory=list)   # (language, letter, why)
    depth_scale: dict = field(default_factory=dict)


def _hand_frames(path: Path, side: str, start: int, end: int) -> np.ndarray:
    """(n, 21, 3) image points of one hand in the middle half of the hold, all 21 present."""
    from pose_format import Pose

    pose = Pose.read(path.read_bytes())
    offset = 0
    for comp in pose.header.components:
        if comp.name == HAND_COMPONENTS[side]:
            break
        offset += len(comp.points)
    else:
        return np.zeros((0, 21, 3))
    quarter = (end - start) // 4
    lo, hi = start + quarter, max(start + quarter + 1, end - quarter)
    data = np.asarray(pose.body.data[lo:hi, 0, offset:offset + 21], dtype=float)
    conf = np.asarray(pose.body.confidence[lo:hi, 0, offset:offset + 21], dtype=float)
    keep = (conf > 0).all(axis=1)
    return data[keep]


def _fit_depth(samples: list[np.ndarray]) -> float:
    """The depth scale that makes bone lengths most constant over a clip set's hands."""
    stacked = np.concatenate(samples)
    rel = stacked - stacked[:, :1]
    best, best_cv = 0.0, np.inf
    for k in DEPTH_SCALES:
        p = rel * [1, 1, k]
        lengths = np.stack([np.linalg.norm(p[:, a] - p[:, b], axis=-1) for a, b in BONES], 1)
        lengths /= lengths.sum(1, keepdims=True)
        cv = float(np.mean(lengths.std(0) / lengths.mean(0)))
        if cv < best_cv:
            best, best_cv = float(k), cv
    return best


def real_hands(mapping: dict, signwriting_dir: Path, clips_dir: Path,
               languages=LANGUAGES) -> RealSet:
    """The real letter hands of `languages`, labelled via SignWriting → HamNoSys."""
    with resources.files("signllm.assets").joinpath("alphabets.json").open(encoding="utf-8") as f:
        index = json.load(f)
    result = RealSet([])
    for language in languages:
        shapes = letter_handshapes(language, mapping, signwriting_dir)
        raw = []
        for letter, clip in index[language]["letters"].items():
            symbol, shape = shapes.get(letter, (None, None))
            if shape is None:
                why = "no SignWriting hand" if symbol is None else f"{symbol} has no HamNoSys"
                result.skipped.append((language, letter, why))
                continue
            if clip["motion_m"] > MAX_MOTION_M:
                result.skipped.append((language, letter, f"moves {clip['motion_m']:.2f} m"))
                continue
            side = "left" if clip["hands"] == "left" else "right"
            frames = _hand_frames(clips_dir / clip["path"], side, clip["start"], clip["end"])
            if len(frames) == 0:
                result.skipped.append((language, letter, "hand not seen in the hold"))
                continue
            if side == "left":
                frames = frames * [-1, 1, 1]
            raw.append((letter, symbol, shape, frames))
        if not raw:
            continue
        k = _fit_depth([r[3] for r in raw])
        result.depth_scale[language] = k
        for letter, symbol, shape, frames in raw:
            local = hand_frame(frames * [1, 1, k]).mean(0)
            result.hands.append(RealHand(language, letter, symbol, shape, local, len(frames)))
    return result


def thumbed_bases(hands: list[RealHand]) -> frozenset:
    """Bases whose real letters show more than one thumb (after the default counts as none)."""
    seen: dict[str, set] = {}
    for h in hands:
        base, thumb = h.handshape.base, h.handshape.thumb
        if base in BASES and thumb == BASES[base][2]:
            thumb = None
        seen.setdefault(base, set()).add(thumb)
    return frozenset(b for b, t in seen.items() if len(t) > 1)


# --------------------------------------------------------------------------- classifier

class NearestCentroid:
    """Nearest class mean of the hand-frame features (Euclidean)."""

    def fit(self, x: np.ndarray, y: list[str]) -> "NearestCentroid":
        self.classes = sorted(set(y))
        labels = np.array(y)
        self.centroids = np.stack([x[labels == c].mean(0) for c in self.classes])
        return self

    def predict(self, x: np.ndarray) -> list[str]:
        d = np.linalg.norm(np.asarray(x)[:, None] - self.centroids[None], axis=-1)
        return [self.classes[i] for i in d.argmin(1)]


def cross_validate(x: np.ndarray, y: list[str], groups: list) -> tuple[list[str], list[bool]]:
    """Leave-one-group-out predictions; a sample whose class has no other group is not scored
    (returned with `scored` False)."""
    y, groups = np.array(y), np.array([str(g) for g in groups])
    predicted, scored = [], []
    for i in range(len(y)):
        train = groups != groups[i]
        if not (y[train] == y[i]).any():
            predicted.append("")
            scored.append(False)
            continue
        model = NearestCentroid().fit(x[train], list(y[train]))
        predicted.append(model.predict(x[i:i + 1])[0])
        scored.append(True)
    return predicted, scored
