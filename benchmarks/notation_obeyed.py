"""Does the synthesised sign do what its notation says? (issue 18, "the notation is obeyed")

    python benchmarks/notation_obeyed.py [--limit N] [--no-retarget]

Over the built-in DSGS lexicon (first gloss of each entry), on the initial posture of each sign
(the middle frame of its start hold):

- contact: signs whose initial location touches a body site (`hamtouch` at a head or torso
  site, or half way between two such sites with `hambetween`): distance from the named hand
  part (else the hand point nearest the site) to that site's surface point on the
  synthesiser's body (target: median ≤ 1.5 cm, p95 ≤ 3 cm);
- extended-finger direction (wrist → knuckles) and palm normal against the notated ones
  (target: p95 ≤ 15° and ≤ 20°), over every sign that notates them; the palm read relative to
  the finger direction, as HamNoSys defines it (`synthesise.palm_about`);

measured on the keypoints and again on the keypoints of the SMPL-X motion fitted to them on the
mannequin (`retarget.fit.fit_sequence`, default options). Palm normals are measured from the
keypoints as the hand frame of `signllm/synthesis/hands.py` defines it (y = palm; z = thumb
side). Hand sites (on the other hand) and arm sites are left out of the contact figure: their
target moves with the other hand.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from signllm.sign_lexicon import builtin_dsgs, describe  # noqa: E402
from signllm.skeleton import R_HAND  # noqa: E402
from signllm.synthesis import Body, synthesise  # noqa: E402
from signllm.synthesis.body import HEAD_SITES, TORSO_SITES, body_site  # noqa: E402
from signllm.synthesis.hands import part_point  # noqa: E402
from signllm.synthesis.synthesise import HOLD_START, direction, palm_about  # noqa: E402

FPS = 25.0
HOLD_FRAME = int(round(HOLD_START * FPS / 2))   # the middle of the start hold


def _hand_frame(hand: np.ndarray):
    """(finger, palm) unit vectors of a right hand's 21 points."""
    finger = hand[[5, 9, 13, 17]].mean(0) - hand[0]
    finger /= np.linalg.norm(finger)
    thumb_side = hand[5] - hand[17]
    thumb_side -= (thumb_side @ finger) * finger
    thumb_side /= np.linalg.norm(thumb_side)
    return finger, np.cross(thumb_side, finger)


def _angle(a, b) -> float:
    return float(np.degrees(np.arccos(np.clip(a @ b / np.linalg.norm(a) / np.linalg.norm(b), -1, 1))))


def measure(joints: np.ndarray, desc, body: Body) -> dict:
    """Contact distance (m) and direction errors (degrees) of one sign's initial posture."""
    hand = joints[HOLD_FRAME, R_HAND].astype(float)
    out = {}
    loc = desc.dominant.location
    if loc is not None and loc.contact == "touch" and loc.site in {**HEAD_SITES, **TORSO_SITES}:
        target, _ = body_site(body, loc.site, loc.side)
        second = body_site(body, loc.second.site, loc.second.side) if loc.second else None
        if second is not None:   # "between two sites": half way, as the notation says
            target = (target + second[0]) / 2
        point = part_point(hand, loc.hand_part, loc.hand_fingers) if loc.hand_part else None
        if point is None:   # no part named: the hand's point nearest the site makes the contact
            point = hand[np.argmin(np.linalg.norm(hand - target, axis=1))]
        out["contact"] = float(np.linalg.norm(point - target))
    o = desc.dominant.orientation
    finger, palm = _hand_frame(hand)
    want_finger = direction(o.finger_direction, o.finger_between) if o else None
    if want_finger is not None and not o.relative:
        out["finger"] = _angle(finger, want_finger)
        want_palm = direction(o.palm, o.palm_between)
        if want_palm is not None:   # read as the synthesiser reads it: turned with the fingers
            want_palm = palm_about(want_finger, want_palm)
            want_palm = want_palm - (want_palm @ want_finger) * want_finger
            if np.linalg.norm(want_palm) > 1e-6:
                out["palm"] = _angle(palm, want_palm)
    return out


def summary(name: str, rows: list[dict]) -> None:
    def stat(key, unit, scale):
        v = np.array([r[key] for r in rows if key in r]) * scale
        return f"{key} n={v.size} median {np.median(v):.1f} {unit}, p95 {np.percentile(v, 95):.1f} {unit}"
    print(f"{name}: " + "; ".join((stat("contact", "cm", 100), stat("finger", "deg", 1),
                                   stat("palm", "deg", 1))))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, help="only the first N signs (a quick look)")
    ap.add_argument("--no-retarget", action="store_true", help="keypoints only")
    args = ap.parse_args()
    entries = {}
    for sign in builtin_dsgs().signs:
        entries.setdefault(sign.source, sign)
    signs = list(entries.values())[:args.limit]
    body = Body()
    descs = [describe(s) for s in signs]
    descs = [d for d in descs if d.then is None]   # compounds: their first part's posture only
    seqs = [synthesise(d, fps=FPS) for d in descs]
    summary(f"keypoints ({len(seqs)} signs)", [measure(s.joints, d, body) for s, d in zip(seqs, descs)])
    if args.no_retarget:
        return 0
    from retarget.body import load_body
    from retarget.fit import fit_sequence, motion_keypoints
    mannequin = load_body()
    started, rows = time.perf_counter(), []
    for k, (seq, desc) in enumerate(zip(seqs, descs)):
        motion = fit_sequence(seq, mannequin)
        rows.append(measure(motion_keypoints(motion, mannequin), desc, body))
        if (k + 1) % 100 == 0:
            print(f"  fitted {k + 1}/{len(seqs)} ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr)
    summary(f"after retargeting on the mannequin ({len(rows)} signs, "
            f"{time.perf_counter() - started:.0f} s)", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
