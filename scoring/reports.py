"""Reports of a scored run: per-target HTML pages, ranking tables in HTML,
Markdown, CSV and XLSX, an index page, and inline SVG charts.

    write_reports(evidence, scores, out_dir, formats=("html", "md", "csv", "xlsx"),
                  lang="vi", previous=None) -> list[Path]
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import jinja2

from scoring import charts, l10n
from scoring.archived import attach
from scoring.catalogue import group_words
from scoring.exports import write_csv
from scoring.matrix import criteria_matrix
from scoring.methodology import choose_methodology, load_methodology, text
from scoring.shots import attach_screenshots
from scoring.tables import rank_text, ranking_tables, target_index, target_views, tr
from scoring.workbook import about_rows, write_xlsx

FORMATS = ("html", "md", "csv", "xlsx")
TEMPLATE_DIR = Path(__file__).with_name("templates")


def parse_formats(values: Iterable[str] | str | None) -> list[str]:
    """"html,md" or ["html", "csv"] -> known formats in canonical order; empty -> all."""
    if isinstance(values, str):
        values = [values]
    wanted = {f.strip().lower() for v in (values or []) for f in str(v).split(",") if f.strip()}
    unknown = wanted - set(FORMATS) - {"all"}
    if unknown:
        raise ValueError(f"unknown report format(s): {', '.join(sorted(unknown))}; use {', '.join(FORMATS)}")
    if not wanted or "all" in wanted:
        return list(FORMATS)
    return [f for f in FORMATS if f in wanted]


def methodology_for(evidence: dict, scores: list[dict], methodology: dict | str | None = None) -> dict:
    """The methodology the scores were made with (named on each score row by
    score_run), else the run's, else the one valid on the run's date."""
    if isinstance(methodology, dict):
        return methodology
    name = methodology or next((s.get("methodology") for s in scores if s.get("methodology")), None)
    try:
        return load_methodology(name or choose_methodology(evidence.get("run")))
    except FileNotFoundError:
        return load_methodology(choose_methodology(evidence.get("run")))


def _environment(lang: str, decimals: int) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
                             autoescape=jinja2.select_autoescape(["html", "html.j2"]),
                             trim_blocks=True, lstrip_blocks=True)

    env.globals.update(
        tr=lambda key, section=None, **kw: tr(key, lang, section, **kw),
        rank_text=lambda row: rank_text(row, lang),
        # Points, shares and cut-offs: two decimals at most, no trailing zeros (3, 2,5, 71,33).
        fmt=lambda value: l10n.format_points(value, lang),
        signed=lambda value: l10n.format_signed(value, decimals, lang),
        when=lambda value: l10n.format_datetime(value, lang),
        group=lambda code: group_words(code, lang), lang=lang)
    # Markdown cells: text from portals and target files, never markup. HTML
    # is escaped (a Markdown viewer passes raw <script> through), Markdown's
    # own punctuation is backslash-escaped (no links, images or emphasis), a
    # pipe or newline would break the row.
    env.filters["md"] = markdown_text
    # Links from portals: only http(s) becomes a link (no javascript:, data:, file:).
    env.filters["href"] = lambda url: url if str(url or "").lower().startswith(("http://", "https://")) else "#"
    return env


_MD_ACTIVE = re.compile(r"([\\`\[\]|])")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def markdown_text(value) -> str:
    """`value` as literal text in a Markdown table cell: no raw HTML (`<`, `>`
    and entity-like `&` escaped), no link, image or code span (`[`, `]`, `` ` ``
    and `\\` backslash-escaped), no broken row (`|`, newlines)."""
    text = " ".join(str(value or "").split())
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    return _MD_ACTIVE.sub(r"\\\1", text)


def _run_title(run: dict | None) -> str:
    run = run or {}
    label = run.get("label")
    return f"#{run.get('id', '?')}" + (f" — {label}" if label else "")


def _charts(evidence: dict, scores: list[dict], m: dict, lang: str,
            previous: dict | None) -> tuple[list, list]:
    by_group: dict[str, list[float]] = defaultdict(list)
    for s in scores:
        if s["category"] == "overall" and s.get("score") is not None:
            by_group[str(s.get("group"))].append(s["score"])
    cutoffs = m["classification"]["cutoffs"]
    distribution = [(g, charts.distribution_svg(v, cutoffs, f"{tr('distribution', lang)} — {group_words(g, lang)}", lang=lang))
                    for g, v in sorted(by_group.items(), key=lambda kv: str(kv[0]))]
    changes = []
    if previous:
        before = {s["target_id"]: s.get("score") for s in previous.get("scores") or []
                  if s["category"] == "overall"}
        names = target_index(evidence)
        items: dict[str, list] = defaultdict(list)
        for s in scores:
            b = before.get(s["target_id"])
            if s["category"] == "overall" and s.get("score") is not None and b is not None:
                name = names.get(s["target_id"], {}).get("name") or s["target_id"]
                items[str(s.get("group"))].append((name, b, s["score"]))
        for g in sorted(items, key=str):
            rows = sorted(items[g], key=lambda i: i[2] - i[1], reverse=True)
            changes.append((g, charts.change_svg(rows, f"{tr('change', lang)} — {group_words(g, lang)}", m["decimals"], lang=lang)))
    return distribution, changes


def write_reports(evidence: dict, scores: list[dict], out_dir: str | Path,
                  formats: Iterable[str] = FORMATS, lang: str = "vi",
                  previous: dict | None = None, methodology: dict | str | None = None,
                  screenshots: Callable[[str], list[dict]] | None = None) -> list[Path]:
    """Write the reports of one scored run into out_dir; returns the files written.
    `previous` = {"evidence": ..., "scores": ...} of an earlier run for the change chart;
    `screenshots(target_id)`: the run's screenshots of a target (results.screenshots.screenshots_of)."""
    formats = parse_formats(list(formats))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    m = methodology_for(evidence, scores, methodology)
    decimals = int(m["decimals"])
    tables = ranking_tables(evidence, scores, m, lang)
    views = target_views(evidence, scores, m, lang, (previous or {}).get("scores"))
    written: list[Path] = []
    context = {
        "run": evidence.get("run") or {}, "run_title": _run_title(evidence.get("run")),
        "methodology_title": text(m["title"], lang), "methodology_name": m["name"],
        "cutoffs": sorted(m["classification"]["cutoffs"], key=lambda c: -float(c["min"])),
        "cutoffs_source": text(m["classification"].get("source", ""), lang),
        "tables": tables, "views": views,
    }
    env = _environment(lang, decimals)
    if "csv" in formats:
        written.append(write_csv(tables, out / "rankings.csv", lang, decimals))
    if "xlsx" in formats:
        written.append(write_xlsx(tables, out / "rankings.xlsx", lang, decimals,
                                  matrix=criteria_matrix(evidence, scores, m, lang),
                                  about=about_rows(evidence.get("run"), text(m["title"], lang), lang)))
    if "md" in formats:
        path = out / "rankings.md"
        path.write_text(env.get_template("rankings.md.j2").render(**context), encoding="utf-8")
        written.append(path)
    if "html" in formats:
        target_dir = out / "targets"
        target_dir.mkdir(exist_ok=True)
        page = env.get_template("target.html.j2")
        copy = env.get_template("archived_page.html.j2")
        written += attach(evidence.get("run") or {}, views, target_dir, lambda answer, text: copy.render(
            url=answer.url, final_url=answer.final_url, status=answer.status, rendered=answer.rendered,
            record_id=answer.record_id, text=text))
        written += attach_screenshots(views, target_dir, screenshots, lang)
        for v in views:
            path = target_dir / f"{v['slug']}.html"
            path.write_text(page.render(v=v, **context), encoding="utf-8")
            written.append(path)
        path = out / "rankings.html"
        path.write_text(env.get_template("rankings.html.j2").render(**context), encoding="utf-8")
        written.append(path)
        distribution, changes = _charts(evidence, scores, m, lang, previous)
        files = [p.name for p in written if p.parent == out]
        path = out / "index.html"
        path.write_text(env.get_template("index.html.j2").render(
            files=files, distribution=distribution, changes=changes,
            previous_title=_run_title((previous or {}).get("evidence", {}).get("run")), **context),
            encoding="utf-8")
        written.append(path)
    return written
