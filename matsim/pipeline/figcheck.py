"""Overlapping text in a matplotlib figure: tick labels, axis labels, titles, legends, figure texts.

:func:`overlapping_labels` draws the figure (Agg) and compares the window extents of every visible
text pair (shrunk by ``pad_px`` so touching boxes do not count). :func:`tidy` calls ``tight_layout``
when something overlaps and returns what still does -- the pipeline saves stage figures through it
and prints a warning naming the clashing labels.
"""

from __future__ import annotations

from itertools import combinations


def _shown_ticks(axis, lim):
    """Tick labels inside the view limits (matplotlib keeps labels of ticks outside them, undrawn)."""
    lo, hi = min(lim), max(lim)
    tol = 1e-9 * max(abs(hi - lo), 1e-300)
    return [t.label1 for t in axis.get_major_ticks() + axis.get_minor_ticks()
            if t.label1.get_visible() and lo - tol <= t.get_loc() <= hi + tol]


def _texts(fig):
    """(name, artist, index of its axes or -1) of every visible text and legend."""
    out = []
    for k, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        items = _shown_ticks(ax.xaxis, ax.get_xlim()) + _shown_ticks(ax.yaxis, ax.get_ylim())
        items += [ax.xaxis.label, ax.yaxis.label, ax.title, getattr(ax, "_left_title", None),
                  getattr(ax, "_right_title", None)]
        for t in items:
            if t is not None and t.get_visible() and t.get_text().strip():
                out.append((f"axes {k} '{t.get_text().strip()[:30]}'", t, k))
        leg = ax.get_legend()
        if leg is not None and leg.get_visible():
            out.append((f"axes {k} legend", leg, k))
    for t in list(fig.texts) + ([fig._suptitle] if getattr(fig, "_suptitle", None) is not None else []):
        if t.get_visible() and t.get_text().strip():
            out.append((f"figure '{t.get_text().strip()[:30]}'", t, -1))
    return out


def overlapping_labels(fig, pad_px: float = 1.0, edges: bool = True) -> list[str]:
    """What is wrong with the figure's text: ``"a <-> b"`` for two texts whose boxes overlap,
    ``"a <-> axes k"`` for a text running into another axes' plot area, ``"a cut off"`` for a text
    outside the figure (lost when saved without ``bbox_inches="tight"``; ``edges=False`` skips that test)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    areas = [ax.get_window_extent(renderer) if ax.get_visible() else None for ax in fig.axes]
    boxes, clashes = [], []
    for name, artist, k in _texts(fig):
        try:
            bb = artist.get_window_extent(renderer)
        except (RuntimeError, ValueError):
            continue
        if not (bb.width > 2 * pad_px and bb.height > 2 * pad_px):
            continue
        bb = bb.expanded((bb.width - 2 * pad_px) / bb.width, (bb.height - 2 * pad_px) / bb.height)
        outside = (bb.x0 < page.x0 - pad_px or bb.y0 < page.y0 - pad_px
                   or bb.x1 > page.x1 + pad_px or bb.y1 > page.y1 + pad_px)
        if edges and outside:
            clashes.append(f"{name} cut off at the figure edge")
        for j, area in enumerate(areas):
            if area is not None and j != k and k >= 0 and bb.overlaps(area):
                clashes.append(f"{name} <-> plot area of axes {j}")
        boxes.append((name, bb))
    for (na, a), (nb, b) in combinations(boxes, 2):
        if a.overlaps(b):
            clashes.append(f"{na} <-> {nb}")
    return clashes


def tidy(fig, edges: bool = True) -> list[str]:
    """``tight_layout`` when labels overlap; the overlaps left afterwards (empty = clean)."""
    import warnings
    clashes = overlapping_labels(fig, edges=edges)
    if clashes and not fig.get_constrained_layout():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # "tight_layout not applied": reported below instead
            try:
                fig.tight_layout()
            except (ValueError, RuntimeError):
                pass
        clashes = overlapping_labels(fig, edges=edges)
    return clashes
