"""Training losses: masked MSE on joints and counter, and SignLLM's RL loss + Priority Learning
Channel (SignLLM's: reward r = -MSE of a sample, sampling probability P(i) = r(i)^eta / sum_j
r(j)^eta, batches whose reward is below 50 % skipped; docs/model.md).

Reward mapping (the paper's r = -MSE is negative, so r^eta is undefined): we use
    r_i = exp(-MSE_i / tau)  in (0, 1],
where MSE_i is sample i's mean squared joint error in normalised units (per-coordinate std = 1,
so the mean pose scores MSE ~ 1). r = 1 for a perfect sample; with the default tau = 1/ln 2 a
sample exactly as good as the mean pose gets r = 0.5, so the paper's "skip batches below 50 %"
means "skip batches no better than predicting the mean pose".

RL loss: the decoder is deterministic, so its reward is differentiable and we maximise the
expected reward directly: L_RL = mean_i (1 - r_i), added to the MSE loss with weight `rl.weight`.
Its gradient is the MSE gradient re-weighted by r_i / tau: samples the model already does well
are refined harder (the "bigger reward for smaller error" of the paper).

PLC: every training sample keeps a priority = its latest reward (1 before it was seen); batches
are drawn with P(i) = r_i^eta / sum_j r_j^eta (without replacement), and after `warmup_steps` a
batch whose mean reward is below `skip_threshold` is skipped (forward pass only, no backward or
optimiser step), which is where the claimed time saving would come from.
"""
from __future__ import annotations

import math

import torch

from signllm.model.network import frame_tokens, repeats

DEFAULT_TAU = 1.0 / math.log(2.0)


def masked_losses(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-sample (joint MSE, counter MSE) over every predicted future frame, masked."""
    err = (pred - target) ** 2 * mask
    joints = err[..., :-1].sum((1, 2, 3)) / mask[..., :-1].sum((1, 2, 3)).clamp_min(1)
    counter = err[..., -1].sum((1, 2)) / mask[..., -1].sum((1, 2)).clamp_min(1)
    return joints, counter


def repeat_frame_weights(src: torch.Tensor, durations: torch.Tensor, width: int,
                         weight: float) -> torch.Tensor:
    """(B, width) loss weight per frame: `weight` on the frames of a repeated token, 1 elsewhere.

    A doubled letter differs from a single one only by a short sideways glide; weighting its
    frames makes the model pay for rendering the pair as one long hold (a merged double).
    """
    repeated = repeats(src).gather(1, frame_tokens(durations, width))
    return 1.0 + (weight - 1.0) * repeated.float()


def duration_loss(log_durations: torch.Tensor, durations: torch.Tensor, pad: torch.Tensor
                  ) -> torch.Tensor:
    """Per-sample MSE of predicted log(1 + frames) per token (durations decoder), padding masked."""
    err = (log_durations - torch.log1p(durations.float())) ** 2 * (~pad)
    return err.sum(1) / (~pad).sum(1).clamp_min(1)


def reward(joint_mse: torch.Tensor, tau: float = DEFAULT_TAU) -> torch.Tensor:
    """r = exp(-MSE / tau) in (0, 1]; differentiable."""
    return torch.exp(-joint_mse / tau)


def rl_loss(joint_mse: torch.Tensor, tau: float = DEFAULT_TAU) -> torch.Tensor:
    return (1.0 - reward(joint_mse, tau)).mean()


class PriorityChannel:
    """Priority sampling over the training set, P(i) = r_i^eta / sum r^eta."""

    def __init__(self, size: int, eta: float = 1.0, skip_threshold: float = 0.5,
                 warmup_steps: int = 0):
        self.priorities = torch.ones(size, dtype=torch.float64)
        self.eta, self.skip_threshold, self.warmup_steps = eta, skip_threshold, warmup_steps

    def sample(self, batch: int, generator: torch.Generator) -> list[int]:
        weights = self.priorities.clamp_min(1e-12) ** self.eta
        return torch.multinomial(weights, min(batch, len(weights)), replacement=False,
                                 generator=generator).tolist()

    def update(self, indices: list[int], rewards: torch.Tensor) -> None:
        self.priorities[torch.tensor(indices)] = rewards.detach().double().cpu()

    def skip(self, batch_reward: float, step: int) -> bool:
        return step >= self.warmup_steps and batch_reward < self.skip_threshold

    def state_dict(self) -> dict:
        return {"priorities": self.priorities.clone()}

    def load_state_dict(self, state: dict) -> None:
        self.priorities = state["priorities"].clone()
