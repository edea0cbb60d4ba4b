"""The Simulation sheet's picture: a fan chart of the traced paths (also written by ``ceo-model simulate --plot``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model.simulate import SimulationResult


def fan_chart(result: SimulationResult, path: str | Path, which: tuple[str, ...] = ("price", "gross")) -> Path:
    """Write a PNG fan chart (5–95% and 25–75% bands and the median by trading day) of the traced paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = {
        "price": (result.trace_price, "Share price ($)"),
        "gross": (result.trace_gross / 1e6, "Cumulative gross ($M)"),
    }
    fig, axes = plt.subplots(1, len(which), figsize=(5.2 * len(which), 3.8), dpi=100, squeeze=False)
    days = np.arange(1, result.sim.days + 1)
    for ax, key in zip(axes[0], which, strict=True):
        values, label = data[key]
        if values.shape[0]:
            q = np.percentile(values, [5, 25, 50, 75, 95], axis=0)
            ax.fill_between(days, q[0], q[4], color="#9ecae1", label="5–95%")
            ax.fill_between(days, q[1], q[3], color="#4292c6", label="25–75%")
            ax.plot(days, q[2], color="#08306b", lw=1.5, label="median")
        if key == "gross":
            ax.axhline(result.terms.schedule.maximum / 1e6, color="#a50f15", lw=1, ls="--", label="maximum")
        ax.set_xlabel("Trading day")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=4, fontsize=8, frameon=False)  # off the band
    fig.suptitle(
        f"{result.sim.paths:,} paths × {result.sim.days} trading days, {result.sim.adv_fraction:.0%} of daily volume "
        f"(bands of the first {values.shape[0]:,} paths)",
        fontsize=10,
    )
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path
