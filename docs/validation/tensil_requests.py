"""The request analysis of docs/validation.md ("What the compiled programs contain").

Each ZCU104 design's time is taken as its compiled program's work (Tensil's estimator cycles
without the DRAM moves, at the core clock) plus its DRAM vectors at the port rate, plus two
constants: c cycles per instruction and L seconds per DRAM request (a contiguous move is one
request; a strided move one per vector). The constants are fitted by least squares to the
designs listed under `analysis.fit` of tensil-programs.yaml, and each of those designs is also
predicted from a fit to the others only. This is an analysis of the measurements, not a model
input: no preset uses c or L.

make_table.py calls table(); pure Python (no numpy), like the rest of the folder.
"""

import re
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "tensil-programs.yaml"
UNITS = {"GB/s": 1e9, "MB/s": 1e6, "MHz": 1e6, "GHz": 1e9}


def quantity(text, field):
    m = re.fullmatch(r"\s*([0-9.]+)\s*(GB/s|MB/s|MHz|GHz)\s*", str(text))
    if not m:
        raise ValueError(f"{field}: '{text}' is not a number with one of {sorted(UNITS)}")
    return float(m.group(1)) * UNITS[m.group(2)]


def design_of(accelerator_path):
    """Port bandwidth (B/s), core clock (Hz) and vector bytes of a Tensil accelerator file."""
    acc = yaml.safe_load(Path(accelerator_path).read_text())
    core = next(c for c in acc["cores"] if c.get("kind") == "array")
    link = next(l for l in acc.get("links", []) if l.get("to") == "dram")
    lanes = core["array"][0]["size"]
    bits = int(str(core["precision"]).split()[0])
    return (quantity(link["bandwidth"], f"{accelerator_path}: links.bandwidth"),
            quantity(core["clock"], f"{accelerator_path}: cores.clock"), lanes * bits // 8)


def features(program, port, clock, vector_bytes):
    est = program["estimator_cycles"]
    on_chip_cycles = sum(v for k, v in est.items() if k != "DataMove_DRAM")
    vectors = program["dram_read_vectors"] + program["dram_write_vectors"]
    base = on_chip_cycles / clock + vectors * vector_bytes / port
    requests = program["dram_moves"] + program["dram_strided_vectors"]
    return base, program["instructions"] / clock, requests


def fit(rows):
    """Least squares for (c, L) in measured - base = c * per_instr + L * requests."""
    a11 = sum(r["per_instr"] ** 2 for r in rows)
    a12 = sum(r["per_instr"] * r["requests"] for r in rows)
    a22 = sum(r["requests"] ** 2 for r in rows)
    b1 = sum(r["per_instr"] * (r["measured"] - r["base"]) for r in rows)
    b2 = sum(r["requests"] * (r["measured"] - r["base"]) for r in rows)
    det = a11 * a22 - a12 * a12
    return (b1 * a22 - b2 * a12) / det, (a11 * b2 - a12 * b1) / det


def predict(row, c, latency):
    return row["base"] + c * row["per_instr"] + latency * row["requests"]


def analyse(entries, results, accelerator_of, seconds_of):
    """Rows for every measurement a program is listed for, the fit and leave-one-out."""
    doc = yaml.safe_load(PROGRAMS.read_text())
    by_id = {m["id"]: m for m in entries}
    rows = []
    for p in doc["programs"]:
        for mid in p["measurements"]:
            port, clock, vb = design_of(accelerator_of(by_id[mid]))
            base, per_instr, requests = features(p, port, clock, vb)
            r = results.get(mid, {})
            rows.append({"id": mid, "platform": by_id[mid]["platform"], "port": port,
                         "clock": clock, "base": base, "per_instr": per_instr,
                         "requests": requests, "measured": seconds_of(by_id[mid]),
                         "model": r.get("seconds_per_inference")})
    fitted = [r for r in rows if r["id"] in doc["analysis"]["fit"]]
    c, latency = fit(fitted)
    for r in rows:
        r["all"] = predict(r, c, latency)
        if r in fitted:
            others = [o for o in fitted if o is not r]
            r["loo_fit"] = fit(others)
            r["loo"] = predict(r, *r["loo_fit"])
    return rows, (c, latency)


def _ms(seconds):
    return f"{seconds * 1e3:.2f} ms"


def table(entries, results, accelerator_of, seconds_of):
    rows, (c, latency) = analyse(entries, results, accelerator_of, seconds_of)
    fitted = [r for r in rows if "loo" in r]
    out = ["| design | port | program at port rate | model | two constants, fitted to all | "
           "two constants, left out | measured |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        model = _ms(r["model"]) if r["model"] else "—"
        loo = (f"{_ms(r['loo'])} ({r['loo'] / r['measured']:.2f})" if "loo" in r
               else "— (not fitted)")
        out.append(f"| {r['platform']} | {r['port'] / 1e9:g} GB/s | {_ms(r['base'])} | {model} | "
                   f"{_ms(r['all'])} ({r['all'] / r['measured']:.2f}) | {loo} | "
                   f"{_ms(r['measured'])} |")
    cs = [r["loo_fit"][0] for r in fitted]
    ls = [r["loo_fit"][1] for r in fitted]
    worst = max(abs(r["loo"] / r["measured"] - 1) for r in fitted)
    rank = lambda key: [r["id"] for r in sorted(rows, key=key)]
    same = rank(lambda r: r["all"]) == rank(lambda r: r["measured"])
    out.append("")
    out.append(f"Fitted to the {len(fitted)} designs: c = {c:.2f} cycles per instruction, "
               f"L = {latency * 1e9:.0f} ns per request; left out, c = {min(cs):.2f} to "
               f"{max(cs):.2f} cycles and L = {min(ls) * 1e9:.0f} to {max(ls) * 1e9:.0f} ns, "
               f"each design within {worst * 100:.1f} % of its measurement. With the constants "
               f"fitted to all, the {len(rows)} designs' predicted order "
               f"{'equals' if same else 'differs from'} the measured order.")
    return "\n".join(out)
