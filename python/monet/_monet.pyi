"""Type stubs of the pybind11 module monet._monet (python/*.cpp). Use the `monet` package."""

from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union, overload

import numpy as np

# --- errors (module.cpp) -------------------------------------------------------------------
class MonetError(Exception): ...

class ConfigError(MonetError):
    issues: List[Dict[str, Any]]  # file, line, field, value, rule

# --- units (bind_units.cpp) ----------------------------------------------------------------
def parse_quantity(text: str, dimension: str) -> float: ...
def format_bytes(bytes: float) -> str: ...
def format_energy_pj(pj: float) -> str: ...
def format_seconds(seconds: float) -> str: ...
def format_count(n: float) -> str: ...
def format_quantity(value: float, unit: str) -> str: ...

# --- workloads (bind_workloads.cpp) --------------------------------------------------------
class Tensor:
    id: int
    name: str
    shape: List[int]
    elem_bits: int
    kind: str
    producer: int
    consumers: List[int]
    elements: int
    bytes: int

class Op:
    id: int
    name: str
    kind: str
    pass_name: str
    inputs: List[int]
    outputs: List[int]
    block: str
    macs: int
    element_ops: float
    elements: int
    forward_op: int
    is_compute: bool
    nest: Optional[str]
    nest_sizes: Optional[Dict[str, int]]

class Graph:
    name: str
    @property
    def ops(self) -> List[Op]: ...
    @property
    def tensors(self) -> List[Tensor]: ...
    def op(self, id: int) -> Op: ...
    def tensor(self, id: int) -> Tensor: ...
    def find_op(self, name: str) -> int: ...
    def find_tensor(self, name: str) -> int: ...
    def inputs(self) -> List[int]: ...
    def outputs(self) -> List[int]: ...
    def parameters(self) -> List[int]: ...
    def totals(self) -> Dict[str, Union[int, float]]: ...
    def describe(self) -> Dict[str, Any]: ...
    def validate(self) -> None: ...
    def copy(self) -> Graph: ...
    def __len__(self) -> int: ...

def resnet18(batch: int = 1, input: int = 224, classes: int = 1000, elem_bits: int = 32) -> Graph: ...
def resnet12(batch: int = 1, widths: List[int] = ..., input: int = 84, elem_bits: int = 32) -> Graph: ...
def mobilevit(variant: str = "xxs", batch: int = 1, input: int = 256, classes: int = 1000,
              elem_bits: int = 32) -> Graph: ...
def gpt2(preset: str = "small", batch: int = 1, seq: Optional[int] = None,
         layers: Optional[int] = None, heads: Optional[int] = None,
         d_model: Optional[int] = None, vocab: Optional[int] = None,
         max_positions: Optional[int] = None, dropout: bool = False,
         elem_bits: int = 32) -> Graph: ...
def build_model(name: str, batch: int = 1, seq: int = 0, elem_bits: int = 32) -> Graph: ...
def builtin_models() -> List[Tuple[str, str]]: ...
def load_workload_file(path: str, batch: Optional[int] = None,
                       elem_bits: Optional[int] = None) -> Graph: ...
def parse_workload_yaml(text: str, name: str, batch: Optional[int] = None,
                        elem_bits: Optional[int] = None) -> Graph: ...
def import_onnx(path: str, batch: int = 0, skip_unsupported: bool = False) -> Tuple[Graph, List[str]]: ...

# --- training (bind_training.cpp) ----------------------------------------------------------
class TrainingOptions:
    loss: str
    optimizer: str
    activation_bits: int
    weight_bits: int
    gradient_bits: int
    optimizer_state_bits: int
    @property
    def checkpoint(self) -> str: ...
    @checkpoint.setter
    def checkpoint(self, value: Union[str, List[str]]) -> None: ...
    @property
    def trainable(self) -> str: ...
    @trainable.setter
    def trainable(self, value: Union[str, List[str]]) -> None: ...
    frozen_weight_bits: int
    frozen_batchnorm: str
    relu_saves: str
    @property
    def adapters(self) -> List[str]: ...
    @adapters.setter
    def adapters(self, value: str) -> None: ...
    def __init__(self) -> None: ...
    def copy(self) -> TrainingOptions: ...

class TrainingStep:
    graph: Graph
    saved_tensors: List[str]
    memory: Dict[str, int]
    loss_op: int
    loss: str
    forward_op_count: int
    parameters: int
    trainable_parameters: int
    trainable: str
    precision: Dict[str, int]
    adapter_parameters: List[str]
    def saved_by(self, forward_op: int) -> List[str]: ...
    def report(self, options: TrainingOptions) -> Dict[str, Any]: ...

def expand(forward: Graph, options: TrainingOptions) -> TrainingStep: ...
def checkpoint_candidates(no_plan_step: TrainingStep) -> List[str]: ...
def parse_checkpoint_plan(text: str) -> str: ...

# --- checkpointing on chains (bind_chain.cpp) ----------------------------------------------
class ChainTensor:
    name: str
    bytes: int

class ChainElement:
    name: str
    cost: int
    saved_cost: int
    output_name: str
    output_bytes: int
    saved: List[ChainTensor]
    ops: List[int]
    saved_bytes: int

class Chain:
    name: str
    cost_unit: str
    input_name: str
    input_bytes: int
    elements: List[ChainElement]
    def __len__(self) -> int: ...
    def total_cost(self) -> int: ...
    def to_dict(self) -> Dict[str, Any]: ...

class ChainPlan:
    granularity: str
    keep_boundary: List[bool]
    keep_saved: List[List[bool]]
    def __init__(self) -> None: ...

class ChainEvaluation:
    recompute_cost: int
    peak_bytes: int
    peak_element: int
    peak_in_backward: bool
    kept_bytes: int
    recomputed: List[bool]

class FrontPoint:
    recompute_cost: int
    peak_bytes: int
    plan: ChainPlan

class CheckpointFront:
    points: List[FrontPoint]
    labels: int

class ChainBaseline:
    name: str
    plan: ChainPlan
    evaluation: ChainEvaluation

def extract_chain(forward: Graph, options: TrainingOptions = ..., op_costs: List[int] = ...,
                  cost_unit: str = "MACs") -> Chain: ...
def make_chain(input_bytes: int, cost: List[int], output_bytes: List[int],
               saved_bytes: List[int]) -> Chain: ...
def uniform_plan(chain: Chain, granularity: str = "block", keep: bool = True) -> ChainPlan: ...
def plan_gene_count(chain: Chain, granularity: str = "block") -> int: ...
def plan_from_genes(chain: Chain, granularity: str, genes: List[int]) -> ChainPlan: ...
def plan_genes(plan: ChainPlan) -> List[int]: ...
def plan_str(chain: Chain, plan: ChainPlan) -> str: ...
def to_checkpoint_plan(chain: Chain, plan: ChainPlan) -> List[str]: ...
def evaluate_chain_plan(chain: Chain, plan: ChainPlan) -> ChainEvaluation: ...
def checkpoint_front(chain: Chain, granularity: str = "block") -> CheckpointFront: ...
def best_within_budget(front: CheckpointFront, budget_bytes: int) -> Optional[FrontPoint]: ...
def sqrt_plan(chain: Chain, granularity: str = "block") -> ChainPlan: ...
def store_all_plan(chain: Chain, granularity: str = "block") -> ChainPlan: ...
def checkpoint_baselines(chain: Chain, granularity: str = "block") -> List[ChainBaseline]: ...
def checkpoint_front_json(chain: Chain, granularity: str, front: CheckpointFront) -> Dict[str, Any]: ...

# --- accelerators (bind_accelerators.cpp) --------------------------------------------------
class ArrayDim:
    name: str
    size: int
    unrolls: List[str]
    def __init__(self) -> None: ...

class MemoryLevel:
    name: str
    size_bytes: float
    read_bits_per_cycle: float
    write_bits_per_cycle: float
    read_ports: int
    write_ports: int
    read_energy_pj_per_bit: float
    write_energy_pj_per_bit: float
    min_access_bits: int
    holds: List[str]
    served_dims: List[str]
    per_pe: bool
    read_bytes_per_s: float
    write_bytes_per_s: float
    instances: int
    shared_index: int
    line: int
    def __init__(self) -> None: ...
    def copy(self) -> MemoryLevel: ...

class CimSpec:
    rows: int
    cols: int
    crossbars: int
    weight_bits: int
    cell_bits: int
    input_bits: int
    dac_bits: int
    adc_bits: int
    cols_per_adc: int
    adc_energy_pj: float
    adc_delay_s: float
    dac_energy_pj: float
    cell_read_energy_pj: float
    cell_write_energy_pj: float
    write_pulse_s: float
    written_fraction: float
    def __init__(self) -> None: ...

class TlmmSpec:
    group: int
    weight_levels: int
    weight_bits: int
    lookups_per_cycle: float
    entries_per_cycle: float
    table_entries: int
    entry_bits: int
    lookup_energy_pj: float
    entry_energy_pj: float
    def __init__(self) -> None: ...
    def entries_per_table(self) -> int: ...

class ArrayDimList:
    def __getitem__(self, i: int) -> ArrayDim: ...
    def __setitem__(self, i: int, v: ArrayDim) -> None: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[ArrayDim]: ...
    def append(self, x: ArrayDim) -> None: ...

class MemoryLevelList:
    def __getitem__(self, i: int) -> MemoryLevel: ...
    def __setitem__(self, i: int, v: MemoryLevel) -> None: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[MemoryLevel]: ...
    def append(self, x: MemoryLevel) -> None: ...

class Core:
    name: str
    kind: str
    clock_hz: float
    array: ArrayDimList
    mac_energy_pj: float
    precision_bits: int
    vector_ops_per_cycle: float
    vector_op_energy_pj: float
    op_kinds: List[str]
    memories: MemoryLevelList
    cim: CimSpec
    tlmm: TlmmSpec
    group: str
    repeat_index: int
    line: int
    def __init__(self) -> None: ...
    def macs_per_cycle(self) -> int: ...
    def peak_macs_per_cycle(self) -> float: ...
    def supports(self, op_kind: str) -> bool: ...
    def memory(self, name: str) -> MemoryLevel: ...
    def copy(self) -> Core: ...

class CoreList:
    def __getitem__(self, i: int) -> Core: ...
    def __setitem__(self, i: int, v: Core) -> None: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Core]: ...
    def append(self, x: Core) -> None: ...

class Link:
    name: str
    from_core: str
    to_core: str
    bandwidth_bytes_per_s: float
    energy_pj_per_bit: float
    bidirectional: bool
    def __init__(self) -> None: ...

class LinkList:
    def __getitem__(self, i: int) -> Link: ...
    def __setitem__(self, i: int, v: Link) -> None: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Link]: ...
    def append(self, x: Link) -> None: ...

class Dram:
    capacity_bytes: float
    bandwidth_bytes_per_s: float
    sustained_fraction: float
    @property
    def timing_bytes_per_s(self) -> float: ...
    read_energy_pj_per_bit: float
    write_energy_pj_per_bit: float
    min_access_bits: int
    def __init__(self) -> None: ...

class Accelerator:
    name: str
    description: str
    source_file: str
    cores: CoreList
    shared_memories: MemoryLevelList
    links: LinkList
    dram: Dram
    def __init__(self) -> None: ...
    def find_core(self, name: str) -> int: ...
    def core(self, name: str) -> Core: ...
    def checked(self) -> Accelerator: ...
    def summary_lines(self) -> List[str]: ...
    def operand_bits(self) -> int: ...
    def copy(self) -> Accelerator: ...

def load_accelerator(name_or_path: str) -> Accelerator: ...
def parse_accelerator_yaml(text: str, name: str) -> Accelerator: ...
def preset_names() -> List[str]: ...
def preset_path(name: str) -> str: ...
def config_dir() -> str: ...
def config_path() -> List[str]: ...
def accelerator_yaml(accelerator: Accelerator, header: str = "") -> str: ...

# --- fusion (bind_fusion.cpp) --------------------------------------------------------------
class AllocationRule:
    ops: str
    kind: str
    pass_: str
    cores: List[str]
    def __init__(self, ops: str = "", kind: str = "", pass_: str = "",
                 cores: List[str] = ...) -> None: ...

class PlanSpec:
    stacks: str
    tiles: int
    ops_per_stack: int
    starts: List[str]
    stack_tiles: List[int]
    allocation: List[AllocationRule]
    allocation_default: str
    def __init__(self) -> None: ...
    def copy(self) -> PlanSpec: ...

class WorkloadSpec:
    model: str
    file: str
    onnx: str
    batch: int
    seq: int
    elem_bits: int
    fold_batchnorm: bool

class Experiment:
    name: str
    description: str
    file: str
    workload: WorkloadSpec
    mode: str
    training_options: TrainingOptions
    accelerator: str
    stacks: str
    tiles: int
    plan: PlanSpec
    objective: str
    cim_written_fraction: Optional[float]
    output_dir: str
    def to_yaml(self, header: str = "") -> str: ...
    def copy(self) -> Experiment: ...

class Stack:
    name: str
    ops: List[int]
    tiles: int

class FusionPlan:
    stacks: List[Stack]
    stack_of_op: List[int]
    core_of_op: List[int]

class Run:
    plan: FusionPlan
    records: bool
    graph: Graph
    accelerator: Accelerator
    core_names: List[str]
    def summary(self) -> Dict[str, Any]: ...
    def summary_text(self) -> str: ...
    def trace(self) -> Dict[str, Any]: ...
    def memory_csv(self) -> str: ...
    def ops_csv(self) -> str: ...
    def write(self, dir: str) -> None: ...
    def cn_table(self) -> Dict[str, Union[np.ndarray, List[str]]]: ...
    def op_table(self) -> Dict[str, Union[np.ndarray, List[str]]]: ...
    def transfer_table(self) -> Dict[str, Union[np.ndarray, List[str]]]: ...
    def memory_timelines(self) -> List[Dict[str, Any]]: ...

class Simulation:
    graph: Graph
    accelerator: Accelerator
    def __init__(self, graph: Graph, accelerator: Accelerator, objective: str = "latency",
                 cim_written_fraction: Optional[float] = None) -> None: ...
    def plan(self, spec: PlanSpec) -> FusionPlan: ...
    def run(self, spec: PlanSpec, name: str = "", step: Optional[TrainingStep] = None,
            records: bool = True) -> Run: ...

def load_experiment(path: str) -> Experiment: ...
def parse_experiment_yaml(text: str, name: str) -> Experiment: ...
def build_forward(experiment: Experiment) -> Graph: ...
def run_experiment(experiment: Experiment, accelerator: Optional[Accelerator] = None,
                   records: bool = True) -> Run: ...
def run_generation(experiment: Experiment) -> Dict[str, Any]: ...
def run_episode(experiment: Experiment) -> Dict[str, Any]: ...
def run_graph(graph: Graph, accelerator: Accelerator, spec: PlanSpec, name: str = "",
              objective: str = "latency", cim_written_fraction: Optional[float] = None,
              step: Optional[TrainingStep] = None, records: bool = True) -> Run: ...

# --- NSGA-II (bind_ga.cpp) -----------------------------------------------------------------
class GeneGroup:
    name: str
    lower: List[int]
    upper: List[int]
    crossover: str  # uniform | two_point
    mutation: str   # reset | bit_flip | step | polynomial
    def __init__(self, name: str, lower: List[int], upper: List[int],
                 crossover: str = "uniform", mutation: str = "reset") -> None: ...
    @staticmethod
    def uniform(name: str, count: int, lo: int, hi: int, crossover: str = "uniform",
                mutation: str = "reset") -> GeneGroup: ...
    def __len__(self) -> int: ...

class Evaluation:
    objectives: List[float]
    violation: float
    feasible: bool
    def __init__(self, objectives: List[float], violation: float = 0.0) -> None: ...

class Individual:
    genome: List[int]
    evaluation: Evaluation

class HistoryEntry:
    generation: int
    evaluations: int
    hypervolume: float
    front_size: int

class GaResult:
    objective_names: List[str]
    front: List[Individual]
    archive: List[Individual]
    history: List[HistoryEntry]
    reference_point: List[float]
    generations: int
    evaluations: int
    seconds: float
    stop_reason: str
    def to_dict(self) -> Dict[str, Any]: ...

class Nsga2Options:
    population: int
    seed: int
    threads: int
    max_generations: int
    max_evaluations: int
    max_seconds: float
    crossover_prob: float
    mutation_prob: List[float]
    checkpoint_path: str
    resume: bool
    reference_point: List[float]
    def __init__(self) -> None: ...

class Nsga2:
    generation: int
    evaluations: int
    population: List[Individual]
    ranks: List[int]
    history: List[HistoryEntry]
    archive: List[Individual]
    reference_point: List[float]
    def __init__(self, genes: List[GeneGroup], options: Nsga2Options) -> None: ...
    def seed(self, genomes: List[List[int]]) -> None: ...
    def ask(self) -> List[List[int]]: ...
    def tell(self, evaluations: List[Evaluation]) -> None: ...
    def budget_exhausted(self) -> str: ...
    def result(self) -> GaResult: ...
    def save_checkpoint(self, path: str) -> None: ...
    def load_checkpoint(self, path: str) -> None: ...

def hypervolume(points: List[List[float]], reference: List[float]) -> float: ...

# --- search (bind_search.cpp) --------------------------------------------------------------
class HardwareKnob:
    kind: str  # array | memory | dram_bandwidth
    core: str
    memory: str
    values: List[float]
    label: str
    def __init__(self, kind: str, core: str = "", memory: str = "",
                 values: List[float] = ...) -> None: ...

class SearchSpec:
    problem: str  # codesign | checkpoint-chain
    genes: List[str]
    objectives: List[str]
    knobs: List[HardwareKnob]
    max_area_mm2: float  # search.constraints.area_mm2 (0: none)
    max_average_power_w: float  # search.constraints.average_power_w (0: none)
    max_tile_exponent: int
    granularity: str
    mutation_prob: Optional[float]  # every gene group; None: 1 / genome length
    nsga: Nsga2Options
    def __init__(self) -> None: ...
    def copy(self) -> SearchSpec: ...

class SearchRun:
    objective_names: List[str]
    objective_labels: List[str]
    objective_units: List[str]
    members: List[Dict[str, Any]]
    hypervolume: float
    exact_hypervolume: Optional[float]
    exact_front_size: int
    result: GaResult
    problem: str
    spec: SearchSpec
    experiment: Experiment
    def write(self, dir: str, front_files: int = 16) -> List[str]: ...
    def member_experiment_yaml(self, index: int, name: str, accelerator_file: str = "") -> str: ...
    def member_accelerator(self, index: int) -> Accelerator: ...

def parse_search(experiment: Experiment) -> SearchSpec: ...
def has_search(experiment: Experiment) -> bool: ...
def run_search(experiment: Experiment, spec: SearchSpec, checkpoint: str = "", resume: bool = False,
               progress: Optional[Callable[[Dict[str, Any]], Optional[bool]]] = None) -> SearchRun: ...

# --- fleets (bind_fleet.cpp) ---------------------------------------------------------------
def calibrate(text: str, name: str, out_dir: str = ..., threads: int = ...) -> Dict[str, Any]: ...
def select(text: str, name: str, out_dir: str = ..., threads: int = ...) -> Dict[str, Any]: ...
