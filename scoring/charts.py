"""Charts as inline SVG strings: reports must open without internet access."""
from __future__ import annotations

from html import escape

from scoring.l10n import format_score, format_signed
from scoring.ranking import classify

# Colours by class; chosen to read in greyscale print too (dark to light).
CLASS_COLOURS = {"tot": "#1a7f37", "kha": "#4c8eda", "trung_binh": "#d4a017", "yeu": "#c0392b", None: "#999999"}
FONT = 'font-family="sans-serif" font-size="11"'


def distribution_svg(scores: list[float], cutoffs: list[dict], title: str, bins: int = 10,
                     lang: str = "vi") -> str:
    """Histogram of 0..1 scores in `bins` equal bins, each bar coloured by the class
    of its lower edge."""
    width, height, left, bottom, top = 380, 170, 30, 30, 24
    counts = [0] * bins
    for s in scores:
        counts[min(int(s * bins), bins - 1)] += 1
    peak = max(counts) or 1
    bar_w = (width - left - 10) / bins
    plot_h = height - bottom - top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f'<text x="{left}" y="14" {FONT} font-weight="bold">{escape(title)}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#333"/>']
    for i, n in enumerate(counts):
        x = left + i * bar_w
        h = plot_h * n / peak
        colour = CLASS_COLOURS[classify(i / bins, cutoffs)]
        parts.append(f'<rect x="{x + 1:.1f}" y="{height - bottom - h:.1f}" width="{bar_w - 2:.1f}" '
                     f'height="{h:.1f}" fill="{colour}"><title>{format_score(i / bins, 1, lang)}–{format_score((i + 1) / bins, 1, lang)}: {n}</title></rect>')
        if n:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom - h - 3:.1f}" {FONT} '
                         f'text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 14}" {FONT}>{format_score(i / bins, 1, lang)}</text>')
    parts.append(f'<text x="{width - 10}" y="{height - bottom + 26}" {FONT} text-anchor="end">{format_score(1, 1, lang)}</text></svg>')
    return "".join(parts)


def change_svg(items: list[tuple[str, float, float]], title: str, decimals: int = 3,
               lang: str = "vi") -> str:
    """Diverging bars of (name, previous, current): gains right, losses left."""
    label_w, bar_area, row_h, top = 220, 300, 18, 26
    width = label_w + bar_area + 70
    height = top + row_h * max(len(items), 1) + 10
    centre = label_w + bar_area / 2
    biggest = max((abs(c - p) for _, p, c in items), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f'<text x="4" y="14" {FONT} font-weight="bold">{escape(title)}</text>',
             f'<line x1="{centre}" y1="{top - 4}" x2="{centre}" y2="{height - 6}" stroke="#333"/>']
    for i, (name, before, after) in enumerate(items):
        y = top + i * row_h
        delta = after - before
        w = (bar_area / 2) * abs(delta) / biggest
        x = centre if delta >= 0 else centre - w
        colour = "#1a7f37" if delta > 0 else ("#c0392b" if delta < 0 else "#999999")
        short = name if len(name) <= 34 else name[:33] + "…"
        parts.append(f'<text x="4" y="{y + 12}" {FONT}>{escape(short)}</text>')
        parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row_h - 6}" fill="{colour}">'
                     f'<title>{escape(name)}: {format_score(before, decimals, lang)} → {format_score(after, decimals, lang)}</title></rect>')
        parts.append(f'<text x="{label_w + bar_area + 6}" y="{y + 12}" {FONT}>{format_signed(delta, decimals, lang)}</text>')
    parts.append("</svg>")
    return "".join(parts)
