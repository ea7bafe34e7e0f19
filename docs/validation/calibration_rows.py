"""The calibrated and leave-one-out columns of docs/validation.md (issue 18), used by make_table.py.

calibration.yaml groups the published points by device family. For each family with parameters
this writes a calibration file in `monet-sim calibrate`'s format (fleet/README.md) into the
temporary folder, runs calibrate on it and reads calibration.json: per point the prediction
after the fit (`after`) and the prediction of a fit to the family's other points
(`leave_one_out`, null with its `leave_one_out_note` when the others cannot determine the
parameters). Calibration simulates every point many times (about a minute for the Orin Nano
family), so the results are kept in calibration-results.json; `--no-calibrate` (the CTest check)
reads them from there instead, after checking that they were computed from the same family
definition, the same measured figures and the same uncalibrated predictions as now.
"""

import json
import subprocess
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CALIBRATION = HERE / "calibration.yaml"
CACHE = HERE / "calibration-results.json"
SCHEMA = "monet.validation-calibration/1"
# Relative difference below which a cached figure counts as the same prediction.
SAME = 1e-6


def cell(text):
    return " ".join(str(text).split()).replace("|", "\\|")


def families(entries, seconds_per_run):
    """calibration.yaml, checked against measurements.yaml; each calibrated family with `spec`,
    its calibration file's content (paths relative to this folder, latency per run in s)."""
    fams = yaml.safe_load(CALIBRATION.read_text())["families"]
    by_id = {m["id"]: m for m in entries}
    seen = {}
    for f in fams:
        for pid in f["points"]:
            if pid not in by_id or "experiment" not in by_id[pid]:
                raise SystemExit(f"{CALIBRATION}: family '{f['name']}': point '{pid}' is not a "
                                 "simulated entry of measurements.yaml `measurements:`")
            if pid in seen:
                raise SystemExit(f"{CALIBRATION}: point '{pid}' is in families '{seen[pid]}' "
                                 f"and '{f['name']}'")
            seen[pid] = f["name"]
        if ("parameters" in f) == ("not_calibrated" in f):
            raise SystemExit(f"{CALIBRATION}: family '{f['name']}' needs either `parameters` or "
                             "`not_calibrated` (the reason, shown in the table)")
        if "parameters" in f:
            f["spec"] = {"parameters": f["parameters"], "measurements": [
                {"experiment": by_id[pid]["experiment"], "name": pid,
                 "latency": f"{seconds_per_run(by_id[pid]):.9g} s"} for pid in f["points"]]}
    missing = [m["id"] for m in entries if "experiment" in m and m["id"] not in seen]
    if missing:
        raise SystemExit(f"{CALIBRATION}: simulated points in no family: {', '.join(missing)}")
    return fams


def absolute(spec):
    """The calibration file as written for calibrate: experiment and accelerator files made
    absolute (presets stay names)."""
    def file(acc):
        return str((HERE / acc).resolve()) if acc.endswith((".yaml", ".yml")) else acc

    spec = json.loads(json.dumps(spec))
    for p in spec["parameters"]:
        acc = p["accelerator"]  # one file or preset, or a list sharing the parameter
        p["accelerator"] = [file(a) for a in acc] if isinstance(acc, list) else file(acc)
    for m in spec["measurements"]:
        m["experiment"] = str((HERE / m["experiment"]).resolve())
    return spec


def run_family(binary, family, tmp):
    """Runs calibrate for one family: (result dict for the cache, None) or (None, error)."""
    path = tmp / f"calibration-{family['name']}.yaml"
    path.write_text(yaml.safe_dump(absolute(family["spec"]), sort_keys=False))
    out = tmp / f"calibration-{family['name']}"
    proc = subprocess.run([str(binary), "calibrate", str(path), "-o", str(out), "-j", "2"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        return None, f"monet-sim calibrate failed ({proc.returncode}): {lines[0] if lines else ''}"
    c = json.loads((out / "calibration.json").read_text())
    points = {}
    for m in c["measurements"]:
        q = next(q for q in m["quantities"] if q["quantity"] == "latency")
        points[m["name"]] = {"measured_s": q["measured"], "before_s": q["before"],
                             "after_s": q["after"], "leave_one_out_s": q["leave_one_out"],
                             "leave_one_out_note": m["leave_one_out_note"]}
    params = [{"accelerator": spec_p["accelerator"], "field": p["field"], "unit": p["unit"],
               "min": p["min"], "max": p["max"], "initial": p["initial"], "fitted": p["fitted"],
               "uncertainty": p["uncertainty"], "at_bound": p["at_bound"]}
              for spec_p, p in zip(family["spec"]["parameters"], c["parameters"])]
    return {"spec": family["spec"], "converged": c["fit"]["converged"], "parameters": params,
            "points": points, "warnings": c["warnings"]}, None


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= SAME * max(abs(a), abs(b))


def stale_reason(family, cached, results):
    """Why a cached family result does not fit the current inputs and predictions, or None."""
    if cached is None:
        return "no cached result"
    if cached["spec"] != family["spec"]:
        return "calibration.yaml or a measured figure changed"
    for pid in family["points"]:
        res = results.get(pid)
        if res is None or res["error"]:
            return f"{pid} does not run"
        if not close(cached["points"][pid]["before_s"], res["summary"]["latency_s"]):
            return (f"{pid}: uncalibrated prediction {res['summary']['latency_s']:.6g} s, "
                    f"cached {cached['points'][pid]['before_s']:.6g} s (the model changed)")
    return None


def same_result(a, b):
    if a is None or b is None or a["spec"] != b["spec"] or a["points"].keys() != b["points"].keys():
        return False
    for pid, p in a["points"].items():
        q = b["points"][pid]
        if not all(close(p[k], q[k]) for k in ("before_s", "after_s", "leave_one_out_s")):
            return False
    return all(close(p["fitted"], q["fitted"]) for p, q in zip(a["parameters"], b["parameters"]))


def run_all(binary, entries, results, seconds_per_run, tmp, calibrate, check):
    """Per family its result (or error). Returns (families, per-family results, problems):
    problems are texts that make the script exit 1 (a failed run, a stale cache)."""
    fams = families(entries, seconds_per_run)
    cache = json.loads(CACHE.read_text()) if CACHE.exists() else {"families": {}}
    cached = cache.get("families", {})
    out, problems = {}, []
    for f in fams:
        if "spec" not in f:
            continue
        if not calibrate:
            reason = stale_reason(f, cached.get(f["name"]), results)
            if reason:
                problems.append(f"{CACHE.name}: family '{f['name']}' is stale ({reason}); rerun "
                                "make_table.py without --no-calibrate")
                out[f["name"]] = {"error": "stale calibration: rerun make_table.py"}
            else:
                out[f["name"]] = dict(cached[f["name"]], error=None)
            continue
        result, error = run_family(binary, f, tmp)
        if error:
            problems.append(f"family '{f['name']}': {error}")
            out[f["name"]] = {"error": error}
            continue
        reason = stale_reason(f, result, results)
        if reason:  # calibrate's "before" must be what `monet-sim run` predicts
            problems.append(f"family '{f['name']}': calibrate and run disagree: {reason}")
        out[f["name"]] = dict(result, error=None)
    if calibrate and not problems:
        new = {"schema": SCHEMA, "families": {
            name: {k: v for k, v in r.items() if k != "error"} for name, r in out.items()}}
        unchanged = cached.keys() == new["families"].keys() and all(
            same_result(cached[n], new["families"][n]) for n in cached)
        if check and not unchanged:
            problems.append(f"{CACHE} is out of date; rerun make_table.py without --check")
        elif not check and not unchanged:
            CACHE.write_text(json.dumps(new, indent=1) + "\n")
            print(f"updated {CACHE}")
    return fams, out, problems


def cells(fams, out):
    """Per point id: (calibrated cell, leave-one-out cell), ratios predicted / measured."""
    table = {}
    for f in fams:
        for pid in f["points"]:
            if "spec" not in f:
                table[pid] = (cell(f["not_calibrated"]), "—")
                continue
            r = out[f["name"]]
            if r["error"]:
                table[pid] = (cell(r["error"]), "—")
                continue
            p = r["points"][pid]
            loo = (f"{p['leave_one_out_s'] / p['measured_s']:.2f}"
                   if p["leave_one_out_s"] is not None else f"—, {p['leave_one_out_note']}")
            table[pid] = (f"{p['after_s'] / p['measured_s']:.2f}", cell(loo))
    return table


def fmt_accelerator(acc):
    if not isinstance(acc, list):
        return f"`{acc}`"
    return f"{len(acc)} files sharing it: " + ", ".join(f"`{Path(a).stem}`" for a in acc)


def fmt_value(value, unit):
    return f"{value:.3g} {unit}".strip()


def summary(fams, out):
    """The fitted parameters per family and the spread of the ratios before, after and left out."""
    rows = ["| family | points | parameter | preset value | bounds | fitted (± standard "
            "uncertainty) | ratio pred/meas: uncalibrated | calibrated | leave-one-out |",
            "|---|---|---|---|---|---|---|---|---|"]
    for f in fams:
        if "spec" not in f:
            continue
        r = out[f["name"]]
        if r["error"]:
            rows.append(f"| {f['name']} | {len(f['points'])} | {cell(r['error'])} | | | | | | |")
            continue

        def spread(key):
            ratios = [p[key] / p["measured_s"] for p in r["points"].values()
                      if p[key] is not None]
            return f"{min(ratios):.2f} to {max(ratios):.2f}" if ratios else "—"

        for i, p in enumerate(r["parameters"]):
            fitted = fmt_value(p["fitted"], p["unit"])
            if p["uncertainty"] is not None:
                fitted += f" (± {fmt_value(p['uncertainty'], p['unit'])})"
            if p["at_bound"]:
                fitted += ", at a bound"
            first = i == 0
            rows.append("| " + " | ".join(cell(x) for x in (
                f["name"] if first else "", len(f["points"]) if first else "",
                f"`{p['field']}` of {fmt_accelerator(p['accelerator'])}", fmt_value(p["initial"], p["unit"]),
                f"{fmt_value(p['min'], p['unit'])} to {fmt_value(p['max'], p['unit'])}", fitted,
                spread("before_s") if first else "", spread("after_s") if first else "",
                spread("leave_one_out_s") if first else "")) + " |")
        for w in r["warnings"] + ([] if r["converged"] else ["the fit did not converge"]):
            rows.append(f"| | | warning: {cell(w)} | | | | | | |")
    return "\n".join(rows)
