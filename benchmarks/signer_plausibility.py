"""Does the fitted avatar look like a signer? Before (main's defaults) -> after, same inputs.

Inputs: the PHOENIX sample (3D), the How2Sign sample (2D OpenPose), the lexicon generator's
fingerspelling in five languages and the bundled SignLLM models. "Before" fits them with the new
features off (no One Euro filter, no rotation smoothing, no rest for missing arms, no body volume,
no signing-space prior) and, for generated input, as main produced it (depth_known=True, the
unseen hand present with confidence 1). Figures per input set:
- inside: share of frames with a hand keypoint (wrist + 21 per hand) deeper than 5 mm inside
  the mannequin's body volume (retarget/volume.py), measured in the fitted torso's frame;
- front: median distance (cm) of the signing (right) wrist in front of the shoulder line during
  letters (generated fingerspelling) or while raised above the chest (How2Sign);
- speed: peak fitted wrist speed / peak input wrist speed (xy only for 2D input);
- finger / arm: share of rotation steps above 17 deg/frame; cap: share of steps at the rate limit;
- error: mean keypoint error (mm) of the fitted keypoints against the observed ones (xy for 2D).

    python benchmarks/signer_plausibility.py
"""
from __future__ import annotations

import glob
import time

import numpy as np

from retarget.body import load_body
from retarget.fit import SCALE_RANGE, FitOptions, _body_scale, _unit_factor, fit_sequence, motion_keypoints, rotation_steps
from retarget.geometry import _T, _mv
from retarget.kinematics import forward_kinematics
from retarget.skeleton55 import joint
from retarget.volume import body_volume
from signllm.formats import read
from signllm.lexicon import LexiconGenerator
from signllm.model.generator import load_signllm_generator
from signllm.skeleton import L_HAND, L_SHOULDER, L_WRIST, NECK, R_HAND, R_SHOULDER, R_WRIST

DATA = "../shared/data"
OFF = dict(one_euro=False, smooth_rotations=0.0, rest_ease=0, body_volume=False, signing_space=False)
HANDS = np.r_[L_WRIST, R_WRIST, L_HAND, R_HAND]
TEXT = "hello my friend, thank you"
LANGS = ("ase", "gsg", "sgg", "slf", "tsm")  # the five with an alphabet
SENTENCES = ("hello, how are you today", "the weather is nice in the morning", "thank you very much")


def torso_points(motion, body):
    """Fitted keypoints in the fitted torso's frame (neck origin), and the keypoints themselves."""
    kp = motion_keypoints(motion, body)
    G, P = forward_kinematics(motion.local_rotmats(), motion.rest_joints, motion.transl)
    s3, neck = joint("spine3"), joint("neck")
    return _mv(_T(G[:, s3])[:, None], kp - P[:, neck][:, None]), kp


def metres(pose, body):
    """The input's joints in metres, divided as the fitter divides them."""
    valid = pose.confidence > 0.2
    scale = _body_scale(pose.joints.astype(float), valid, body.rest_keypoints())
    if scale is not None and not SCALE_RANGE[0] <= scale <= SCALE_RANGE[1]:
        return pose.joints / _unit_factor(scale, pose.name)
    return pose.joints


def measure(pose, truth, body, letters=None, **opts):
    """Fit `pose`; compare with `truth` (the same clip with its honest confidence)."""
    m = fit_sequence(pose, body, **opts)
    joints = metres(truth, body)
    q, kp = torso_points(m, body)
    vol = body_volume(body, m.betas)
    inside = vol.inside(q[:, HANDS]).any(1)
    line = 0.5 * (q[:, L_SHOULDER, 2] + q[:, R_SHOULDER, 2])
    if letters is None:  # while raised above the chest, in the input
        letters = (truth.confidence[:, R_WRIST] > 0.2) & (joints[:, R_WRIST, 1] > joints[:, NECK, 1] - 0.3)
    front = (q[letters, R_WRIST, 2] - line[letters]) * 100 if letters.any() else np.array([np.nan])
    dims = 3 if truth.depth_known else 2
    ok = truth.confidence[:, R_WRIST] > 0.2
    both = ok[1:] & ok[:-1]
    v_in = np.linalg.norm(np.diff(joints[:, R_WRIST, :dims], axis=0), axis=-1)[both]
    v_out = np.linalg.norm(np.diff(kp[:, R_WRIST, :dims], axis=0), axis=-1)[both]
    steps = rotation_steps(m)
    cap = FitOptions().max_speed / pose.fps
    valid = truth.confidence > 0.2
    err = np.linalg.norm(kp[..., :dims] - joints[..., :dims], axis=-1)[valid]
    return dict(inside=inside, front=front, speed=[v_out.max() / max(v_in.max(), 1e-9)] if both.any() else [],
                finger=steps[:, 25:].ravel(), arm=steps[:, 16:22].ravel(), cap=steps.ravel() >= cap * 0.999,
                error=err * 1000, frames=m.num_frames)


def summary(results):
    cat = lambda k: np.concatenate([np.ravel(r[k]) for r in results])  # noqa: E731
    lim = np.radians(17)
    return {"inside %": 100 * cat("inside").mean(), "front cm": np.nanmedian(cat("front")),
            "speed x": cat("speed").max() if len(cat("speed")) else np.nan,
            "finger>17 %": 100 * (cat("finger") > lim).mean(), "arm>17 %": 100 * (cat("arm") > lim).mean(),
            "cap %": 100 * cat("cap").mean(), "error mm": cat("error").mean()}


def as_main(pose, rest_frames=None):
    """A generated sequence as main wrote it: depth 'known', every joint present."""
    conf = pose.confidence.copy()
    if rest_frames is None:
        conf[:] = 1
    else:
        conf[rest_frames] = 1
    return pose.with_(depth_known=True, confidence=conf)


def inputs():
    sets = {"phoenix": [(s, None, None) for f in ("dev", "train") for s in read(f"{DATA}/phoenix14t-pt-sample/{f}.skels")],
            "how2sign": [(read(p)[0], None, None) for p in sorted(glob.glob(f"{DATA}/how2sign-openpose-sample/*/"))]}
    lex = LexiconGenerator()
    spelled = []
    for lang in LANGS:
        s = lex.generate(TEXT, lang, seed=0)
        lead_in, lead_out = lex._leads(s.fps)
        letters = np.zeros(s.num_frames, bool)
        letters[1 + lead_in:s.num_frames - lead_out - 1] = True
        rest = np.r_[0, np.arange(s.num_frames - lead_out - 1, s.num_frames)]
        spelled.append((s, as_main(s, rest), letters))
    sets["fingerspelling"] = spelled
    model = []
    for mode in ("mlsf", "prompt"):
        g = load_signllm_generator(mode=mode)
        lang = g.model.languages[0]
        model += [(s, as_main(s), None) for s in (g.generate(t, lang) for t in SENTENCES)]
    sets["signllm"] = model
    return sets


def main():
    body = load_body()
    print(f"{'set':15s} {'figure':12s} {'before':>9s} -> {'after':>9s}")
    for name, items in inputs().items():
        t = time.perf_counter()
        before = summary([measure(s if old is None else old, s, body, letters, **OFF) for s, old, letters in items])
        after = summary([measure(s, s, body, letters) for s, _, letters in items])
        for k in before:
            print(f"{name:15s} {k:12s} {before[k]:9.2f} -> {after[k]:9.2f}")
        print(f"{name:15s} ({len(items)} clips, {sum(s.num_frames for s, _, _ in items)} frames, "
              f"{time.perf_counter() - t:.1f} s)")


if __name__ == "__main__":
    main()
