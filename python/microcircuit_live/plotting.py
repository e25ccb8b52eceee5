"""The reference's two standard figures with Matplotlib: a raster of all
populations (L2/3 at the top, excitatory #595289, inhibitory #af143c, layer
labels on the y axis) and a horizontal box plot of per-neuron rates.

Each function draws into a Matplotlib Axes, so notebooks can place them;
``save_raster`` and ``save_boxplot`` write the files Network.evaluate()
writes (without touching pyplot's global state)."""

from __future__ import annotations

import numpy as np

from .network_params import POPULATIONS

EXC_COLOR = "#595289"
INH_COLOR = "#af143c"
LAYERS = ["L2/3", "L4", "L5", "L6"]


def raster(ax, senders, times, id_ranges, t_start, t_stop, every=1, marker_size=1.0):
    """Raster of spikes in [t_start, t_stop] (ms). ``id_ranges`` is a list of
    8 (first, last) NEST ids; the y axis counts neurons from the top so that
    L2/3 is at the top. ``every`` plots every n-th spike (large networks)."""
    senders = np.asarray(senders)
    times = np.asarray(times)
    last = id_ranges[-1][1]
    keep = (times >= t_start) & (times <= t_stop)
    senders, times = senders[keep], times[keep]
    for i, (lo, hi) in enumerate(id_ranges):
        mask = (senders >= lo) & (senders <= hi)
        ax.plot(
            times[mask][::every],
            last - senders[mask][::every] + 1,
            "o",
            ms=marker_size,
            mew=0,
            color=EXC_COLOR if i % 2 == 0 else INH_COLOR,
            rasterized=True,
        )
        if i % 2 == 0 and i > 0:  # a thin line between layers
            ax.axhline(last - lo + 1.5, color="0.85", lw=0.5, zorder=0)
    centres = [last - (id_ranges[2 * k][0] + id_ranges[2 * k + 1][1]) / 2.0 + 1 for k in range(4)]
    ax.set_yticks(centres)
    ax.set_yticklabels(LAYERS)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(t_start, t_stop)
    ax.set_ylim(0.5, last - id_ranges[0][0] + 1.5)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron id")
    return ax


def boxplot(ax, rates):
    """Horizontal box plot of per-neuron rates: ``rates`` is a list of 8
    arrays (Hz) in population order; L2/3E is drawn at the top."""
    data = [np.asarray(rates[i], dtype=float) for i in range(len(rates))][::-1]
    names = [p.replace("23", "2/3") for p in POPULATIONS][::-1]
    bp = ax.boxplot(
        data,
        vert=False,
        showmeans=True,
        meanline=True,
        patch_artist=True,
        medianprops=dict(color="black", linewidth=2.0),
        meanprops=dict(color="lightgray", linestyle="--", linewidth=2.0),
        flierprops=dict(marker="+", markeredgecolor="red", markersize=3),
    )
    for k, box in enumerate(bp["boxes"]):
        pop = len(data) - 1 - k
        box.set_facecolor(EXC_COLOR if pop % 2 == 0 else INH_COLOR)
        box.set_edgecolor("black")
    ax.set_yticks(range(1, len(data) + 1))
    ax.set_yticklabels(names)
    ax.set_xlabel("firing rate (spikes/s)")
    ax.set_ylabel("neuron population")
    return ax


# The reference's figure style: 4 x 3 inches at 300 dpi, 8 pt text.
_STYLE = {"font.size": 8, "axes.labelsize": 8, "xtick.labelsize": 8, "ytick.labelsize": 8}


def _save(path, draw):
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(4, 3), dpi=300)
        FigureCanvasAgg(fig)
        draw(fig.add_subplot(1, 1, 1))
        fig.tight_layout()
        fig.savefig(path)


def save_raster(path, senders, times, id_ranges, t_start, t_stop, every=1):
    """Writes the raster figure (PNG, 4 x 3 in at 300 dpi) to ``path``."""
    _save(path, lambda ax: raster(ax, senders, times, id_ranges, t_start, t_stop, every=every))


def save_boxplot(path, rates):
    """Writes the box plot of per-neuron rates (PNG) to ``path``."""
    _save(path, lambda ax: boxplot(ax, rates))
