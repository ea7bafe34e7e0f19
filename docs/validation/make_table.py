#!/usr/bin/python3
"""Regenerates the comparison tables of docs/validation.md.

Runs `monet-sim run` on every experiment named in docs/validation/measurements.yaml, reads each
summary.json and rewrites the text between the GENERATED markers of docs/validation.md:
the comparison table with its sources, the breakdown of each prediction, the sensitivity
runs, the request analysis of the compiled Tensil programs (tensil_requests.py), the LLM
generation table (time to first token and time per output token, each next
to the weight-streaming roofline), the power and energy table (power_rows.py) and the
calibrated and leave-one-out columns with the fitted parameters (calibration_rows.py, running
`monet-sim calibrate` per device family of calibration.yaml). Everything else in the document
is left alone.

    /usr/bin/python3 docs/validation/make_table.py [MONET_SIM] [--check] [--no-calibrate]

MONET_SIM defaults to build/cli/monet-sim under the repository root. --check writes nothing and
exits 1 when the document is out of date. --no-calibrate takes the calibration results from
calibration-results.json (written by a run without it) and exits 1 when they no longer match
calibration.yaml, the measured figures or the uncalibrated predictions.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

import calibration_rows
import power_rows
import tensil_requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOC = ROOT / "docs" / "validation.md"
MEASUREMENTS = HERE / "measurements.yaml"

# Time units are turned into seconds per inference; rates into their reciprocal.
TIME_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ms/token": 1e-3}
RATE_UNITS = {"fps": 1.0, "tokens/s": 1.0}


def seconds_per_inference(measured):
    unit, value = measured["unit"], float(measured["value"])
    if unit in TIME_UNITS:
        return value * TIME_UNITS[unit]
    if unit in RATE_UNITS:
        return 1.0 / (value * RATE_UNITS[unit])
    return None  # a figure that is not a time (GFLOPS): shown, never divided


def fmt_time(seconds):
    if seconds >= 1.0:
        return f"{seconds:.3g} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} us"


def fmt_measured(measured):
    value, unit = measured["value"], measured["unit"]
    text = f"{value:g} {unit}"
    per = seconds_per_inference(measured)
    if per is not None and unit not in TIME_UNITS:
        text += f" ({fmt_time(per)}/inference)"
    return text


def cell(text):
    return " ".join(str(text).split()).replace("|", "\\|")


def images_per_run(experiment):
    workload = experiment.get("workload")
    if isinstance(workload, dict) and "batch" in workload:
        return int(workload["batch"])
    if isinstance(workload, dict) and "file" in workload:
        return int(yaml.safe_load(open(workload["file"])).get("batch", 1))
    return 1


def absolute_paths(experiment, folder):
    """Makes workload/accelerator paths absolute so a copy can live in a temporary folder."""
    workload = experiment.get("workload")
    if isinstance(workload, dict):
        for key in ("file", "onnx"):
            if key in workload and not Path(workload[key]).is_absolute():
                workload[key] = str((folder / workload[key]).resolve())
    accel = experiment.get("accelerator", "")
    if accel.endswith((".yaml", ".yml")) and not Path(accel).is_absolute():
        experiment["accelerator"] = str((folder / accel).resolve())
    return experiment


def set_dotted(tree, dotted, value):
    keys = dotted.split(".")
    for key in keys[:-1]:
        tree = tree.setdefault(key, {})
    tree[keys[-1]] = value


def run(binary, experiment_path, out_dir):
    """Runs one experiment; returns (summary dict, None) or (None, error text)."""
    proc = subprocess.run([str(binary), "run", str(experiment_path), "-o", str(out_dir)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        return None, f"monet-sim run failed ({proc.returncode}): {lines[0] if lines else ''}"
    return json.loads((out_dir / "summary.json").read_text()), None


def load_experiment(rel_path):
    path = (HERE / rel_path).resolve()
    return path, absolute_paths(yaml.safe_load(path.read_text()), path.parent)


def accelerator_file(measurement):
    """The accelerator file a measurement's experiment runs on (a path, or a preset's file)."""
    accel = load_experiment(measurement["experiment"])[1]["accelerator"]
    if accel.endswith((".yaml", ".yml")):
        return Path(accel)
    return ROOT / "configs" / "accelerators" / f"{accel}.yaml"


def comparison(entries, sources, results, calibrated):
    """`calibrated`: per id the calibrated and leave-one-out cells (calibration_rows.py)."""
    rows = ["| platform | network | condition | measured (source) | predicted | "
            "ratio pred/meas | ratio before | calibrated pred/meas | leave-one-out pred/meas | "
            "what the model leaves out |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for m in entries:
        res = results.get(m["id"])
        meas_s = seconds_per_inference(m["measured"])
        if "experiment" not in m:
            predicted, ratio, notes = "not simulated", "—", m["reason"]
        elif res["error"]:
            predicted, ratio, notes = res["error"], "—", m["leaves_out"]
        else:
            per = res["seconds_per_inference"]
            predicted = fmt_time(per)
            if m["measured"]["unit"] in RATE_UNITS:
                predicted += f" ({1.0 / per:.4g} {m['measured']['unit']})"
            ratio = f"{per / meas_s:.2f}" if meas_s else "—"
            notes = m["leaves_out"]
        rows.append("| " + " | ".join(cell(x) for x in (
            m["platform"], m["network"], m["condition"],
            f"{fmt_measured(m['measured'])} [{m['source']}]", predicted, ratio,
            f"{m['before']:.2f}" if "before" in m else "—",
            *calibrated.get(m["id"], ("—, not simulated", "—")), notes)) + " |")
    rows.append("")
    rows.append("Sources:")
    rows.append("")
    for key, text in sources.items():
        rows.append(f"- **[{key}]** {cell(text)}")
    return "\n".join(rows)


def order(entries, results):
    """Per order_group: measured and predicted rates side by side, ranked, and whether the
    predicted order equals the measured one (ties count as a different order)."""
    groups = {}
    for m in entries:
        if "order_group" in m:
            groups.setdefault(m["order_group"], []).append(m)
    rows = []
    for name, members in groups.items():
        rows += [f"Group `{name}`:", "",
                 "| design | measured | predicted | measured rank | predicted rank |",
                 "|---|---|---|---|---|"]
        meas = {m["id"]: seconds_per_inference(m["measured"]) for m in members}
        pred = {m["id"]: (results[m["id"]]["seconds_per_inference"]
                          if not results[m["id"]]["error"] else None) for m in members}
        by_meas = sorted(members, key=lambda m: meas[m["id"]])
        ok = all(pred[m["id"]] is not None for m in members)
        pred_rank = {}
        if ok:
            ordered = sorted(members, key=lambda m: pred[m["id"]])
            for i, m in enumerate(ordered):
                tied = i > 0 and abs(pred[m["id"]] / pred[ordered[i - 1]["id"]] - 1) < 1e-3
                pred_rank[m["id"]] = pred_rank[ordered[i - 1]["id"]] if tied else i + 1
        for i, m in enumerate(by_meas):
            p = pred[m["id"]]
            rows.append("| " + " | ".join(cell(x) for x in (
                m["platform"], fmt_measured(m["measured"]),
                "run failed" if p is None else f"{fmt_time(p)} ({1.0 / p:.4g} fps)",
                i + 1, pred_rank.get(m["id"], "—"))) + " |")
        same = ok and all(pred_rank[m["id"]] == i + 1 for i, m in enumerate(by_meas))
        rows += ["", f"Predicted order equals the measured order: {'yes' if same else 'no'}.", ""]
    return "\n".join(rows).rstrip()


def breakdown(entries, results):
    rows = ["| experiment | predicted latency | MACs | core busy time (utilisation) | "
            "DRAM read / write |",
            "|---|---|---|---|---|"]
    for m in entries:
        res = results.get(m["id"])
        if not res or res["error"]:
            continue
        s = res["summary"]
        by_kind = {}
        for core in s["cores"]:
            k = by_kind.setdefault(core["kind"], {"busy": 0.0, "n": 0})
            k["busy"] += core["busy_s"]
            k["n"] += 1
        busy = "; ".join(
            f"{kind}{' x' + str(v['n']) if v['n'] > 1 else ''}: {fmt_time(v['busy'] / v['n'])}"
            f"{' each' if v['n'] > 1 else ''} ({v['busy'] / v['n'] / s['latency_s']:.0%})"
            for kind, v in by_kind.items())
        mib = 1024.0 * 1024.0
        rows.append("| " + " | ".join(cell(x) for x in (
            f"`{m['experiment']}`", fmt_time(s["latency_s"]), f"{s['counts']['macs']:,}", busy,
            f"{s['traffic']['dram_read_bytes'] / mib:.1f} / "
            f"{s['traffic']['dram_write_bytes'] / mib:.1f} MiB")) + " |")
    return "\n".join(rows)


def sensitivity(binary, variants, entries, results, tmp):
    by_id = {m["id"]: m for m in entries}
    rows = ["| experiment | variant | predicted | ratio pred/meas |", "|---|---|---|---|"]
    for i, v in enumerate(variants):
        m = by_id[v["id"]]
        base = results[v["id"]]
        base_text = "run failed" if base["error"] else fmt_time(base["seconds_per_inference"])
        if i == 0 or variants[i - 1]["id"] != v["id"]:
            meas = seconds_per_inference(m["measured"])
            ratio = "—" if base["error"] else f"{base['seconds_per_inference'] / meas:.2f}"
            rows.append(f"| `{m['experiment']}` | as in the table | {base_text} | {ratio} |")
        _, exp = load_experiment(m["experiment"])
        for dotted, value in v["set"].items():
            set_dotted(exp, dotted, value)
        path = tmp / f"variant-{i}.yaml"
        path.write_text(yaml.safe_dump(exp, sort_keys=False))
        summary, error = run(binary, path, tmp / f"variant-{i}")
        if error:
            rows.append(f"| `{m['experiment']}` | {cell(v['label'])} | {cell(error)} | — |")
            continue
        per = summary["latency_s"] / images_per_run(exp)
        meas = seconds_per_inference(m["measured"])
        rows.append(f"| `{m['experiment']}` | {cell(v['label'])} | {fmt_time(per)} | "
                    f"{per / meas:.2f} |")
    return "\n".join(rows)


def generation(entries, results):
    """Generation rows: the measured TTFT or time per output token, the prediction, and the
    weight-streaming roofline (every weight byte over DRAM once per decode step)."""
    rows = ["| platform | model | condition | quantity | measured (source) | predicted | "
            "ratio pred/meas | weight roofline per step | predicted / roofline | "
            "what the model leaves out |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for m in entries:
        res = results.get(m["id"])
        meas_s = seconds_per_inference(m["measured"])
        roof = pred = ratio = over = "—"
        if res["error"]:
            pred = res["error"]
        else:
            g = res["summary"]["generation"]
            per = g["ttft_s"] if m["quantity"] == "ttft" else g["tpot_s"]
            pred = fmt_time(per)
            if m["measured"]["unit"] in RATE_UNITS:
                pred += f" ({1.0 / per:.3g} {m['measured']['unit']})"
            ratio = f"{per / meas_s:.2f}"
            roof = fmt_time(g["weight_roofline_s"])
            if m["quantity"] == "tpot":
                over = f"{per / g['weight_roofline_s']:.2f}"
        quantity = {"ttft": "time to first token", "tpot": "time per output token"}[m["quantity"]]
        rows.append("| " + " | ".join(cell(x) for x in (
            m["platform"], m["network"], m["condition"], quantity,
            f"{fmt_measured(m['measured'])} [{m['source']}]", pred, ratio, roof, over,
            m["leaves_out"])) + " |")
    return "\n".join(rows)


def replace_region(text, name, body, script="make_table.py"):
    begin = f"<!-- BEGIN GENERATED: {name} (docs/validation/{script}) -->"
    end = f"<!-- END GENERATED: {name} -->"
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise SystemExit(f"{DOC}: markers for '{name}' not found:\n{begin}\n{end}")
    return text[:start + len(begin)] + "\n" + body + "\n" + text[stop:]


def parse_args(description, calibration=False):
    """The command line both generators share: (monet-sim binary, --check, --no-calibrate);
    only make_table.py calibrates (`calibration`), so only it offers --no-calibrate."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("binary", nargs="?", default=str(ROOT / "build" / "cli" / "monet-sim"))
    parser.add_argument("--check", action="store_true", help="exit 1 if the document is stale")
    if calibration:
        parser.add_argument("--no-calibrate", action="store_true",
                            help="take the calibrated columns from calibration-results.json "
                                 "(exit 1 if it is stale) instead of running calibrate")
    args = parser.parse_args()
    binary = Path(args.binary).resolve()
    if not binary.exists():
        raise SystemExit(f"monet-sim binary not found: {binary}")
    return binary, args.check, getattr(args, "no_calibrate", False)


def write_or_check(text, new, check):
    """Writes the regenerated document, or with --check returns 1 when it is stale."""
    if check:
        if new != text:
            print(f"{DOC} is out of date; rerun without --check", file=sys.stderr)
            return 1
        return 0
    if new != text:
        DOC.write_text(new)
        print(f"updated {DOC}")
    return 0


def main():
    binary, check, no_calibrate = parse_args(__doc__.splitlines()[0], calibration=True)

    data = yaml.safe_load(MEASUREMENTS.read_text())
    entries = data["measurements"]
    results, failures = {}, 0
    with tempfile.TemporaryDirectory(prefix="monet-validation-") as tmp_name:
        tmp = Path(tmp_name)
        for m in entries:
            if "experiment" not in m:
                continue
            path, exp = load_experiment(m["experiment"])
            summary, error = run(binary, path, tmp / m["id"])
            if error:
                failures += 1
                print(f"{m['experiment']}: {error}", file=sys.stderr)
                results[m["id"]] = {"error": error}
                continue
            per = summary["latency_s"] / images_per_run(exp)
            results[m["id"]] = {"error": None, "summary": summary, "seconds_per_inference": per}
            meas = seconds_per_inference(m["measured"])
            print(f"{m['id']}: predicted {fmt_time(per)}, measured {fmt_time(meas)}, "
                  f"ratio {per / meas:.2f}")

        def seconds_per_run(m):
            return seconds_per_inference(m["measured"]) * images_per_run(
                load_experiment(m["experiment"])[1])

        fams, calibrated, problems = calibration_rows.run_all(
            binary, entries, results, seconds_per_run, tmp, not no_calibrate, check)
        for p in problems:
            print(p, file=sys.stderr)
        failures += len(problems)
        text = DOC.read_text()
        new = replace_region(text, "comparison",
                             comparison(entries, data["sources"], results,
                                        calibration_rows.cells(fams, calibrated)))
        new = replace_region(new, "calibration", calibration_rows.summary(fams, calibrated))
        new = replace_region(new, "order", order(entries, results))
        new = replace_region(new, "tensil-requests",
                             tensil_requests.table(entries, results, accelerator_file,
                                                   lambda m: seconds_per_inference(m["measured"])))
        new = replace_region(new, "breakdown", breakdown(entries, results))
        new = replace_region(new, "sensitivity",
                             sensitivity(binary, data.get("sensitivity", []), entries, results,
                                         tmp))
        gen_entries, gen_results = data.get("generation", []), {}
        for m in gen_entries:
            path, _ = load_experiment(m["experiment"])
            summary, error = run(binary, path, tmp / m["id"])
            gen_results[m["id"]] = {"error": error, "summary": summary}
            if error:
                failures += 1
                print(f"{m['experiment']}: {error}", file=sys.stderr)
                continue
            g = summary["generation"]
            per = g["ttft_s"] if m["quantity"] == "ttft" else g["tpot_s"]
            print(f"{m['id']}: predicted {fmt_time(per)}, measured "
                  f"{fmt_time(seconds_per_inference(m['measured']))}, weight roofline "
                  f"{fmt_time(g['weight_roofline_s'])}")
        new = replace_region(new, "generation", generation(gen_entries, gen_results))
        power_entries = data.get("power", [])

        def run_power(rel_path, name):
            path, _ = load_experiment(rel_path)
            summary, error = run(binary, path, tmp / name)
            if error:
                print(f"{rel_path}: {error}", file=sys.stderr)
            return summary, error

        power_results = power_rows.run_all(power_entries, run_power)
        failures += sum(1 for r in power_results.values() if r["error"])
        new = replace_region(new, "power", power_rows.table(power_entries, power_results))
    status = write_or_check(text, new, check)
    return max(status, 1 if failures else 0)


if __name__ == "__main__":
    sys.exit(main())
