"""Real faces as a check on the mouthing (issue 20, "must show").

    python benchmarks/real_face.py [--data ../shared/data]

Real side: the mouth opening of a real signer's face over time, the inner-lip distance over the
face width (MediaPipe face-mesh points 13 and 14, the inner lips' midpoints, over 234 and 454,
the cheeks' outer edges; found by name in the `.pose` header, in the image plane). Clips:
- the four DSGS lexical signs of `dsgs-lexical-poses` (ESSEN, KINDER, KLEINE, PIZZA), where the
  signer mouths the German word;
- the DSGS single letters of spoken-to-signed's fingerspelling lexicon (A-Z, Ä, Ö, Ü; a
  different signer), where the signer may mouth the letter's name.
Our side: the lexicon generator (DSGS, face on, seed 0) signs the same word or letter; its
`jawOpen` curve is the one compared (the jaw is what opens the lips; the other shapes round,
spread or press them).

Alignment, bounded on purpose: ours is stretched uniformly (x0.67 .. x1.5) about its centre and
shifted (+/-0.4 s) onto the real clip's time axis, both sampled at the real clip's frames (ours
interpolated, held at its ends); the best Pearson r over that grid is reported. A uniform stretch
and a lag cannot reorder the mouth's openings, as DTW could, so the r says whether the openings
come in the real order. How much the two free parameters flatter r alone is measured by the
floor "other words": every other word's curve aligned to this clip the same way.
Amplitude: one linear map jawOpen -> opening (a, b) fitted over the four aligned words together;
its error per word beside a constant mouth's (the real clip's own mean, the best constant).
Deterministic; well under a minute.
"""
from __future__ import annotations

import argparse
import csv
import sys
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from signllm.errors import BadInputError  # noqa: E402
from signllm.languages import get_language  # noqa: E402
from signllm.lexicon import LexiconGenerator, package_alphabet_dir  # noqa: E402

FACE = "FACE_LANDMARKS"
INNER_LIPS = ("13", "14")        # face-mesh upper / lower inner lip, midline
FACE_WIDTH = ("234", "454")      # face-mesh right / left cheek edge
WORDS = {"essen": "Essen", "kinder": "Kinder", "kleine": "Kleine", "pizza": "Pizza"}
LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ")
STRETCH = np.geomspace(1 / 1.5, 1.5, 21)
LAG_S = 0.4
SEED = 0


def mouth_opening(pose) -> np.ndarray:
    """(T,) inner-lip distance / face width of the first person of a pose-format `Pose`, in the
    image plane; NaN where a point is missing."""
    components = [c.name for c in pose.header.components]
    if FACE not in components:
        raise BadInputError(f"no {FACE} component (has {', '.join(components)})")
    at = components.index(FACE)
    offset = sum(len(c.points) for c in pose.header.components[:at])
    index = {name: offset + i for i, name in enumerate(pose.header.components[at].points)}
    missing = [p for p in (*INNER_LIPS, *FACE_WIDTH) if p not in index]
    if missing:
        raise BadInputError(f"{FACE} lacks the face-mesh point(s) {', '.join(missing)}")
    data = np.array(np.ma.getdata(pose.body.data)[:, 0, :, :2], np.float64)
    seen = np.array(pose.body.confidence[:, 0], np.float64) > 0
    seen &= ~np.ma.getmaskarray(pose.body.data)[:, 0].any(-1)

    def distance(a: str, b: str) -> np.ndarray:
        d = np.linalg.norm(data[:, index[a]] - data[:, index[b]], axis=-1)
        return np.where(seen[:, index[a]] & seen[:, index[b]], d, np.nan)

    width = distance(*FACE_WIDTH)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(width > 0, distance(*INNER_LIPS) / width, np.nan)


def read_opening(path: Path) -> tuple[np.ndarray, float]:
    from pose_format import Pose
    pose = Pose.read(path.read_bytes())
    return mouth_opening(pose), float(pose.body.fps)


def ours(text: str, generator: LexiconGenerator) -> tuple[np.ndarray, float]:
    """Our jawOpen curve for `text` signed in DSGS."""
    seq = generator.stream(text, get_language("sgg"), seed=SEED).collect()
    return seq.face.channel("jawOpen").astype(np.float64), float(seq.fps)


def warp(curve: np.ndarray, fps: float, frames: int, real_fps: float, stretch: float,
         lag_s: float) -> np.ndarray:
    """`curve` stretched about its centre and shifted onto `frames` frames at `real_fps`."""
    t = np.arange(frames) / real_fps
    centre_real, centre_ours = (frames - 1) / real_fps / 2, (len(curve) - 1) / fps / 2
    u = centre_ours + (t - centre_real - lag_s) / stretch
    return np.interp(u * fps, np.arange(len(curve)), curve)


def align(curve: np.ndarray, fps: float, real: np.ndarray, real_fps: float
          ) -> tuple[float, np.ndarray]:
    """(best r, the aligned curve) over the stretch x lag grid."""
    lags = np.arange(-LAG_S, LAG_S + 1e-9, 1 / real_fps)
    best = (-np.inf, None)
    for s in STRETCH:
        for lag in lags:
            w = warp(curve, fps, len(real), real_fps, s, lag)
            if w.std() == 0:
                continue
            r = float(np.corrcoef(w, real)[0, 1])
            if r > best[0]:
                best = (r, w)
    return best


def _range(x: np.ndarray) -> str:
    return f"{np.percentile(x, 5):.3f}..{np.percentile(x, 95):.3f}"


def words_table(data: Path, generator: LexiconGenerator) -> list[str]:
    real = {stem: read_opening(data / "dsgs-lexical-poses" / "sgg" / f"{stem}.pose")
            for stem in WORDS}
    for stem, (curve, _) in real.items():
        if np.isnan(curve).any():
            raise BadInputError(f"{stem}.pose: face points missing in some frames")
    mine = {stem: ours(text, generator) for stem, text in WORDS.items()}
    aligned = {stem: align(*mine[stem], *real[stem]) for stem in WORDS}
    a, b = np.polyfit(np.concatenate([aligned[s][1] for s in WORDS]),
                      np.concatenate([real[s][0] for s in WORDS]), 1)
    lines = ["| word | real frames | r (ours, aligned) | r other words aligned (mean, max) | "
             "real opening p5..p95 | ours jawOpen p5..p95 | ours mapped p5..p95 | "
             "RMSE ours mapped | RMSE constant mouth |", "|---" * 9 + "|"]
    rs, floors = [], []
    for stem, text in WORDS.items():
        curve, fps = real[stem]
        r, w = aligned[stem]
        others = [align(*mine[o], curve, fps)[0] for o in WORDS if o != stem]
        rs.append(r)
        floors += others
        mapped = a * w + b
        lines.append(f"| {text.upper()} | {len(curve)} @ {fps:g} fps | {r:.2f} | "
                     f"{np.mean(others):.2f}, {max(others):.2f} | {_range(curve)} | "
                     f"{_range(mine[stem][0])} | {_range(mapped)} | "
                     f"{np.sqrt(np.mean((mapped - curve) ** 2)):.3f} | {curve.std():.3f} |")
    lines.append(f"\nmean r {np.mean(rs):.2f} (own word) vs {np.mean(floors):.2f} (other words, "
                 f"same alignment); map: opening = {a:.3f} x jawOpen + {b:.3f}")
    return lines


def letters_table(generator: LexiconGenerator) -> list[str]:
    folder = package_alphabet_dir()
    rows = csv.DictReader((folder / "index.csv").open(encoding="utf-8"))
    named = {unicodedata.normalize("NFC", row["words"]): row for row in rows
             if row["signed_language"] == "sgg"}      # the index spells some letters decomposed
    clips = {k: folder / named[k]["path"] for k in LETTERS if k in named}
    real = {k: read_opening(p) for k, p in clips.items()}
    real = {k: v for k, v in real.items() if not np.isnan(v[0]).any()}
    mine = {k: ours(k, generator) for k in real}
    own = [align(*mine[k], *real[k])[0] for k in real]
    rng = np.random.default_rng(SEED)     # one other letter per clip (all pairs: 800 alignments)
    keys = list(real)
    other = [align(*mine[keys[(i + 1 + rng.integers(len(keys) - 1)) % len(keys)]], *real[k])[0]
             for i, k in enumerate(keys)]
    peak_real = np.array([real[k][0].max() - np.median(real[k][0][:3]) for k in keys])
    peak_ours = np.array([mine[k][0].max() for k in keys])
    rank = lambda x: np.argsort(np.argsort(x))  # noqa: E731
    rho = float(np.corrcoef(rank(peak_real), rank(peak_ours))[0, 1])
    return [f"{len(keys)} DSGS letters (spoken-to-signed's clips): median r own letter "
            f"{np.median(own):.2f} (p25..p75 {np.percentile(own, 25):.2f}.."
            f"{np.percentile(own, 75):.2f}), one other letter aligned the same way "
            f"{np.median(other):.2f}; Spearman rho of the peak opening across letters (real peak "
            f"above its first frames vs our peak jawOpen) {rho:.2f}; real peak p5..p95 "
            f"{_range(peak_real)}, ours {_range(peak_ours)}"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args(argv)
    generator = LexiconGenerator()
    print("\n".join(words_table(args.data, generator)))
    print()
    print("\n".join(letters_table(generator)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
