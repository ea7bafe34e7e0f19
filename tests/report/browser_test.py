"""Opens monet-sim's HTML reports in headless Chromium (tests/report/cdp.py) and checks what a
reader sees: no console error, no network request (everything inline), every chart drawn, the
latency card equal to summary.json's, the tables sort and filter, search points show their
plan and link to their experiment file, a generation's and an episode's pages link their
parts' reports. Saves a screenshot of each report.

usage: browser_test.py --cli build/cli/monet-sim --source . --out build/tests/report
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from typing import Dict, List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, Page  # noqa: E402

failures: List[str] = []


def check(ok: bool, what: str) -> None:
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def format_seconds(s: float) -> str:
    """What the page must show for a latency: three decimals in s, ms or us (core::format_seconds)."""
    if s >= 1:
        return f"{s:.3f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3f} ms"
    if s >= 1e-6:
        return f"{s * 1e6:.3f} us"
    return f"{s * 1e9:.1f} ns"


def cli(args: List[str], cli_path: str) -> None:
    r = subprocess.run([cli_path, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"monet-sim {' '.join(args)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")


CHARTS_DRAWN = """(() => {
  const boxes = [...document.querySelectorAll('.chart')];
  return boxes.map((box) => {
    const entry = window.monetReport.charts.find((c) => c.id === box.id);
    const canvas = box.querySelector('canvas');
    let inked = 0;
    if (canvas && canvas.width > 0 && canvas.height > 0) {
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) inked++;
    }
    const series = entry ? entry.chart.getOption().series : [];
    const points = series.reduce((n, s) => n + ((s.data && s.data.length) || 0), 0);
    return {id: box.id, registered: !!entry, canvas: !!canvas,
            width: canvas ? canvas.width : 0, height: canvas ? canvas.height : 0, inked, points};
  });
})()"""


def open_report(browser: Browser, html: str) -> Page:
    page = browser.new_page()
    page.navigate("file://" + os.path.abspath(html))
    page.wait_for("window.monetReport && window.monetReport.ready === true")
    return page


def common_checks(page: Page, name: str, min_charts: int) -> List[Dict]:
    charts = page.evaluate(CHARTS_DRAWN)
    check(len(charts) >= min_charts, f"{name}: {len(charts)} charts (at least {min_charts})")
    for c in charts:
        check(c["registered"] and c["canvas"] and c["width"] > 0 and c["height"] > 0 and
              c["inked"] > 500 and c["points"] > 0,
              f"{name}: chart {c['id']} drawn (canvas {c['width']}x{c['height']}, "
              f"{c['inked']} inked pixels, {c['points']} data points)")
    return charts


def final_checks(page: Page, name: str, out_dir: str) -> None:
    external = [u for u in page.requests() if not u.startswith(("file:", "data:", "about:"))]
    check(not external, f"{name}: no network request ({external[:3]})")
    errors = page.errors()
    check(not errors, f"{name}: no console errors {errors[:5]}")
    shot = os.path.join(out_dir, f"report-{name}.png")
    page.screenshot(shot)
    check(os.path.getsize(shot) > 10000, f"{name}: screenshot {shot}")


def column_values(page: Page, table: str, col: str) -> List:
    return page.evaluate(f"""(() => {{
      const t = document.getElementById('{table}');
      const k = [...t.querySelectorAll('thead th')].findIndex((th) => th.dataset.col === '{col}');
      return [...t.querySelectorAll('tbody tr')].map((tr) => {{
        const td = tr.children[k];
        return td.hasAttribute('data-value') ? Number(td.getAttribute('data-value')) : td.textContent;
      }});
    }})()""")


def click_header(page: Page, table: str, col: str) -> str:
    return page.evaluate(f"""(() => {{
      const th = [...document.querySelectorAll('#{table} thead th')].find((h) => h.dataset.col === '{col}');
      th.click();
      return th.getAttribute('aria-sort');
    }})()""")


def check_sorting(page: Page, name: str, table: str, col: str) -> None:
    before = column_values(page, table, col)
    order = click_header(page, table, col)
    first = column_values(page, table, col)
    check(order == "descending" and first == sorted(before, reverse=True) and first != before,
          f"{name}: clicking '{col}' sorts {table} largest first ({first[:3]} ...)")
    order = click_header(page, table, col)
    second = column_values(page, table, col)
    check(order == "ascending" and second == sorted(before),
          f"{name}: clicking '{col}' again sorts smallest first ({second[:3]} ...)")


def run_report(browser: Browser, work: str, args) -> None:
    run_dir = os.path.join(work, "run")
    experiment = os.path.join(args.source, "configs/experiments/resnet18-train-edge-hetero.yaml")
    cli(["run", experiment, "-o", run_dir], args.cli)
    cli(["report", run_dir], args.cli)
    summary = json.load(open(os.path.join(run_dir, "summary.json")))
    page = open_report(browser, os.path.join(run_dir, "report.html"))
    memories = len({line.split(",")[0] for line in open(os.path.join(run_dir, "memory.csv")).readlines()[1:]})
    # Gantt, one per memory, energy by category / phase / op, cores.
    common_checks(page, "run", 1 + memories + 3 + 1)
    shown = page.evaluate("document.querySelector('#card-latency .value').textContent")
    value = page.evaluate("Number(document.getElementById('card-latency').dataset.value)")
    check(shown == format_seconds(summary["latency_s"]) and value == summary["latency_s"],
          f"run: latency card shows {shown!r} (summary.json: {summary['latency_s']} s)")
    gantt_rows = page.evaluate("window.monetReport.charts.find((c) => c.id === 'chart-gantt')"
                               ".chart.getOption().yAxis[0].data")
    cores = [c["name"] for c in summary["cores"]]
    check(gantt_rows[:len(cores)] == cores, f"run: Gantt rows are the cores {cores}")
    legend = page.evaluate("window.monetReport.charts.find((c) => c.id === 'chart-gantt')"
                           ".chart.getOption().legend[0].data")
    check(set(legend) == {"forward", "loss", "backward-data", "backward-weight", "optimizer",
                          "dram-read", "dram-write", "link", "refetch"} - set() or
          set(legend) <= {"forward", "loss", "backward-data", "backward-weight", "optimizer",
                          "recompute", "dram-read", "dram-write", "link", "refetch"},
          f"run: Gantt legend lists categories that occur: {legend}")
    tip = page.evaluate("""(() => {
      const c = window.monetReport.charts.find((c) => c.id === 'chart-gantt').chart;
      c.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0});
      return document.querySelector('#chart-gantt').innerText;
    })()""")
    check(all(k in tip for k in ("start", "duration", "macs", "bound by")),
          f"run: Gantt tooltip shows op, start, duration, MACs and bound by ({tip[:160]!r})")
    check_sorting(page, "run", "ops-table", "energy_pj")
    rows = page.evaluate("""(() => {
      const s = [...document.querySelectorAll('#ops .filter-column')].find((x) => x.dataset.col === 'pass');
      s.value = 'backward-weight';
      s.dispatchEvent(new Event('change'));
      return [...document.querySelectorAll('#ops-table tbody tr')].map((tr) => tr.children[2].textContent);
    })()""")
    check(len(rows) > 0 and set(rows) == {"backward-weight"},
          f"run: filtering the ops table by pass keeps {len(rows)} backward-weight rows")
    final_checks(page, "run", args.out)


def search_report(browser: Browser, work: str, args) -> None:
    exp = os.path.join(work, "search.yaml")
    with open(exp, "w") as f:
        f.write("name: report-search\nworkload: {model: resnet18}\ntraining: {optimizer: sgd}\n"
                "accelerator: edge-hetero\nsearch: {genes: [allocation, fusion], "
                "objectives: [latency, energy, footprint], population: 8, generations: 2, seed: 3}\n")
    out = os.path.join(work, "search")
    cli(["search", exp, "-o", out, "--front-files", "3"], args.cli)
    html = os.path.join(work, "search-report.html")  # elsewhere: links must still resolve
    cli(["report", out, "-o", html], args.cli)
    pareto = json.load(open(os.path.join(out, "pareto.json")))
    page = open_report(browser, html)
    common_checks(page, "search", 3 + 1)  # three objective pairs, hypervolume history
    names = page.evaluate("window.monetReport.charts.filter((c) => c.id.startsWith('chart-pareto'))"
                          ".map((c) => [c.chart.getOption().xAxis[0].name, c.chart.getOption().yAxis[0].name])")
    labels = pareto["objective_labels"]
    check(len(names) == 3 and [x.split(" (")[0] for x, _ in names] == [labels[0], labels[0], labels[1]]
          and [y.split(" (")[0] for _, y in names] == [labels[1], labels[2], labels[2]]
          and all(x.endswith(")") and y.endswith(")") for x, y in names),
          f"search: Pareto axes named with objectives and units {names}")
    tip = page.evaluate("""(() => {
      const c = window.monetReport.charts.find((c) => c.id === 'chart-pareto-0').chart;
      c.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0});
      return document.querySelector('#chart-pareto-0').innerText;
    })()""")
    plans = [m["plan"] for m in pareto["members"]]
    check(any(p in tip.replace("\n", " ") for p in plans) and "click to open" in tip,
          f"search: a point's tooltip shows its plan and its file ({tip[:200]!r})")
    links = page.evaluate("[...document.querySelectorAll('#members-table a')].map((a) => a.href)")
    with_file = [m for m in pareto["members"] if m["experiment"]]
    check(len(links) == len(with_file) == min(3, len(pareto["members"])) and
          all(os.path.exists(urllib.parse.unquote(l[len("file://"):])) for l in links),
          f"search: {len(links)} member links open existing experiment files")
    check_sorting(page, "search", "members-table", pareto["objectives"][1])
    final_checks(page, "search", args.out)


def compare_report(browser: Browser, work: str, args) -> None:
    # A comparison folder as `monet-sim compare` writes it (the format fixture in
    # tests/data/report/compare is checked by tests/report/report_test.cpp).
    folder = os.path.join(work, "compare")
    experiment = os.path.join(args.source, "configs/experiments/resnet18-train-edge-hetero.yaml")
    # The lower-energy accelerator first, so sorting by energy changes the order.
    cli(["compare", experiment, "--accelerator", "jetson-orin-nano", "--accelerator",
         "edge-hetero", "-o", folder], args.cli)
    cli(["report", folder], args.cli)
    doc = json.load(open(os.path.join(folder, "compare.json")))
    page = open_report(browser, os.path.join(folder, "report.html"))
    with_values = [m for m in doc["metrics"]
                   if any(e["values"].get(m["name"]) is not None for e in doc["entries"])]
    charts = common_checks(page, "comparison", len(with_values))
    check(len(charts) == len(with_values),
          f"comparison: one chart per metric with values ({len(with_values)}), none for all-null metrics")
    shown = column_values(page, "compare-table", "latency_s")
    check(shown == [e["values"]["latency_s"] for e in doc["entries"]],
          f"comparison: table latencies equal compare.json's {shown}")
    link = page.evaluate("document.querySelector('#compare-table a').href")
    check(link.endswith(doc["entries"][0]["run"] + "/summary.json") and
          os.path.exists(urllib.parse.unquote(link[len("file://"):])),
          f"comparison: the entry links to its run ({link})")
    check_sorting(page, "comparison", "compare-table", "energy_pj")
    final_checks(page, "comparison", args.out)


def generation_report(browser: Browser, work: str, args) -> None:
    # A generation folder as `monet-sim run` writes it for mode: generate; its report also
    # writes the reports of the prefill and the longest decode step and links them.
    exp = os.path.join(work, "gen.yaml")
    with open(exp, "w") as f:
        f.write("workload: {model: qwen2.5-0.5b, element_bits: 16}\nmode: generate\n"
                "generate: {prompt_tokens: 16, output_tokens: 6}\naccelerator: jetson-orin-nano\n")
    folder = os.path.join(work, "gen")
    cli(["run", exp, "-o", folder], args.cli)
    cli(["report", folder], args.cli)
    summary = json.load(open(os.path.join(folder, "summary.json")))
    page = open_report(browser, os.path.join(folder, "report.html"))
    common_checks(page, "generation", 1)  # decode step time against the context
    shown = page.evaluate("document.querySelector('#card-ttft .value').textContent")
    ttft = summary["generation"]["ttft_s"]
    check(shown == format_seconds(ttft), f"generation: ttft card shows {shown!r} (summary.json: {ttft} s)")
    points = page.evaluate("window.monetReport.charts.find((c) => c.id === 'chart-decode')"
                           ".chart.getOption().series[0].data.length")
    steps = [p for p in summary["parts"] if p["past"] > 0]
    check(points == len(steps), f"generation: one point per scheduled decode step ({points})")
    rows = column_values(page, "parts-table", "latency_s")
    check(rows == [p["latency_s"] for p in summary["parts"]],
          f"generation: the parts table holds summary.json's parts ({len(rows)} rows)")
    links = page.evaluate("[...document.querySelectorAll('#runs a')].map((a) => a.href)")
    check(len(links) == 2 and all(os.path.exists(urllib.parse.unquote(l[len("file://"):])) and
                                  l.endswith("/report.html") for l in links),
          f"generation: links to the prefill's and the decode step's reports ({links})")
    final_checks(page, "generation", args.out)


def episode_report(browser: Browser, work: str, args) -> None:
    # A few-shot episode folder (an inference part and a head fine-tuning step run 3 times);
    # its report also writes each part's run report and links them.
    exp = os.path.join(work, "episode.yaml")
    with open(exp, "w") as f:
        f.write("workload: {model: mobilevit-xxs, element_bits: 16}\nmode: few-shot\n"
                "few_shot: {ways: 5, shots: 1, queries: 2, finetune: {steps: 3, trains: head}}\n"
                "training: {optimizer: adam}\naccelerator: jetson-orin-nano\n")
    folder = os.path.join(work, "episode")
    cli(["run", exp, "-o", folder], args.cli)
    cli(["report", folder], args.cli)
    summary = json.load(open(os.path.join(folder, "summary.json")))
    parts = summary["parts"]
    page = open_report(browser, os.path.join(folder, "report.html"))
    common_checks(page, "episode", 1)  # time by part
    shown = page.evaluate("document.querySelector('#card-latency .value').textContent")
    check(shown == format_seconds(summary["latency_s"]),
          f"episode: time card shows {shown!r} (summary.json: {summary['latency_s']} s)")
    bars = page.evaluate("window.monetReport.charts.find((c) => c.id === 'chart-parts')"
                         ".chart.getOption().series[0].data.length")
    check(len(parts) == 2 and bars == len(parts), f"episode: one bar per part ({bars})")
    # The episode's time is the sum of each part's run times its repeats.
    total = sum(p["latency_s"] * p["repeat"] for p in parts)
    check(abs(total - summary["latency_s"]) <= 1e-9 * summary["latency_s"],
          f"episode: parts x repeats add up to the episode's time ({total} s)")
    rows = column_values(page, "parts-table", "latency_s")
    check(rows == [p["latency_s"] for p in parts],
          f"episode: the parts table holds summary.json's parts ({len(rows)} rows)")
    links = page.evaluate("[...document.querySelectorAll('#runs a')].map((a) => a.href)")
    check(len(links) == len(parts) and
          all(os.path.exists(urllib.parse.unquote(l[len("file://"):])) and
              l.endswith(p["name"] + "/report.html") for l, p in zip(links, parts)),
          f"episode: links to each part's run report ({links})")
    final_checks(page, "episode", args.out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = ap.parse_args()
    if not args.chromium:
        print("FAIL  no chromium on PATH (scripts/setup.sh installs Debian's chromium)")
        return 1
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="monet-report-test-")
    browser = Browser(args.chromium)
    try:
        for kind in (run_report, search_report, compare_report, generation_report, episode_report):
            start = time.monotonic()
            kind(browser, work, args)
            print(f"      {kind.__name__}: {time.monotonic() - start:.1f} s")
    finally:
        browser.close()
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(failures)} failed" if failures else "all report checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
