"""monet/_monet.pyi names every class, function and member the compiled module has."""

import ast
import inspect
import pathlib

import monet
from monet import _monet


def stub_names():
    path = pathlib.Path(monet.__file__).resolve().parent / "_monet.pyi"
    tree = ast.parse(path.read_text())
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.add(node.name)
        if isinstance(node, ast.ClassDef):
            names = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    names.add(item.name)
                elif isinstance(item, ast.AnnAssign):
                    names.add(item.target.id)
            members[node.name] = names
    return top, members


def test_stub_covers_the_module():
    top, members = stub_names()
    public = {n for n in dir(_monet) if not n.startswith("_")}
    assert public - top == set()
    for name in public:
        obj = getattr(_monet, name)
        if not inspect.isclass(obj) or issubclass(obj, Exception) or name.endswith("List"):
            continue
        own = {n for n in dir(obj) if not n.startswith("_")}
        assert own - members[name] == set(), name
