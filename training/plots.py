"""Training-curve plot (PNG) written next to the checkpoints."""
from __future__ import annotations

from pathlib import Path


def plot_curves(history: list[dict], path: Path) -> None:
    """Loss and reward per step, validation DTW per evaluation."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from signllm.atomic import atomic_path

    steps = [r["step"] for r in history]
    evals = [r for r in history if "val_dtw" in r]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    axes[0].plot(steps, [r["joint_mse"] for r in history], label="joint MSE")
    for key, label in (("counter_mse", "counter MSE"), ("duration_mse", "log-duration MSE")):
        if history and key in history[0]:
            axes[0].plot(steps, [r[key] for r in history], label=label)
    axes[0].set_yscale("log")
    axes[1].plot(steps, [r["reward"] for r in history], label="batch reward")
    axes[2].plot([r["step"] for r in evals], [r["val_dtw"] for r in evals], "o-",
                 label="validation DTW (PT)")
    for ax in axes:
        ax.set_xlabel("step")
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=80)
    plt.close(fig)
