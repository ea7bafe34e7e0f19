"""The power and energy rows of docs/validation.md (issue 15), used by make_table.py.

Each entry of measurements.yaml `power:` compares one published power or energy figure with the
prediction read from summary.json `power`, of a run or of a whole generation (docs:
configs/experiments/README.md):
  - quantity average_power: the measured board or supply power (W) against power.average_w;
    `bound: at most` marks a budget rather than a measurement;
  - quantity dynamic_energy_ratio: the measured ratio of two models' dynamic energy against
    power.dynamic_energy_j of `experiment` over that of `baseline`;
  - quantity gflops: 2 x counts.macs / latency_s (a training step's MACs: every pass);
  - quantity gflops_per_watt: that over power.average_w.
An entry without an experiment is listed as not simulated, with its `reason`.
"""

QUANTITIES = {"average_power": "average power", "dynamic_energy_ratio": "dynamic energy ratio",
              "gflops": "throughput", "gflops_per_watt": "energy efficiency"}


def cell(text):
    return " ".join(str(text).split()).replace("|", "\\|")


def included(power):
    """What the predicted power contains, from summary.json's power block."""
    if not power.get("static_described"):
        return "dynamic only (the preset states no static power)"
    parts = ["dynamic + static at the chip"]
    if power.get("regulator_efficiency", 1.0) < 1.0:
        parts.append(f"/ {power['regulator_efficiency']:g} regulators")
    if power.get("board_baseline_w", 0.0) > 0:
        parts.append(f"+ {power['board_baseline_w']:g} W board baseline")
    return " ".join(parts)


def run_all(entries, run_experiment):
    """run_experiment(rel_path, out_name) -> (summary, error). Returns {id: {...}}."""
    results = {}
    for m in entries:
        if "experiment" not in m:
            continue
        res = {"error": None}
        for key in ("experiment", "baseline"):
            if key not in m:
                continue
            summary, error = run_experiment(m[key], f"{m['id']}-{key}")
            if error:
                res["error"] = error
                break
            res[key] = summary
        results[m["id"]] = res
    return results


def predicted(m, res):
    """(predicted value, text, ratio to the measurement, what the prediction includes)."""
    meas = float(m["measured"]["value"])
    exp = res["experiment"]
    if m["quantity"] == "average_power":
        watts = exp["power"]["average_w"]
        return watts, f"{watts:.3g} W", watts / meas, included(exp["power"])
    if m["quantity"] == "dynamic_energy_ratio":
        base = res["baseline"]
        a, b = exp["power"]["dynamic_energy_j"], base["power"]["dynamic_energy_j"]
        ratio = a / b
        text = (f"{ratio:.2f} ({a * 1e3:.3g} mJ / {b * 1e3:.3g} mJ; latency "
                f"{exp['latency_s'] * 1e3:.3g} ms / {base['latency_s'] * 1e3:.3g} ms)")
        return ratio, text, ratio / meas, "dynamic energy at the chip of each run"
    if m["quantity"] in ("gflops", "gflops_per_watt"):
        gflops = 2.0 * exp["counts"]["macs"] / exp["latency_s"] / 1e9
        if m["quantity"] == "gflops":
            return gflops, f"{gflops:.3g} GFLOPS", gflops / meas, "the step's MACs x 2 over its time"
        eff = gflops / exp["power"]["average_w"]
        return (eff, f"{eff:.3g} GFLOPS/W ({gflops:.3g} GFLOPS at {exp['power']['average_w']:.3g} W)",
                eff / meas, included(exp["power"]))
    raise SystemExit(f"measurements.yaml power entry {m['id']}: unknown quantity "
                     f"'{m['quantity']}' (known: {', '.join(QUANTITIES)})")


def table(entries, results):
    rows = ["| platform | network | condition | quantity | measured (source) | predicted | "
            "ratio pred/meas | the prediction includes | what the model leaves out |",
            "|---|---|---|---|---|---|---|---|---|"]
    for m in entries:
        meas = m["measured"]
        measured = f"{'≤ ' if meas.get('bound') == 'at most' else ''}{meas['value']:g} {meas['unit']}"
        res = results.get(m["id"])
        if res is None:
            pred, ratio, inc, notes = "not simulated", "—", "—", m["reason"]
        elif res["error"]:
            pred, ratio, inc, notes = res["error"], "—", "—", m["leaves_out"]
        else:
            _, pred, r, inc = predicted(m, res)
            ratio, notes = f"{r:.2f}", m["leaves_out"]
        rows.append("| " + " | ".join(cell(x) for x in (
            m["platform"], m["network"], m["condition"], QUANTITIES[m["quantity"]],
            f"{measured} [{m['source']}]", pred, ratio, inc, notes)) + " |")
    return "\n".join(rows)
