"""Tool registry: OpenAI tool schemas generated from each function's signature and docstring.

The schema's description is the docstring's text before "Args:", each parameter's
description is its line under "Args:" (Google style), and its JSON type comes from the
type hint. `call(name, arguments)` checks the arguments against the same hints before
running the function, so the LLM gets a `ToolError` sentence it can act on, never a traceback.
"""
from __future__ import annotations

import inspect
import json
import re
import types
from dataclasses import dataclass
from decimal import Decimal, DecimalException
from typing import Any, Callable, Literal, Union, get_args, get_origin, get_type_hints

from bot.errors import ToolError
from bot.tools.formulas import COMPARISONS, TOOLS, Amount, AmountOrRange, Calculation, Operand
from bot.tools.units import Quantity, QuantityRange

_NUMBER_OR_TEXT = {"anyOf": [{"type": "string"}, {"type": "number"}]}
_PROVENANCE = {
    "unit": {"type": "string", "description": "e.g. 亿元, 万亿元, billion yuan, %"},
    "source": {"type": "string", "enum": ["report", "user"], "description": "where the value comes from"},
    "citation": {"description": "where the report states it (text or an object)"},
}
AMOUNT_SCHEMA: dict[str, Any] = {"anyOf": [
    {"type": "string", "description": "a number with its unit, e.g. '3000亿元', '10%', '0.1'"},
    {"type": "number"},
    {"type": "object", "properties": {"value": _NUMBER_OR_TEXT, **_PROVENANCE},
     "required": ["value"], "additionalProperties": False},
]}
AMOUNT_OR_RANGE_SCHEMA: dict[str, Any] = {"anyOf": [
    {"type": "string", "description": "a number or range with its unit, e.g. '3000亿元', '10%', '5%-35%'"},
    {"type": "number"},
    AMOUNT_SCHEMA["anyOf"][2],
    {"type": "object", "properties": {"low": _NUMBER_OR_TEXT, "high": _NUMBER_OR_TEXT, **_PROVENANCE},
     "required": ["low", "high"], "additionalProperties": False},
]}
# Every tool the LLM may call: the sizing formulas, then comparisons of cited figures (difference, growth, share,
# ratio, total of two or more figures that measure the same thing).
ALL_TOOLS = TOOLS + COMPARISONS
_SECTION = re.compile(r"^(Args|Arguments|Returns|Raises|Yields|Examples?|Notes?):\s*$")
_ARG_LINE = re.compile(r"^\s+(\w+)(?:\s*\([^)]*\))?:\s*(.*)$")


def parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """(description, {parameter: description}) from a Google-style docstring."""
    lines = inspect.cleandoc(doc or "").splitlines()
    desc: list[str] = []
    params: dict[str, str] = {}
    section, current = None, None
    for line in lines:
        m = _SECTION.match(line)
        if m:
            section, current = m.group(1), None
            continue
        if section is None:
            desc.append(line)
        elif section in ("Args", "Arguments"):
            a = _ARG_LINE.match(line)
            if a and len(line) - len(line.lstrip()) <= 4:
                current = a.group(1)
                params[current] = a.group(2).strip()
            elif current and line.strip():
                params[current] += " " + line.strip()
    text = re.sub(r"\s*\n\s*", " ", "\n".join(desc).strip())
    return re.sub(r" {2,}", " ", text), params


def _is_union(hint: Any) -> bool:
    return get_origin(hint) in (Union, types.UnionType)


def json_schema(hint: Any) -> dict[str, Any]:
    """JSON schema for a type hint (the tools' quantity aliases, str/int/float/bool, lists, Optional)."""
    if hint == AmountOrRange:
        return dict(AMOUNT_OR_RANGE_SCHEMA)
    if hint == Amount:
        return dict(AMOUNT_SCHEMA)
    simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if hint in simple:
        return {"type": simple[hint]}
    origin, args = get_origin(hint), get_args(hint)
    if origin is list:
        return {"type": "array", "items": json_schema(args[0])}
    if origin is Literal:
        return {"enum": list(args)}
    if _is_union(hint):
        rest = [a for a in args if a is not type(None)]
        return json_schema(rest[0]) if len(rest) == 1 else {"anyOf": [json_schema(a) for a in rest]}
    raise TypeError(f"No JSON schema for type hint {hint!r}")


def check(value: Any, hint: Any, where: str) -> None:
    """Raise ToolError unless `value` fits `hint` (as JSON arguments would)."""
    if hint == AmountOrRange or hint == Amount:
        ok = isinstance(value, (str, dict, Decimal, Operand, Quantity)) or (
            isinstance(value, (int, float)) and not isinstance(value, bool)) or (
            hint == AmountOrRange and isinstance(value, QuantityRange))
        if not ok:
            raise ToolError(f"{where} must be a quantity such as '3000亿元' or '10%', got {_kind(value)}.")
        return
    if _is_union(hint):
        for a in get_args(hint):
            if a is type(None):
                if value is None:
                    return
                continue
            try:
                check(value, a, where)
                return
            except ToolError:
                continue
        raise ToolError(f"{where} has the wrong type ({_kind(value)}).")
    origin = get_origin(hint)
    if origin is list:
        if not isinstance(value, list):
            raise ToolError(f"{where} must be a list, got {_kind(value)}.")
        for i, v in enumerate(value):
            check(v, get_args(hint)[0], f"{where}[{i}]")
        return
    if origin is Literal:
        if value not in get_args(hint):
            raise ToolError(f"{where} must be one of {list(get_args(hint))}, got {value!r}.")
        return
    fits = {
        str: isinstance(value, str),
        bool: isinstance(value, bool),
        int: isinstance(value, int) and not isinstance(value, bool),
        float: isinstance(value, (int, float, Decimal)) and not isinstance(value, bool),
    }
    if not fits.get(hint, False):
        raise ToolError(f"{where} must be {json_schema(hint).get('type', hint)}, got {_kind(value)}.")


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


@dataclass(frozen=True)
class Tool:
    name: str
    function: Callable[..., Calculation]
    description: str
    parameters: dict[str, Any]  # JSON schema of the arguments object
    hints: dict[str, Any]

    def schema(self) -> dict[str, Any]:
        return {"type": "function",
                "function": {"name": self.name, "description": self.description, "parameters": self.parameters}}


def make_tool(fn: Callable[..., Calculation]) -> Tool:
    """A Tool from a typed function with a Google-style docstring."""
    description, docs = parse_docstring(fn.__doc__ or "")
    hints = get_type_hints(fn)
    props: dict[str, Any] = {}
    required: list[str] = []
    for p in inspect.signature(fn).parameters.values():
        schema = json_schema(hints[p.name])
        if p.name in docs:
            schema["description"] = docs[p.name]
        props[p.name] = schema
        if p.default is inspect.Parameter.empty:
            required.append(p.name)
    params = {"type": "object", "properties": props, "required": required, "additionalProperties": False}
    return Tool(fn.__name__, fn, description, params, {k: v for k, v in hints.items() if k != "return"})


class Registry:
    """name → Tool for a set of functions."""

    def __init__(self, functions: tuple[Callable[..., Calculation], ...] = ALL_TOOLS):
        self.tools = {t.name: t for t in map(make_tool, functions)}

    def schemas(self) -> list[dict[str, Any]]:
        return [t.schema() for t in self.tools.values()]

    def call(self, name: str, arguments: str | dict[str, Any] | None) -> Calculation:
        """Validate `arguments` (a JSON object or its text) for tool `name` and run it.

        Raises:
            ToolError: unknown tool, unparseable JSON, missing/extra/wrongly typed
                arguments, or arguments the tool cannot use.
        """
        tool = self.tools.get(name) if isinstance(name, str) else None
        if tool is None:
            raise ToolError(f"Unknown tool {name!r}; available: {', '.join(self.tools)}.")
        args = load_arguments(arguments)
        extra = sorted(set(args) - set(tool.hints))
        if extra:
            raise ToolError(f"{name} got unexpected argument(s) {', '.join(extra)}; it takes {', '.join(tool.hints)}.")
        missing = [p for p in tool.parameters["required"] if p not in args]
        if missing:
            raise ToolError(f"{name} is missing required argument(s) {', '.join(missing)}.")
        for k, v in args.items():
            check(v, tool.hints[k], f"{name}: argument {k!r}")
        try:
            return tool.function(**args)
        except DecimalException as e:  # arithmetic on an extreme input: report it, keep the cause
            raise ToolError(f"{name} could not compute with these arguments ({type(e).__name__}).") from e


def load_arguments(arguments: str | dict[str, Any] | None) -> dict[str, Any]:
    """A tool call's arguments as a dict; ToolError for anything that is not a JSON object."""
    if arguments is None or (isinstance(arguments, str) and not arguments.strip()):
        return {}
    if isinstance(arguments, str):
        try:
            # Decimal keeps the digits the model wrote; a float would not.
            arguments = json.loads(arguments, parse_float=Decimal)
        except (json.JSONDecodeError, RecursionError):
            raise ToolError("The tool arguments are not valid JSON.") from None
    if not isinstance(arguments, dict):
        raise ToolError(f"The tool arguments must be a JSON object, got {_kind(arguments)}.")
    return arguments


def schemas() -> list[dict[str, Any]]:
    """OpenAI tool schemas of the sizing and comparison tools."""
    return Registry().schemas()


def call(name: str, arguments: str | dict[str, Any] | None) -> Calculation:
    """Run tool `name` with `arguments` (JSON text or a dict); see `Registry.call`."""
    return Registry().call(name, arguments)
