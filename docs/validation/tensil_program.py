#!/usr/bin/env python3
"""Read a compiled Tensil program (.tprog, with its .tmodel) and count what it does.

The instruction layout follows Tensil's own writer (tensil-ai/tensil,
common/src/tensil/InstructionLayout.scala and tools/src/tensil/tools/compiler/lir/StreamGen.scala):
each instruction is one little-endian integer of `instruction_bytes(arch)` bytes holding, from
the least significant bit, operand 0 (address, then stride), operand 1 (address or size, then
stride), operand 2 (size, or the SIMD op) and a one-byte header (thread id, 3-bit opcode, 4-bit
flags). The cycle estimate is the compiler's own (tools/src/tensil/tools/compiler/Estimator.scala),
with DRAM moves optionally timed at a port rate instead of its one vector per cycle.

Used by docs/validation.md ("What the compiled Tensil programs contain") to compare the model
with the programs the measured boards ran; the counts it printed for the five programs of
source S3 are in docs/validation/tensil-programs.yaml.

    /usr/bin/python3 docs/validation/tensil_program.py PROGRAM.tmodel [...] [--port-bytes-per-cycle B]
"""
import argparse
import collections
import json
import os
import sys

OPCODES = {0x0: "Wait", 0x1: "MatMul", 0x2: "DataMove", 0x3: "LoadWeights", 0x4: "SIMD",
           0x7: "Configure"}
# SIMDOp.scala
SIMD_OPS = {0x0: "NoOp", 0x1: "Zero", 0x2: "Move", 0x3: "Not", 0x4: "And", 0x5: "Or",
            0x6: "Increment", 0x7: "Decrement", 0x8: "Add", 0x9: "Subtract", 0xa: "Multiply",
            0xb: "Abs", 0xc: "GreaterThan", 0xd: "GreaterThanEqual", 0xe: "Min", 0xf: "Max"}
# DataMoveFlags.scala
MOVES = {0: "dram0_to_local", 1: "local_to_dram0", 2: "dram1_to_local", 3: "local_to_dram1",
         12: "acc_to_local", 13: "local_to_acc", 15: "local_to_acc_accumulate"}
DRAM_MOVES = {0, 1, 2, 3}
DRAM_READS = {0, 2}

Instruction = collections.namedtuple(
    "Instruction", "opcode flags address0 stride0 address1 stride1 size simd_op")


def _log2_ceil(n):
    return (n - 1).bit_length()


def _round8(bits):
    return (bits + 7) // 8 * 8


def layout(arch):
    """Field widths in bits, as InstructionLayout computes them."""
    local = _log2_ceil(arch["local_depth"])
    acc = _log2_ceil(arch["accumulator_depth"])
    dram = max(_log2_ceil(arch["dram0_depth"]), _log2_ceil(arch["dram1_depth"]))
    tid = _log2_ceil(arch["number_of_threads"])
    s0, s1 = _log2_ceil(arch["stride0_depth"]), _log2_ceil(arch["stride1_depth"])
    simd_operand = _log2_ceil(arch["simd_registers_depth"] + 1)
    a0 = max(local, acc)
    a1 = max(local, dram, acc)
    a2 = max(min(local, acc), min(local, dram), simd_operand * 3 + 4)
    f = dict(a0=a0, s0=s0, o0=_round8(a0 + s0), a1=a1, s1=s1, o1=_round8(a1 + s1), a2=a2,
             o2=_round8(a2), simd_operand=simd_operand, header=_round8(2 * tid + 3))
    f["bytes"] = (f["header"] + f["o0"] + f["o1"] + f["o2"]) // 8
    return f


def decode(data, arch):
    f = layout(arch)
    n = f["bytes"]
    if len(data) % n:
        raise ValueError(f"program of {len(data)} bytes is not a whole number of "
                         f"{n}-byte instructions for this architecture")
    mask = lambda bits: (1 << bits) - 1
    out = []
    for i in range(0, len(data), n):
        v = int.from_bytes(data[i:i + n], "little")
        header = v >> (f["o0"] + f["o1"] + f["o2"])
        w0 = v & mask(f["o0"])
        w1 = (v >> f["o0"]) & mask(f["o1"])
        w2 = (v >> (f["o0"] + f["o1"])) & mask(f["o2"])
        opcode, flags = (header >> 4) & 7, header & 15
        size = w2 & mask(f["a2"])
        if opcode == 0x3:  # LoadWeights: its size is operand 1
            size = w1 & mask(f["a1"])
        out.append(Instruction(opcode, flags, w0 & mask(f["a0"]), (w0 >> f["a0"]) & mask(f["s0"]),
                               w1 & mask(f["a1"]), (w1 >> f["a1"]) & mask(f["s1"]), size,
                               (w2 >> (3 * f["simd_operand"])) & 15))
    return out


def estimate_cycles(program, array_size, dram_cycles_per_vector=1.0):
    """Estimator.scala's cycles per instruction class; DRAM moves at the given rate."""
    cycles = collections.Counter()
    previous = 0x0
    for ins in program:
        vectors = ins.size + 1
        if ins.opcode == 0x1:
            extra = 0 if previous == 0x1 else array_size if previous == 0x3 else 2 * array_size
            cycles["MatMul"] += vectors + extra
        elif ins.opcode == 0x3:
            cycles["LoadWeights"] += vectors
        elif ins.opcode == 0x2 and ins.flags in DRAM_MOVES:
            cycles["DataMove DRAM"] += vectors * dram_cycles_per_vector
        elif ins.opcode == 0x2:
            cycles["DataMove on chip"] += vectors
        elif ins.opcode in (0x0, 0x4):
            cycles[OPCODES[ins.opcode]] += 1
        previous = ins.opcode
    return cycles


def summarize(program, arch, dram_cycles_per_vector=1.0):
    s = {"instructions": len(program), "by_opcode": collections.Counter(),
         "vectors": collections.Counter(), "moves": collections.Counter(),
         "move_vectors": collections.Counter(), "simd_ops": collections.Counter(),
         "dram_read_vectors": 0,
         "dram_write_vectors": 0, "dram_contiguous_vectors": 0, "dram_strided_vectors": 0,
         "dram_moves": 0}
    for ins in program:
        name = OPCODES.get(ins.opcode, str(ins.opcode))
        s["by_opcode"][name] += 1
        if ins.opcode in (0x1, 0x3):
            s["vectors"][name] += ins.size + 1
        if ins.opcode == 0x4:
            s["simd_ops"][SIMD_OPS[ins.simd_op]] += 1
        if ins.opcode == 0x2:
            move = MOVES.get(ins.flags, str(ins.flags))
            s["moves"][move] += 1
            s["move_vectors"][move] += ins.size + 1
            if ins.flags in DRAM_MOVES:
                s["dram_moves"] += 1
                key = "dram_read_vectors" if ins.flags in DRAM_READS else "dram_write_vectors"
                s[key] += ins.size + 1
                # A non-zero DRAM stride is cut into one request per vector (tensil-ai/tensil
                # rtl/src/main/scala/tensil/mem/StrideHandler.scala); stride 0 is one request.
                s["dram_strided_vectors" if ins.stride1 else "dram_contiguous_vectors"] += \
                    ins.size + 1
    s["estimator_cycles"] = estimate_cycles(program, arch["array_size"], dram_cycles_per_vector)
    return s


def load(tmodel_path):
    with open(tmodel_path) as f:
        model = json.load(f)
    prog = os.path.join(os.path.dirname(tmodel_path), model["prog"]["file_name"])
    with open(prog, "rb") as f:
        data = f.read()
    return model, decode(data, model["arch"])


def yaml_entry(path, model, s):
    """The counts of one program, as docs/validation/tensil-programs.yaml records them."""
    arch = model["arch"]
    lines = [f"  - program: {os.path.basename(os.path.dirname(os.path.abspath(path)))}/"
             f"{model['prog']['file_name']}",
             f"    program_bytes: {model['prog']['size']}",
             f"    local_depth: {arch['local_depth']}",
             f"    accumulator_depth: {arch['accumulator_depth']}",
             f"    load_consts_to_local: {str(model.get('load_consts_to_local', False)).lower()}",
             f"    instructions: {s['instructions']}"]
    for k in sorted(s["by_opcode"]):
        lines.append(f"    {k}: {{instructions: {s['by_opcode'][k]}"
                     + (f", vectors: {s['vectors'][k]}" if k in s["vectors"] else "") + "}")
    for k in sorted(s["moves"]):
        lines.append(f"    {k}: {{moves: {s['moves'][k]}, vectors: {s['move_vectors'][k]}}}")
    lines.append("    simd_ops: {" + ", ".join(f"{k}: {v}" for k, v in sorted(s["simd_ops"].items()))
                 + "}")
    for k in ("dram_moves", "dram_read_vectors", "dram_write_vectors", "dram_contiguous_vectors",
              "dram_strided_vectors"):
        lines.append(f"    {k}: {s[k]}")
    est = s["estimator_cycles"]
    lines.append("    estimator_cycles: {" + ", ".join(
        f"{k.replace(' ', '_')}: {est[k]:.0f}" for k in sorted(est)) + "}")
    return "\n".join(lines)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tmodel", nargs="+")
    ap.add_argument("--port-bytes-per-cycle", type=float, default=0,
                    help="time DRAM moves at this many bytes per accelerator cycle "
                         "(default: the estimator's one vector per cycle)")
    ap.add_argument("--yaml", action="store_true",
                    help="print the counts as the YAML entries of docs/validation/tensil-programs.yaml")
    a = ap.parse_args(argv)
    if a.yaml:
        for path in a.tmodel:
            model, program = load(path)
            print(yaml_entry(path, model, summarize(program, model["arch"])))
        return 0
    for path in a.tmodel:
        model, program = load(path)
        arch = model["arch"]
        vector_bytes = arch["array_size"] * 2  # FP16BP8 and the other 16-bit types
        rate = vector_bytes / a.port_bytes_per_cycle if a.port_bytes_per_cycle else 1.0
        s = summarize(program, arch, rate)
        total = sum(s["estimator_cycles"].values())
        print(f"{path}: {s['instructions']} instructions, estimate {total:.0f} cycles")
        for k in sorted(s["by_opcode"]):
            print(f"  {k:12s} {s['by_opcode'][k]:7d} instructions {s['vectors'].get(k, 0):9d} vectors")
        for k in sorted(s["moves"]):
            print(f"  {k:24s} {s['moves'][k]:6d} moves {s['move_vectors'][k]:9d} vectors")
        print(f"  DRAM vectors read {s['dram_read_vectors']}, written {s['dram_write_vectors']}, "
              f"contiguous {s['dram_contiguous_vectors']}, strided {s['dram_strided_vectors']}")
        for k, v in sorted(s["estimator_cycles"].items()):
            print(f"  cycles {k:18s} {v:10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
