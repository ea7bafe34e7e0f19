#!/usr/bin/python3
"""Mutation campaign against the monet-sim command line (issue 17's acceptance check).

libFuzzer (scripts/fuzz.sh) drives the loaders in-process; this drives the real binary the way a
user's broken file would: it mutates the shipped accelerator presets, workload and experiment
files, ZigZag/Stream descriptions and ONNX test models (byte flips, truncation, duplicated,
deleted and swapped lines, extreme numbers, wrong YAML types, alias bombs, deep nesting, broken
units, corrupted protobuf bytes), runs the command that reads each kind, and records a finding
whenever

  * the exit status is neither 0 (accepted) nor 2 (refused with a message),
  * a run exceeds the CPU-time limit (a hang) or the memory limit,
  * an accepted run prints or writes a non-finite number (nan, inf, JSON null in a number's place
    is not checked: the writers refuse non-finite numbers before they would write null).

usage: fuzz/mutate_cli.py [--binary build/cli/monet-sim] [--executions N] [--seconds S]
                          [--seed K] [--timeout 20 (200 with --asan)] [--memory-mib 4096] [--out DIR]
Findings go to DIR/findings/NNN/ (the input, the command, its output); DIR/stats.json holds the
executions, the exit-status histogram per kind and the findings. Exit status 1 when something
was found, 0 otherwise.
"""
import argparse
import collections
import glob
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

EXTREME_NUMBERS = ["0", "-1", "-0", "1e308", "-1e308", "1e-320", "9223372036854775807",
                   "-9223372036854775808", "18446744073709551616", "4294967296", "2147483648",
                   "nan", ".nan", ".inf", "-.inf", "1e400", "0x7fffffff", "3.5", "1e19"]
WRONG_TYPES = ["[1, 2]", "{a: 1}", "\"text\"", "~", "true", "[]", "{}", "!!binary AAAA", "''"]
UNIT_SWAPS = [("GB/s", "GB/h"), ("KiB", "KB/s"), ("MHz", "pJ"), ("pJ", "W"), ("GHz", "Hz"),
              ("MiB", ""), ("B", "bits"), ("W", "mW")]
NUMBER = re.compile(r"(?<![\w.])-?\d+(\.\d+)?([eE][-+]?\d+)?(?![\w.])")


def yaml_seeds():
    seeds = []
    for kind, pattern in [("accelerator", "configs/accelerators/*.yaml"),
                          ("workload", "configs/workloads/*.yaml"),
                          ("experiment", "configs/experiments/*.yaml"),
                          ("experiment", "configs/experiments/*/*.yaml"),
                          ("zigzag", "tests/data/zigzag/*.yaml")]:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
            seeds.append((kind, path))
    return seeds


def onnx_seeds():
    return [("onnx", p) for p in sorted(glob.glob(os.path.join(ROOT, "tests/data/*.onnx")))]


def mutate_text(text, rng):
    lines = text.split("\n")
    op = rng.choice(["flip", "truncate", "dup", "delete", "swap", "number", "type", "alias",
                     "nest", "unit", "indent", "dupkey"])
    if op == "flip" and text:
        b = bytearray(text.encode("utf-8", "surrogateescape"))
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        return b.decode("utf-8", "surrogateescape"), op
    if op == "truncate":
        return text[:rng.randrange(len(text) + 1)], op
    if op == "dup" and lines:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
    elif op == "delete" and lines:
        del lines[rng.randrange(len(lines))]
    elif op == "swap" and len(lines) > 1:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "number":
        spots = list(NUMBER.finditer(text))
        if spots:
            m = rng.choice(spots)
            return text[:m.start()] + rng.choice(EXTREME_NUMBERS) + text[m.end():], op
    elif op == "type":
        keyed = [i for i, l in enumerate(lines) if re.match(r"^\s*[-\w]+:\s*\S", l)]
        if keyed:
            i = rng.choice(keyed)
            key = lines[i].split(":", 1)[0]
            lines[i] = key + ": " + rng.choice(WRONG_TYPES)
    elif op == "alias":
        bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for k in range(1, 9):
            bomb.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]")
        lines += bomb
    elif op == "nest":
        keyed = [i for i, l in enumerate(lines) if re.match(r"^\s*[-\w]+:\s*\S", l)]
        if keyed:
            i = rng.choice(keyed)
            key, value = lines[i].split(":", 1)
            depth = rng.choice([50, 500, 5000])
            lines[i] = key + ": " + "[" * depth + value.strip() + "]" * depth
    elif op == "unit":
        for old, new in rng.sample(UNIT_SWAPS, len(UNIT_SWAPS)):
            if old in text:
                at = [m.start() for m in re.finditer(re.escape(old), text)]
                k = rng.choice(at)
                return text[:k] + new + text[k + len(old):], op
    elif op == "indent" and lines:
        i = rng.randrange(len(lines))
        lines[i] = rng.choice(["", " ", "   ", "\t"]) + lines[i]
    elif op == "dupkey":
        keyed = [i for i, l in enumerate(lines) if re.match(r"^\s*[-\w]+:\s*\S", l)]
        if keyed:
            i = rng.choice(keyed)
            key = lines[i].split(":", 1)[0]
            lines.insert(i + 1, key + ": " + rng.choice(EXTREME_NUMBERS + WRONG_TYPES))
    return "\n".join(lines), op


def mutate_bytes(data, rng):
    b = bytearray(data)
    op = rng.choice(["flip", "truncate", "insert", "varint", "splice"])
    if op == "flip" and b:
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    elif op == "truncate":
        del b[rng.randrange(len(b) + 1):]
    elif op == "insert":
        k = rng.randrange(len(b) + 1)
        b[k:k] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    elif op == "varint" and b:
        # A length or dimension varint set to something huge: protobuf's favourite corruption.
        k = rng.randrange(len(b))
        b[k:k + 1] = bytes([0xff] * rng.randint(1, 9) + [0x7f])
    elif op == "splice" and len(b) > 8:
        i, j = sorted(rng.sample(range(len(b)), 2))
        b[i:i] = b[i:j]
    return bytes(b), op


def command(binary, kind, path, outdir):
    if kind == "accelerator":
        return [binary, "validate", path]
    if kind == "workload":
        return [binary, "describe", path]
    if kind == "experiment":
        return [binary, "run", path, "-o", outdir]
    if kind == "zigzag":
        return [binary, "convert", path, "-o", os.path.join(outdir, "converted.yaml")]
    return [binary, "cost", path, "--accelerator", "edge-hetero", "--json"]


NONFINITE = re.compile(r"(?<![\w-])(-?nan|-?inf(inity)?)(?![\w-])", re.IGNORECASE)


def nonfinite_in(stdout, outdir):
    bad = []
    for m in NONFINITE.finditer(stdout):
        bad.append("stdout: ..." + stdout[max(0, m.start() - 60):m.end() + 20] + "...")
    for dirpath, _, files in os.walk(outdir):
        for f in files:
            if not f.endswith((".json", ".csv")):
                continue
            p = os.path.join(dirpath, f)
            with open(p, "rb") as fh:
                text = fh.read().decode("utf-8", "replace")
            m = NONFINITE.search(text)
            if m:
                bad.append(f"{os.path.relpath(p, outdir)}: ..." +
                           text[max(0, m.start() - 60):m.end() + 20] + "...")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build/cli/monet-sim"))
    ap.add_argument("--executions", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=0, help="stop after this long (0: no limit)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=None,
                    help="CPU seconds per run (default 20; with --asan 200, since ASan + UBSan "
                         "run the simulator about ten times slower: the MobileViT-XXS training "
                         "experiment takes 1.95 CPU s in the release build and over 20 under ASan)")
    ap.add_argument("--memory-mib", type=int, default=4096,
                    help="address-space limit of each run (ignored for sanitizer builds)")
    ap.add_argument("--asan", action="store_true", help="the binary is an ASan build")
    ap.add_argument("--out", default="mutate-out")
    args = ap.parse_args()
    if args.timeout is None:
        args.timeout = 200 if args.asan else 20
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        print(f"mutate_cli: no executable {binary}", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    seeds = yaml_seeds() + onnx_seeds()
    texts = {}
    for kind, path in seeds:
        with open(path, "rb") as fh:
            texts[path] = fh.read()
    os.makedirs(os.path.join(args.out, "findings"), exist_ok=True)
    work = tempfile.mkdtemp(prefix="mutate-")
    # Experiments name their workload and accelerator relative to their own folder: a mutated
    # copy sits where its original sits, in a scratch copy of the seed folders (the repository
    # is never written).
    mirror = os.path.join(work, "tree")
    for sub in ("configs", "tests/data"):
        shutil.copytree(os.path.join(ROOT, sub), os.path.join(mirror, sub))
    env = dict(os.environ)
    if args.asan:
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:allocator_may_return_null=1:"
                       "hard_rss_limit_mb=%d" % args.memory_mib)

    def limits():
        os.nice(10)
        if not args.asan:
            lim = args.memory_mib << 20
            resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
        # A hang is judged in CPU seconds: on a loaded machine a niced run may wait far longer
        # than it computes. The wall-clock limit only catches a process blocked on nothing.
        cpu = int(args.timeout)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))

    histogram = collections.defaultdict(collections.Counter)
    findings = []
    started = time.time()
    n = 0

    def write_stats():
        stats = {"binary": binary, "seed": args.seed, "executions": n,
                 "seconds": round(time.time() - started, 1),
                 "exit_status_by_kind": {k: dict(v) for k, v in histogram.items()},
                 "findings": findings}
        tmp = os.path.join(args.out, "stats.json.tmp")
        with open(tmp, "w") as fh:
            json.dump(stats, fh, indent=2)
        os.replace(tmp, os.path.join(args.out, "stats.json"))
        return stats
    try:
        while n < args.executions and (args.seconds <= 0 or time.time() - started < args.seconds):
            n += 1
            kind, seed_path = rng.choice(seeds)
            data = texts[seed_path]
            ops = []
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                if kind == "onnx":
                    data, op = mutate_bytes(data, rng)
                else:
                    text, op = mutate_text(data.decode("utf-8", "surrogateescape"), rng)
                    data = text.encode("utf-8", "surrogateescape")
                ops.append(op)
            case = os.path.join(work, "case")
            shutil.rmtree(case, ignore_errors=True)
            os.makedirs(case)
            if kind in ("experiment", "workload"):
                rel = os.path.relpath(os.path.dirname(seed_path), ROOT)
                path = os.path.join(mirror, rel, "mutated.yaml")
            else:
                path = os.path.join(case, os.path.basename(seed_path))
            with open(path, "wb") as fh:
                fh.write(data)
            outdir = os.path.join(case, "out")
            cmd = command(binary, kind, path, outdir)
            problem = None
            try:
                r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   timeout=max(30 * args.timeout, 600), preexec_fn=limits,
                                   env=env)
                status = r.returncode
                stdout = r.stdout.decode("utf-8", "replace")
                stderr = r.stderr.decode("utf-8", "replace")
                if status in (-signal.SIGXCPU, -signal.SIGKILL):
                    problem = f"more than {args.timeout:g} CPU seconds"
                elif status not in (0, 2):
                    problem = f"exit status {status}"
                elif status == 0:
                    bad = nonfinite_in(stdout, outdir)
                    if bad:
                        problem = "non-finite number: " + bad[0]
            except subprocess.TimeoutExpired as e:
                status = "timeout"
                stdout = (e.stdout or b"").decode("utf-8", "replace")
                stderr = (e.stderr or b"").decode("utf-8", "replace")
                problem = f"no answer in {max(30 * args.timeout, 600):g} s of wall-clock time"
            histogram[kind][str(status)] += 1
            if problem:
                k = len(findings)
                d = os.path.join(args.out, "findings", f"{k:03d}")
                os.makedirs(d, exist_ok=True)
                shutil.copy(path, os.path.join(d, os.path.basename(seed_path)))
                with open(os.path.join(d, "report.txt"), "w") as fh:
                    fh.write(f"seed file: {os.path.relpath(seed_path, ROOT)}\nmutations: {ops}\n"
                             f"command: {' '.join(cmd)}\nproblem: {problem}\n"
                             f"--- stdout\n{stdout[-4000:]}\n--- stderr\n{stderr[-4000:]}\n")
                findings.append({"case": k, "seed_file": os.path.relpath(seed_path, ROOT),
                                 "mutations": ops, "problem": problem})
                print(f"finding {k}: {os.path.relpath(seed_path, ROOT)} {ops}: {problem}",
                      flush=True)
            if kind in ("experiment", "workload"):
                os.remove(path)
            if n % 500 == 0:
                write_stats()
                print(f"{n} executions, {len(findings)} findings, "
                      f"{n / (time.time() - started):.1f}/s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    stats = write_stats()
    print(json.dumps({k: stats[k] for k in ("executions", "seconds", "exit_status_by_kind")}))
    print(f"{len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
