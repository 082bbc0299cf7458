import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import ToolError
from bot.tools.formulas import Calculation
from bot.tools.registry import Registry, call, parse_docstring, schemas


def test_schemas_cover_every_tool_with_descriptions():
    out = schemas()
    names = [s["function"]["name"] for s in out]
    assert names == ["market_size", "share_of_market", "cagr", "project", "convert_units",
                     "difference", "growth", "share", "ratio", "total"]
    for s in out:
        assert s["type"] == "function"
        fn = s["function"]
        assert fn["description"] and "Args:" not in fn["description"]
        params = fn["parameters"]
        assert params["type"] == "object" and params["additionalProperties"] is False
        for name, prop in params["properties"].items():
            assert prop.get("description"), (fn["name"], name)
    json.dumps(out)


def test_market_size_schema_details():
    ms = next(s for s in schemas() if s["function"]["name"] == "market_size")["function"]["parameters"]
    assert ms["required"] == ["base", "factors"]
    assert ms["properties"]["factors"]["type"] == "array"
    assert ms["properties"]["labels"]["type"] == "array"
    assert ms["properties"]["labels"]["items"] == {"type": "string"}
    kinds = [a.get("type") for a in ms["properties"]["base"]["anyOf"]]
    assert kinds == ["string", "number", "object", "object"]
    cv = next(s for s in schemas() if s["function"]["name"] == "convert_units")["function"]["parameters"]
    assert cv["properties"]["to_unit"]["type"] == "string"


def test_parse_docstring():
    desc, params = parse_docstring('''Do a thing.

    More words.

    Args:
        a: first
            continued.
        b (int): second.

    Returns:
        nothing.
    ''')
    assert desc == "Do a thing. More words."
    assert params == {"a": "first continued.", "b": "second."}


def test_call_with_json_and_dict():
    c = call("market_size", '{"base": "3000亿元", "factors": ["10%", "5%-35%"]}')
    assert isinstance(c, Calculation) and c.to_dict()["result"]["mid"] == "60"
    c2 = call("market_size", {"base": {"value": 3000, "unit": "亿元"}, "factors": [0.1, {"low": 5, "high": 35, "unit": "%"}]})
    assert c2.result == c.result
    c3 = call("cagr", '{"start_value": "100亿元", "end_value": "121亿元", "years": 2}')
    assert c3.to_dict()["result"] == {"value": "10", "unit": "%"}
    # JSON floats keep their written digits
    c4 = call("convert_units", '{"value": 574.55, "from_unit": "亿元", "to_unit": "billion yuan"}')
    assert c4.to_dict()["result"] == {"value": "57.455", "unit": "billion yuan"}


@pytest.mark.parametrize("name,args,match", [
    ("nope", {}, "Unknown tool"),
    ("market_size", "{not json", "not valid JSON"),
    ("market_size", "[1, 2]", "JSON object"),
    ("market_size", {"base": "3000亿元"}, "missing required"),
    ("market_size", {"base": "3000亿元", "factors": ["10%"], "extra": 1}, "unexpected"),
    ("market_size", {"base": "3000亿元", "factors": "10%"}, "must be a list"),
    ("market_size", {"base": ["3000亿元"], "factors": ["10%"]}, "must be a quantity"),
    ("market_size", {"base": "3000亿元", "factors": ["10%"], "labels": "x"}, "wrong type"),
    ("convert_units", {"value": "1", "from_unit": 5, "to_unit": "元"}, "must be string"),
    ("market_size", '{"base": "3000亿元", "factors": [NaN]}', "finite"),
    ("market_size", '{"base": 1e400, "factors": ["1%"]}', "range"),
])
def test_call_errors(name, args, match):
    with pytest.raises(ToolError, match=match):
        call(name, args)


def _json_values():
    leaves = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**40, max_value=10**40),
                       st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                       st.sampled_from(["3000亿元", "10%", "5%-35%", "0.1", "亿元", "万亿", "-5%", "1e9", "两千亿", "USD"]))
    return st.recursive(leaves, lambda c: st.one_of(st.lists(c, max_size=4),
                                                    st.dictionaries(st.sampled_from(["value", "unit", "low", "high",
                                                                                     "source", "citation", "x"]), c,
                                                                    max_size=4)), max_leaves=8)


ARG_NAMES = ["base", "factors", "labels", "part", "total", "start_value", "end_value", "years",
             "value", "rate", "from_unit", "to_unit", "junk"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["market_size", "share_of_market", "cagr", "project", "convert_units", "other"]),
       st.dictionaries(st.sampled_from(ARG_NAMES), _json_values(), max_size=4))
def test_call_never_raises_anything_but_tool_error(name, args):
    registry = Registry()
    for payload in (args, json.dumps(args, default=str)):
        try:
            registry.call(name, payload)
        except ToolError:
            pass


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_garbage_json_text_is_tool_error(text):
    try:
        call("market_size", text)
    except ToolError:
        pass


REQUIRED = {"market_size": ["base", "factors"], "share_of_market": ["part", "total"],
            "cagr": ["start_value", "end_value", "years"], "project": ["value", "rate", "years"],
            "convert_units": ["value", "from_unit", "to_unit"]}


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(REQUIRED)), st.data())
def test_tools_with_all_arguments_fail_only_with_tool_error(name, data):
    """Every required argument present, so the values reach the functions themselves."""
    args = {}
    for arg in REQUIRED[name]:
        if arg == "factors":
            args[arg] = data.draw(st.lists(_json_values(), min_size=0, max_size=3))
        elif arg in ("from_unit", "to_unit"):
            args[arg] = data.draw(st.sampled_from(["亿元", "万亿", "", "%", "billion", "USD", "元", "秒"]))
        else:
            args[arg] = data.draw(_json_values())
    try:
        Registry().call(name, args)
    except ToolError:
        pass
