"""Randomised calls of monet's public functions and attribute writes with wrong types and
values: each must return or raise monet.MonetError (ConfigError), ValueError or TypeError
(pybind11's answer to an argument of the wrong Python type) — never crash the interpreter,
never raise anything else, never return a non-finite result from a simulation.

Run by test_bindings_fuzz.py in a subprocess (a crash fails that test with its output):
    bindings_fuzz.py SEED CALLS
Prints one line per finding and exits 1 when there was any.
"""

import math
import os
import random
import sys
import traceback

import monet
from monet import _monet

ALLOWED = (monet.MonetError, ValueError, TypeError)
ROOT = os.environ.get("MONET_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

SMALL_WORKLOAD = """\
name: tiny
batch: 2
inputs: [{name: x, shape: [3, 8, 8]}]
layers:
  - {name: c1, type: conv, out_channels: 4, kernel: 3}
  - {name: r1, type: relu}
  - {name: p, type: global_avgpool}
  - {name: fc, type: linear, out_features: 5}
"""


def fixtures(tmp):
    """Valid objects the random calls mix with bad values."""
    wl = os.path.join(tmp, "tiny.yaml")
    with open(wl, "w") as f:
        f.write(SMALL_WORKLOAD)
    exp = os.path.join(tmp, "e.yaml")
    with open(exp, "w") as f:
        f.write("name: e\nworkload: {file: tiny.yaml}\ntraining: {optimizer: sgd}\n"
                "accelerator: tpu-like\nfusion: {stacks: blocks}\n")
    graph = _monet.parse_workload_yaml(SMALL_WORKLOAD, "tiny.yaml")
    return {
        "graph": graph,
        "options": _monet.TrainingOptions(),
        "accelerator": _monet.load_accelerator("tpu-like"),
        "experiment": _monet.load_experiment(exp),
        "spec": _monet.PlanSpec(),
        "workload_path": wl,
        "experiment_path": exp,
        "step": _monet.expand(graph, _monet.TrainingOptions()),
    }


BAD = [None, True, False, -1, 0, 1, 3, 2**31, 2**63 - 1, 2**63, 2**64, -2**63 - 1, 1e308, -1e308,
       float("nan"), float("inf"), -float("inf"), 1e-320, "", "x", "resnet18", "sgd", "block",
       "tpu-like", "\x00", "a" * 3000, "\udcff", "caf\u00e9", "1e308 pJ", "-5 GB/s", "0 Hz",
       b"\xff\xfe", [], [1, 2], [-1], [2**62, 2**62], ["x"], {}, {"a": 1}, {"batch": -3},
       (1, "x"), object()]


def value(rng, fx):
    r = rng.random()
    if r < 0.35:
        return rng.choice(list(fx.values()))
    return rng.choice(BAD)


def targets():
    """(qualified name, callable) of every public function."""
    out = []
    modules = [_monet, monet, monet.workloads, monet.accelerators, monet.training, monet.ga]
    skip = {"search", "optimize"}  # long-running by design; covered by their own tests
    for mod in modules:
        for name in sorted(dir(mod)):
            if name.startswith("_") or name in skip:
                continue
            obj = getattr(mod, name)
            if callable(obj) and not isinstance(obj, type) and not isinstance(obj, type(os)):
                out.append((f"{mod.__name__}.{name}", obj))
            elif isinstance(obj, type) and obj.__module__.startswith("monet") and \
                    not issubclass(obj, BaseException):
                out.append((f"{mod.__name__}.{name}", obj))  # constructors
    return out


def check_result(result, what, findings):
    """A finished simulation reports finite numbers only."""
    summary = None
    if isinstance(result, _monet.Run):
        summary = result.summary()
    elif isinstance(result, monet.Result):
        summary = result.summary
    if summary is None:
        return

    def walk(v, path):
        if isinstance(v, float) and not math.isfinite(v):
            findings.append(f"{what}: non-finite {path} = {v}")
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{path}.{k}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{path}[{i}]")
    walk(summary, "summary")


def call(what, fn, args, findings):
    try:
        result = fn(*args)
    except ALLOWED:
        return None
    except Exception as e:  # anything else is a finding
        findings.append(f"{what}{tuple(type(a).__name__ for a in args)}: "
                        f"{type(e).__name__}: {e}".replace("\n", " | ")[:400])
        return None
    check_result(result, what, findings)
    return result


def mutate_objects(rng, fx, findings):
    """Writes random values into the attributes of fresh copies of editable objects, then
    simulates with them: every edit is checked before use (ConfigError naming the field)."""
    acc = _monet.load_accelerator("tpu-like")
    core = acc.cores[0]
    targets_ = [acc, core, acc.dram, core.memories[0], core.cim, acc.cores[0].array[0]
                if len(acc.cores[0].array) else acc.dram]
    opts = _monet.TrainingOptions()
    spec = _monet.PlanSpec()
    for obj in targets_ + [opts, spec]:
        names = [n for n in dir(obj) if not n.startswith("_")
                 and not callable(getattr(obj, n, None))]
        for n in rng.sample(names, min(2, len(names))):
            v = value(rng, fx)
            try:
                setattr(obj, n, v)
            except (AttributeError,) + ALLOWED:
                continue
            except Exception as e:
                findings.append(f"set {type(obj).__name__}.{n} = {type(v).__name__}: "
                                f"{type(e).__name__}: {e}"[:400])
    try:
        acc.cores[0] = core
    except Exception:
        pass
    call("simulate(edited accelerator, options, plan)",
         lambda: monet.simulate(monet.training.expand(fx["graph"], opts), accelerator=acc,
                                plan=spec),
         (), findings)


def main():
    seed, calls = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    tmp = os.getcwd()
    fx = fixtures(tmp)
    funcs = targets()
    findings = []
    for i in range(calls):
        if i % 10 == 9:
            mutate_objects(rng, fx, findings)
            continue
        what, fn = rng.choice(funcs)
        args = [value(rng, fx) for _ in range(rng.randint(0, 4))]
        call(what, fn, args, findings)
    for f in sorted(set(findings)):
        print("finding:", f)
    print(f"{calls} calls over {len(funcs)} functions, {len(set(findings))} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:
        traceback.print_exc()
        sys.exit(3)
