#!/usr/bin/env python3
"""The paper's figures from stored runs, for `bundlekd report --figure` (which pipes the data in).

--data FILE (or stdin): {"figure": "rq1" | "rq2" | "rq3" | "attribution", "title": str, "rows": [report rows as
`bundlekd report --format json` prints them], "effects": [{"label", "precision", "ci": [lo, hi],
"helped", "hurt", "sessions"}], "references": [{"id", "kind": "chance" | "baseline", "label", "method",
"precision", "recall", "coverage"}]}: the no-model lines (chance has a precision only). Writes --output in
--format (svg, png or pdf).

SVG text stays text (svg.fonttype = none) and every series is a group with an id
("series-…", "bars-…-<i>"), so the figures can be checked by parsing them.
"""
import argparse
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "bundlekd", "font.size": 9})
METRICS = ["precision", "recall", "coverage"]
# One colour per utilisation method in every figure, one marker per format.
METHOD_COLORS = {"icl": "tab:blue", "sft": "tab:orange", "icl+sft": "tab:green", "teacher": "tab:red",
                 "aicl": "tab:purple"}
MARKERS = ["o", "s", "^", "D", "v", "P"]
# The no-model references: grey lines, one dash pattern per rule; chance in black, dotted.
REFERENCE_STYLES = {"random": (0, (1, 1)), "first-pair": "-.", "same-category": "--", "mined-pairs": (0, (5, 1))}


def draw_references(ax, references, metric, prefix=""):
    """Each reference with a value of `metric` as a labelled horizontal line ("reference-<metric>-<id>").

    Labels sit at the right end of their line, alternating with the left end in value order, so
    two close lines (chance and first-pair, say) keep both labels readable."""
    shown = sorted((r for r in references if r.get(metric) is not None), key=lambda r: r[metric])
    for k, ref in enumerate(shown):
        chance = ref["kind"] == "chance"
        line = ax.axhline(ref[metric], color="black" if chance else "dimgrey", linewidth=0.9,
                          linestyle=":" if chance else REFERENCE_STYLES.get(ref.get("method"), "--"), zorder=0.5)
        line.set_gid(f"reference-{metric}-{ref['id']}")
        right = k % 2 == 0
        text = ax.text(0.99 if right else 0.01, ref[metric], prefix + ref["label"], transform=ax.get_yaxis_transform(),
                       ha="right" if right else "left", va="bottom", fontsize=6, zorder=5,
                       color="black" if chance else "dimgrey",
                       bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5})
        text.set_gid(f"reference-label-{metric}-{ref['id']}")


def tag(bars, name):
    """Names each bar "<name>-<i>" in the SVG (a BarContainer has no id of its own)."""
    for i, patch in enumerate(bars.patches):
        patch.set_gid(f"{name}-{i}")


def quantity(row):
    return "zero-shot" if row["formats"] == "none" else f'{row["strategy"]} {row["ratio"]:g}'


def error(row, metric):
    low, high = row[metric + "CI"]
    return [[max(0.0, row[metric] - low)], [max(0.0, high - row[metric])]]


def rq1(rows, axes, references):
    """Precision, recall, coverage by knowledge format (icl cells; one group per format and quantity),
    against the no-model precision lines."""
    cells = [r for r in rows if r["method"] == "icl" and not r.get("knowledgeSet")]
    cells.sort(key=lambda r: (r["formats"] != "none", r["formats"], r["strategy"], r["ratio"]))
    labels = [f'{r["formats"]}\n{quantity(r)}' for r in cells]
    width = 0.8 / len(METRICS)
    ax = axes[0]
    for k, metric in enumerate(METRICS):
        xs = [i + (k - 1) * width for i in range(len(cells))]
        bars = ax.bar(xs, [r[metric] for r in cells], width, label=metric)
        tag(bars, f"bars-{metric}")
        for x, r in zip(xs, cells):
            ax.errorbar([x], [r[metric]], yerr=error(r, metric), color="black", capsize=2, linewidth=0.8)
    # One panel of three metrics: the lines say they are precisions.
    draw_references(ax, references, "precision", prefix="precision · ")
    ax.set_xticks(range(len(cells)), labels)
    ax.set_xlabel("knowledge format (icl)")
    ax.set_ylabel("score (95% CI)")
    ax.legend()


def rq2(rows, axes, references):
    """Each metric over the sampling ratio: one line per format, strategy and method, CI bands; the
    no-model baselines as horizontal lines, and mined-pairs at several ratios as a dashed grey curve."""
    series = {}
    for r in rows:
        if r["formats"] != "none" and not r.get("knowledgeSet") and not r.get("isBaseline"):
            series.setdefault((r["formats"], r["strategy"], r["method"]), []).append(r)
    # mined-pairs at one quantity is a reference line of its test set; at several, a curve here.
    referenced = {(ref.get("domain"), ref.get("sessions"), ref.get("testSet")) for ref in references
                  if ref.get("method") == "mined-pairs"}
    mined = {}
    for r in sorted(rows, key=lambda r: r["ratio"]):
        key = (r.get("domain"), r.get("sessions"), r.get("testSet"))
        if r["method"] == "mined-pairs" and key not in referenced:
            mined.setdefault(key, []).append(r)
    baseline = [r for r in rows if r["formats"] == "none" and r["method"] == "icl"]
    formats_seen = sorted({key[0] for key in series})
    for ax, metric in zip(axes, METRICS):
        for (formats, strategy, method), cells in sorted(series.items()):
            cells.sort(key=lambda r: r["ratio"])
            xs = [r["ratio"] for r in cells]
            label = f"{formats} {strategy} {method}"
            marker = MARKERS[formats_seen.index(formats) % len(MARKERS)]
            (line,) = ax.plot(xs, [r[metric] for r in cells], marker=marker, label=label,
                              color=METHOD_COLORS.get(method))
            line.set_gid(f"series-{metric}-{formats}-{strategy}-{method}")
            band = ax.fill_between(
                xs, [r[metric + "CI"][0] for r in cells], [r[metric + "CI"][1] for r in cells],
                alpha=0.18, color=line.get_color())
            band.set_gid(f"band-{metric}-{formats}-{strategy}-{method}")
        if baseline:
            ref = ax.axhline(baseline[0][metric], linestyle="--", color="grey", label="none (zero-shot)")
            ref.set_gid(f"zero-shot-{metric}")
        for k, (key, cells) in enumerate(sorted(mined.items(), key=str)):
            named = f" · {key[0]} {key[2] or str(key[1]) + ' sessions'}" if len(mined) > 1 else ""
            (curve,) = ax.plot([r["ratio"] for r in cells], [r[metric] for r in cells], color="dimgrey",
                               linestyle=REFERENCE_STYLES["mined-pairs"], marker="x",
                               label="mined-pairs (no model)" + named)
            curve.set_gid(f"series-{metric}-mined-pairs" + (f"-{k + 1}" if len(mined) > 1 else ""))
        draw_references(ax, references, metric)
        ax.set_xlabel("sampling ratio")
        ax.set_ylabel(f"{metric} (95% CI)")
        ax.set_title(metric)
    if axes[-1].get_legend_handles_labels()[0]:
        axes[-1].legend(fontsize=7, loc="best")


def rq3(rows, axes, references):
    """Each metric by utilisation method, one group per format and quantity, against the no-model lines."""
    rows = [r for r in rows if not r.get("isBaseline")]
    methods = [m for m in ["icl", "sft", "icl+sft", "teacher", "aicl"] if any(r["method"] == m for r in rows)]
    groups = sorted({(r["formats"], quantity(r)) for r in rows if not r.get("knowledgeSet")},
                    key=lambda g: (g[0] != "none", g))
    cells = {(r["formats"], quantity(r), r["method"]): r for r in rows if not r.get("knowledgeSet")}
    width = 0.8 / max(1, len(methods))
    for ax, metric in zip(axes, METRICS):
        for k, method in enumerate(methods):
            xs, ys, errs = [], [], [[], []]
            for i, (formats, q) in enumerate(groups):
                present = [m for m in methods if (formats, q, m) in cells]
                if method not in present:
                    continue
                # The methods a group has sit side by side, centred on its tick.
                xs.append(i + (present.index(method) - (len(present) - 1) / 2) * width)
                cell = cells[(formats, q, method)]
                ys.append(cell[metric])
                e = error(cell, metric)
                errs[0] += e[0]
                errs[1] += e[1]
            bars = ax.bar(xs, ys, width, label=method, yerr=errs, capsize=2, color=METHOD_COLORS.get(method))
            tag(bars, f"bars-{metric}-{method}")
        draw_references(ax, references, metric)
        ax.set_xticks(range(len(groups)), [f"{f}\n{q}" for f, q in groups], fontsize=7)
        ax.set_xlabel("format and quantity")
        ax.set_ylabel(f"{metric} (95% CI)")
        ax.set_title(metric)
    if axes[-1].get_legend_handles_labels()[0]:
        axes[-1].legend(fontsize=7, loc="best")


def attribution(effects, axes):
    """Each unit's Δprecision (with − without) and its CI, first unit on top."""
    ax = axes[0]
    ys = list(range(len(effects)))[::-1]
    means = [e["precision"] for e in effects]
    xerr = [[max(0.0, e["precision"] - e["ci"][0]) for e in effects],
            [max(0.0, e["ci"][1] - e["precision"]) for e in effects]]
    colors = ["tab:green" if e["ci"][0] > 0 else "tab:red" if e["ci"][1] < 0 else "tab:grey" for e in effects]
    bars = ax.barh(ys, means, xerr=xerr, color=colors, capsize=2)
    tag(bars, "bars-effect")
    ax.set_yticks(ys, [f'{e["label"]}  (+{e["helped"]} / -{e["hurt"]})' for e in effects], fontsize=7)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("Δprecision when the item is in the prompt (95% CI)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", required=True)
    parser.add_argument("--format", choices=["svg", "png", "pdf"], default="svg")
    parser.add_argument("--data")
    args = parser.parse_args()
    with (open(args.data) if args.data else sys.stdin) as source:
        data = json.load(source)
    figure = data["figure"]
    panels = 3 if figure in ("rq2", "rq3") else 1
    height = 3.8 if figure != "attribution" else max(2.5, 0.32 * len(data.get("effects", [])) + 1.2)
    fig, axes = plt.subplots(1, panels, figsize=(4.2 * panels if panels > 1 else 7.5, height), squeeze=False)
    axes = list(axes[0])
    references = data.get("references", [])
    if figure == "rq1":
        rq1(data["rows"], axes, references)
    elif figure == "rq2":
        rq2(data["rows"], axes, references)
    elif figure == "rq3":
        rq3(data["rows"], axes, references)
    else:
        attribution(data["effects"], axes)
    fig.suptitle(data.get("title", ""))
    fig.tight_layout()
    fig.savefig(args.output, format=args.format, metadata={"Date": None} if args.format == "svg" else None)


if __name__ == "__main__":
    main()
