"""Round trip: plausible signing motions -> 50 keypoints by FK -> (noise, dropped joints) -> fit.

Reports mean keypoint error (mm, against the clean keypoints), joint-angle error (degrees,
global orientation of the arm and hand bones) and throughput of the batched and the streaming
fitter — frames per wall-clock second and per CPU second of this process (the machine may be
shared; everything runs on one thread) — beside a naive baseline measured in the same run: L-BFGS on all SMPL-X
parameters through the full `smplx` forward pass (mesh included), from the zero pose.

    python benchmarks/retarget_roundtrip.py [--sequences 6 --frames 250 --baseline-frames 16]
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch

from retarget.body import load_body
from retarget.fit import ACTIVE, StreamingFitter, fit_sequence, motion_keypoints
from retarget.kinematics import forward_kinematics
from retarget.mannequin import mannequin_path
from retarget.skeleton55 import KEYPOINT_JOINT, KEYPOINT_VERTEX, VERTEX_IDS
from retarget.synthetic import sample_motion
from signllm.pose import PoseSequence
from signllm.skeleton import L_HAND, R_HAND

ARMS_HANDS = np.array([j for j in ACTIVE if j >= 16])


def corrupt(kp: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Detector-like noise: 5 mm body / 3 mm hand jitter, 5% dropped joints, and one 10-frame
    dropout of a whole hand per 100 frames."""
    T = len(kp)
    sd = np.full(kp.shape[1], 0.005)
    sd[np.r_[L_HAND, R_HAND]] = 0.003
    noisy = kp + rng.normal(0, 1, kp.shape) * sd[None, :, None]
    conf = np.ones(kp.shape[:2], np.float32)
    conf[rng.random(conf.shape) < 0.05] = 0
    for _ in range(max(1, T // 100)):
        t0 = rng.integers(0, max(1, T - 10))
        conf[t0:t0 + 10, L_HAND if rng.random() < 0.5 else R_HAND] = 0
    return noisy, conf


def angle_error_deg(fit, truth) -> float:
    Gf = forward_kinematics(fit.local_rotmats(), fit.rest_joints)[0][:, ARMS_HANDS]
    Gt = forward_kinematics(truth.local_rotmats(), truth.rest_joints)[0][:, ARMS_HANDS]
    cos = (np.trace(np.swapaxes(Gf, -1, -2) @ Gt, axis1=-2, axis2=-1) - 1) / 2
    return float(np.degrees(np.arccos(np.clip(cos, -1, 1))).mean())


def keypoint_error_mm(motion, body, clean) -> float:
    return float(np.linalg.norm(motion_keypoints(motion, body) - clean, axis=-1).mean() * 1000)


def naive_baseline(body, motions, frames: int, iterations: int):
    """L-BFGS through smplx's full forward pass on `frames` frames; returns (fps, error mm)."""
    import smplx
    model = smplx.create(str(mannequin_path()), model_type="smplx", use_pca=False, flat_hand_mean=True,
                         num_betas=10, num_expression_coeffs=10, batch_size=frames)
    m = motions[0]
    target_np = motion_keypoints(m, body)[:frames]
    target = torch.tensor(target_np, dtype=torch.float32)
    names = ("global_orient", "body_pose", "left_hand_pose", "right_hand_pose", "transl")
    sizes = (3, 63, 45, 45, 3)
    params = {n: torch.zeros(frames, s, requires_grad=True) for n, s in zip(names, sizes)}
    betas = torch.zeros(1, 10, requires_grad=True)
    vid = torch.tensor([VERTEX_IDS[v] if v else 0 for v in KEYPOINT_VERTEX])
    is_vertex = torch.tensor([v is not None for v in KEYPOINT_VERTEX])
    kj = torch.tensor(KEYPOINT_JOINT)
    opt = torch.optim.LBFGS(list(params.values()) + [betas], max_iter=iterations, line_search_fn="strong_wolfe")

    def keypoints():
        out = model(betas=betas.expand(frames, 10), **params)
        return torch.where(is_vertex[None, :, None], out.vertices[:, vid], out.joints[:, kj])

    def closure():
        opt.zero_grad()
        loss = ((keypoints() - target) ** 2).sum()
        loss.backward()
        return loss

    clock = _Clock()
    opt.step(closure)
    wall, cpu = clock.stop()
    with torch.no_grad():
        err = (keypoints() - target).norm(dim=-1).mean().item() * 1000
    return frames / wall, frames / cpu, err


class _Clock:
    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sequences", type=int, default=6)
    ap.add_argument("--frames", type=int, default=250)
    ap.add_argument("--baseline-frames", type=int, default=16)
    ap.add_argument("--baseline-iterations", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    load = os.getloadavg()
    torch.set_num_threads(1)
    rng = np.random.default_rng(args.seed)
    body = load_body()
    motions = [sample_motion(body, args.frames, rng) for _ in range(args.sequences)]
    clean = [motion_keypoints(m, body) for m in motions]
    fit_sequence(PoseSequence.from_joints(clean[0][:20]), body)  # warm-up (imports torch)

    rows = []
    for label, make in (("clean", lambda kp: (kp, np.ones(kp.shape[:2], np.float32))),
                        ("noisy+dropped", lambda kp: corrupt(kp, rng))):
        inputs = [make(kp) for kp in clean]
        clock = _Clock()
        fits = [fit_sequence(PoseSequence(k, c, fps=25.0), body) for k, c in inputs]
        wall, cpu = clock.stop()
        kerr = np.mean([keypoint_error_mm(f, body, kp) for f, kp in zip(fits, clean)])
        aerr = np.mean([angle_error_deg(f, m) for f, m in zip(fits, motions)])
        n = args.sequences * args.frames
        rows.append((f"batched, {label}", kerr, aerr, n / wall, n / cpu))
        # streaming: one body shape for the stream (the first sequence's true betas)
        m, (k, c) = motions[0], inputs[0]
        streamer = StreamingFitter(body.with_betas(m.betas), fps=25.0)
        clock = _Clock()
        frames = [streamer.push(k[t], c[t]) for t in range(len(k))]
        wall, cpu = clock.stop()
        sm = streamer.motion(frames)
        rows.append((f"streaming, {label}", keypoint_error_mm(sm, body, clean[0]),
                     angle_error_deg(sm, m), len(k) / wall, len(k) / cpu))
    base_wall, base_cpu, base_err = naive_baseline(body, motions, args.baseline_frames,
                                                   args.baseline_iterations)
    rows.append((f"naive L-BFGS through smplx ({args.baseline_iterations} it.), clean", base_err,
                 float("nan"), base_wall, base_cpu))

    print(f"{args.sequences} sequences x {args.frames} frames, mannequin body, random shapes, seed {args.seed}")
    print(f"load average before the run: {load[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'method':52s} {'kp err mm':>9s} {'angle deg':>9s} {'frames/s':>9s} {'per CPU s':>9s}")
    for name, kerr, aerr, fps, cfps in rows:
        print(f"{name:52s} {kerr:9.2f} {aerr:9.2f} {fps:9.1f} {cfps:9.1f}")
    print(f"speed-up over the naive baseline (wall / CPU): batched {rows[0][3] / base_wall:.0f}x / "
          f"{rows[0][4] / base_cpu:.0f}x, streaming {rows[1][3] / base_wall:.0f}x / "
          f"{rows[1][4] / base_cpu:.0f}x")


if __name__ == "__main__":
    main()
