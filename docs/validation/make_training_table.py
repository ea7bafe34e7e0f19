#!/usr/bin/python3
"""Regenerates the training table of docs/validation.md.

Runs `monet-sim run` on every experiment pair of docs/validation/training_claims.yaml (once per
variant) and rewrites the text between the `training` GENERATED markers of docs/validation.md:
our memory and time ratios (baseline / method) next to the papers' figures.

    /usr/bin/python3 docs/validation/make_training_table.py [MONET_SIM] [--check]

MONET_SIM defaults to build/cli/monet-sim under the repository root. --check writes nothing and
exits 1 when the document is out of date.
"""

import sys
import tempfile
from pathlib import Path

import yaml

from make_table import (DOC, HERE, cell, load_experiment, parse_args, replace_region, run,
                        set_dotted, write_or_check)

CLAIMS = HERE / "training_claims.yaml"
MIB = 1024.0 * 1024.0


def figures(summary):
    """(peak footprint MiB, parameters + saved activations MiB, step latency s) of one run."""
    tm = summary["training_memory"]
    return (summary["memory"]["peak_footprint_bytes"] / MIB,
            (tm["parameter_bytes"] + tm["saved_activation_bytes"]) / MIB,
            summary["latency_s"])


def run_variant(binary, rel_path, variant, tmp, tag):
    _, exp = load_experiment(rel_path)
    for dotted, value in variant.get("set", {}).items():
        set_dotted(exp, dotted, value)
    path = tmp / f"{tag}.yaml"
    path.write_text(yaml.safe_dump(exp, sort_keys=False, allow_unicode=True))
    summary, error = run(binary, path, tmp / tag)
    if error:
        raise SystemExit(f"{rel_path} ({variant['label']}): {error}")
    return figures(summary)


def pair(base, method, fmt):
    return f"{fmt(base)} → {fmt(method)} ({base / method:.2f}×)"


def table(binary, claims, tmp):
    rows = ["| paper | variant | method | peak footprint (MiB) | parameters + saved "
            "activations (MiB) | step time | paper's figure (memory; time) |",
            "|---|---|---|---|---|---|---|"]
    settings = []
    for c in claims:
        variants = "; ".join(f"*{v['label']}*: {v['means']}" for v in c["variants"])
        settings.append(f"- **{c['paper']}**: {cell(c['setting'])}. Paper: {cell(c['figure'])}. "
                        f"Variants: {cell(variants)}.")
        for v_index, v in enumerate(c["variants"]):
            tag = f"{c['id']}-{v_index}"
            base = run_variant(binary, c["baseline"]["experiment"], v, tmp, tag + "-base")
            for m_index, m in enumerate(c["methods"]):
                ours = run_variant(binary, m["experiment"], v, tmp, f"{tag}-{m_index}")
                rows.append("| " + " | ".join(cell(x) for x in (
                    c["paper"].split(" (")[0], v["label"],
                    f"{c['baseline']['label']} → {m['label']}",
                    pair(base[0], ours[0], lambda x: f"{x:.1f}"),
                    pair(base[1], ours[1], lambda x: f"{x:.1f}"),
                    pair(base[2], ours[2], lambda x: f"{x * 1e3:.1f} ms"),
                    f"{m['paper_memory']}; {m['paper_time']}")) + " |")
                print(f"{c['id']} / {v['label']} / {m['label']}: footprint "
                      f"{base[0] / ours[0]:.2f}x, params+saved {base[1] / ours[1]:.2f}x, "
                      f"time {base[2] / ours[2]:.2f}x")
    return "\n".join(settings + [""] + rows)


def main():
    binary, check, _ = parse_args(__doc__.splitlines()[0])
    claims = yaml.safe_load(CLAIMS.read_text())["claims"]
    with tempfile.TemporaryDirectory(prefix="monet-training-validation-") as tmp_name:
        body = table(binary, claims, Path(tmp_name))
    text = DOC.read_text()
    new = replace_region(text, "training", body, Path(__file__).name)
    return write_or_check(text, new, check)


if __name__ == "__main__":
    sys.exit(main())
