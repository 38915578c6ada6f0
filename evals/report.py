"""Write a run's report: ``report.json`` (everything), ``summary.md``, and PNG charts."""

from __future__ import annotations

import json
from pathlib import Path

_RATES = ("recall@", "mrr@10", "ndcg@10", "exact_match", "f1", "containment", "short_containment", "citation_precision",
          "citation_recall", "top1_source", "rank1_source", "quote_overlap", "declined_unanswerable",
          "declined_answerable")


def _rates(values: dict) -> dict[str, float]:
    return {k: v for k, v in values.items() if v is not None and k.startswith(_RATES)}


def write_report(result: dict, out: Path, baseline: dict | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    charts = _charts(result, out, baseline)
    (out / "summary.md").write_text(_summary(result, baseline, charts), encoding="utf-8")


def _summary(result: dict, baseline: dict | None, charts: list[str]) -> str:
    m = result["metrics"]
    base = (baseline or {}).get("metrics", {})
    lines = [
        f"# Evaluation: {result['suite']}",
        "",
        f"{m['questions']} questions, k = {result['config']['k']}, answerer `{result['config']['answerer']}`, "
        f"collection `{result['config']['collection']}`, corpus hash `{result['corpus_hash'][:12]}`.",
        "",
        "| metric | value |" + (" baseline | delta |" if baseline else ""),
        "|---|---|" + ("---|---|" if baseline else ""),
    ]
    for name, value in m.items():
        row = f"| {name} | {value} |"
        if baseline:
            old = base.get(name)
            delta = round(value - old, 4) if isinstance(value, (int, float)) and isinstance(old, (int, float)) else ""
            row += f" {old} | {delta} |"
        lines.append(row)
    lines += ["", *(f"![{c}]({c})" for c in charts), ""]
    wrong = [q for q in result["questions"] if _is_wrong(q)][:20]
    if wrong:
        lines += ["## Questions to look at", "", "| id | question | expected | got |", "|---|---|---|---|"]
        for q in wrong:
            expected = "(decline)" if q["unanswerable"] else "; ".join(q["gold_answers"])
            got = "(declined)" if q.get("declined") else q.get("answer", "")
            lines.append(f"| {q['id']} | {_cell(q['question'])} | {_cell(expected)} | {_cell(got[:160])} |")
    for warning in result.get("warnings", [])[:20]:
        lines.append(f"- warning: {warning}")
    return "\n".join(lines) + "\n"


def _is_wrong(q: dict) -> bool:
    if "declined" not in q:
        return False
    return q["declined"] != q["unanswerable"] or (not q["unanswerable"] and not q.get("containment"))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _charts(result: dict, out: Path, baseline: dict | None) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    rates = _rates(result["metrics"])
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.barh(list(rates), list(rates.values()), color="#4C78A8")
    for y, value in enumerate(rates.values()):
        ax.text(min(value + 0.01, 0.93), y, f"{value:.3f}", va="center", fontsize=9)
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_title(f"{result['suite']}: metrics")
    fig.tight_layout()
    fig.savefig(out / "metrics.png", dpi=110)
    plt.close(fig)
    names.append("metrics.png")

    latencies = [q.get("latency_ms") for q in result["questions"] if q.get("latency_ms") is not None]
    if latencies:
        fig, ax = plt.subplots(figsize=(8, 3.5))
        ax.hist(latencies, bins=30, color="#72B7B2")
        ax.set_xlabel("latency per question (ms)")
        ax.set_ylabel("questions")
        ax.set_title(f"p50 {result['metrics']['latency_p50_ms']} ms, p95 {result['metrics']['latency_p95_ms']} ms")
        fig.tight_layout()
        fig.savefig(out / "latency.png", dpi=110)
        plt.close(fig)
        names.append("latency.png")

    if baseline:
        old = _rates(baseline.get("metrics", {}))
        deltas = {k: rates[k] - old[k] for k in rates if k in old}
        if deltas:
            fig, ax = plt.subplots(figsize=(8, 4.5))
            ax.barh(list(deltas), list(deltas.values()),
                    color=["#54A24B" if d >= 0 else "#E45756" for d in deltas.values()])
            ax.axvline(0, color="black", linewidth=0.8)
            ax.invert_yaxis()
            ax.set_title("change against the baseline")
            fig.tight_layout()
            fig.savefig(out / "deltas.png", dpi=110)
            plt.close(fig)
            names.append("deltas.png")
    return names
