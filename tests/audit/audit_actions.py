"""Every audit action the code under ``app/`` can record, read from its source.

A recording call is ``record_transition(...)``, ``audited(...)`` or the audit service's
``record(...)``; its action is the third argument (or ``action=``). The action is followed
back to the string literals it can be: through f-strings (each placeholder resolved the same
way, or expanded from the enum named in ``templates``), conditional expressions, local and
module assignments, ``for`` loops over literal tuples, look-ups in a module's dict literal
(any of its values), and a function's parameter to the arguments its callers pass (the
callers in the same module for a private function, in any module for a public one). An action that cannot be followed to literals is reported, so a
new way of naming actions fails the check rather than slipping past it."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

RECORDERS = frozenset({"record_transition", "audited"})
AUDIT_SERVICE = "app.audit.service"
ACTION_POSITION, ACTION_KEYWORD = 2, "action"

Function = ast.FunctionDef | ast.AsyncFunctionDef


class Unresolved(Exception):
    """An action expression that does not come down to string literals."""


@dataclass
class Module:
    path: str
    tree: ast.Module
    parents: dict[ast.AST, ast.AST] = field(init=False, default_factory=dict)
    audit_modules: set[str] = field(init=False)  # names bound to the audit service module
    record_names: set[str] = field(init=False)  # names bound to its ``record``

    def __post_init__(self) -> None:
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.audit_modules, self.record_names = _audit_service_names(self.tree)

    def enclosing(self, node: ast.AST) -> Function | None:
        parent = self.parents.get(node)
        while parent is not None and not isinstance(parent, Function):
            parent = self.parents.get(parent)
        return parent

    def is_recorder(self, call: ast.Call) -> bool:
        func = call.func
        if isinstance(func, ast.Name):
            return func.id in RECORDERS or func.id in self.record_names
        if isinstance(func, ast.Attribute):
            if func.attr in RECORDERS:
                return True
            owner = func.value
            return (
                func.attr == "record"
                and isinstance(owner, ast.Name)
                and (owner.id in self.audit_modules)
            )
        return False

    def calls(self) -> Iterator[ast.Call]:
        return (node for node in ast.walk(self.tree) if isinstance(node, ast.Call))


def _audit_service_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(names bound to the audit service module, names bound to its ``record``)."""
    modules, records = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "app.audit":
            modules |= {a.asname or a.name for a in node.names if a.name == "service"}
        elif isinstance(node, ast.ImportFrom) and node.module == AUDIT_SERVICE:
            records |= {a.asname or a.name for a in node.names if a.name == "record"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == AUDIT_SERVICE and a.asname}
    return modules, records


@dataclass(frozen=True)
class Site:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Scan:
    """What the code records: each action with the calls that record it, and the calls whose
    action could not be followed to literals."""

    actions: dict[str, list[Site]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)


class Resolver:
    def __init__(self, modules: list[Module], templates: Mapping[str, Iterable[str]]) -> None:
        self.modules = modules
        self.templates = {template: list(values) for template, values in templates.items()}
        # (module, function, parameter) -> what its callers pass; None while being followed
        self._passed: dict[tuple[str, str, str], set[str] | None] = {}

    def resolve(self, expr: ast.expr, module: Module) -> set[str]:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.JoinedStr):
            return self._fstring(expr, module)
        if isinstance(expr, ast.IfExp):
            return self.resolve(expr.body, module) | self.resolve(expr.orelse, module)
        if isinstance(expr, ast.Name):
            return self._name(expr, module)
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
            return self._any_value_of(expr.value, module)
        raise Unresolved(f"{ast.unparse(expr)} at {module.path}:{expr.lineno}")

    def _fstring(self, expr: ast.JoinedStr, module: Module) -> set[str]:
        parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in expr.values]
        template = "".join(str(part) for part in parts)
        if template in self.templates:  # an enum's values, named by the test
            return {template.replace("{}", value) for value in self.templates[template]}
        pieces = [
            {str(v.value)} if isinstance(v, ast.Constant) else self._placeholder(v, module)
            for v in expr.values
        ]
        return {"".join(combination) for combination in product(*pieces)}

    def _placeholder(self, value: ast.expr, module: Module) -> set[str]:
        if not isinstance(value, ast.FormattedValue) or value.format_spec is not None:
            raise Unresolved(f"{ast.unparse(value)} at {module.path}:{value.lineno}")
        return self.resolve(value.value, module)

    def _name(self, name: ast.Name, module: Module) -> set[str]:
        function = module.enclosing(name)
        if function is not None and name.id in _parameters(function):
            return self._arguments(function, name.id, module)
        values = _bindings(function, name.id) if function is not None else []
        found = set()
        for value in values or _bindings(_top_level(module.tree), name.id):
            found |= self.resolve(value, module)
        if not found:
            raise Unresolved(f"{name.id} at {module.path}:{name.lineno}")
        return found

    def _any_value_of(self, table: ast.Name, module: Module) -> set[str]:
        """``TABLE[key]``, ``TABLE`` a dict literal of the module: any of its values."""
        found = set()
        for value in _bindings(_top_level(module.tree), table.id):
            if not isinstance(value, ast.Dict):
                raise Unresolved(f"{table.id}[…] at {module.path}:{table.lineno}")
            for entry in value.values:
                found |= self.resolve(entry, module)
        if not found:
            raise Unresolved(f"{table.id}[…] at {module.path}:{table.lineno}")
        return found

    def _arguments(self, function: Function, parameter: str, module: Module) -> set[str]:
        """What the callers of ``function`` pass for ``parameter``."""
        key = (module.path, function.name, parameter)
        if key in self._passed:  # None: recursion, which adds nothing the other calls don't
            return self._passed[key] or set()
        self._passed[key] = None
        position = _parameters(function).index(parameter)
        private = function.name.startswith("_")
        found: set[str] = set()
        callers = 0
        for caller in [module] if private else self.modules:
            for call in caller.calls():
                if _callee(call) != function.name:
                    continue
                argument = _argument(call, position, parameter)
                if argument is not None:
                    callers += 1
                    found |= self.resolve(argument, caller)
        if not callers:
            raise Unresolved(f"no caller passes {parameter} to {function.name} ({module.path})")
        self._passed[key] = found
        return found


def _parameters(function: Function) -> list[str]:
    arguments = function.args
    return [a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]]


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for given in call.keywords:
        if given.arg == keyword:
            return given.value
    # Positions are known up to the first ``*args`` (``audited(..., row, *FIELDS)``).
    known = next((i for i, a in enumerate(call.args) if isinstance(a, ast.Starred)), len(call.args))
    return call.args[position] if position < known else None


def _bindings(scope: ast.AST, name: str) -> list[ast.expr]:
    """The values ``name`` is given in ``scope``: assignments, and ``for`` loops over literal
    tuples or lists (unpacking tuples of literals position by position)."""
    values: list[ast.expr] = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                values.append(node.value)
        elif isinstance(node, ast.For | ast.AsyncFor) and isinstance(
            node.iter, ast.Tuple | ast.List
        ):
            values += _loop_values(node.target, node.iter.elts, name)
    return values


def _top_level(tree: ast.Module) -> ast.Module:
    """The module's own statements, without its functions' and classes' bodies."""
    skipped = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    body = [node for node in tree.body if not isinstance(node, skipped)]
    return ast.Module(body=body, type_ignores=[])


def _loop_values(target: ast.expr, items: list[ast.expr], name: str) -> list[ast.expr]:
    if isinstance(target, ast.Name):
        return items if target.id == name else []
    if not isinstance(target, ast.Tuple):
        return []
    for position, element in enumerate(target.elts):
        if isinstance(element, ast.Name) and element.id == name:
            return [
                item.elts[position]
                for item in items
                if isinstance(item, ast.Tuple) and len(item.elts) == len(target.elts)
            ]
    return []


def scan(root: Path, templates: Mapping[str, Iterable[str]], skip: Iterable[Path] = ()) -> Scan:
    """Every recording call under ``root`` (a package directory), but in the ``skip`` files
    (the helper that defines the recorders passes its own parameter on)."""
    skipped = {path.resolve() for path in skip}
    modules = [
        Module(str(path.relative_to(root.parent)), ast.parse(path.read_text(), str(path)))
        for path in sorted(root.rglob("*.py"))
        if path.resolve() not in skipped
    ]
    resolver = Resolver(modules, templates)
    result = Scan()
    for module in modules:
        for call in filter(module.is_recorder, module.calls()):
            site = Site(module.path, call.lineno)
            action = _argument(call, ACTION_POSITION, ACTION_KEYWORD)
            try:
                if action is None:
                    raise Unresolved(f"no action argument at {site}")
                for name in resolver.resolve(action, module):
                    result.actions.setdefault(name, []).append(site)
            except Unresolved as exc:
                result.unresolved.append(f"{site}: {exc}")
    return result
