"""Estimate detection on real reports: `detect_estimates` against labelled passages of reports-dev.

The labels (estimates_labelled.jsonl) were written by reading 15 reports of reports-dev, every estimate in each
(estimates_reports.json → "exhaustive"; "how" says how they were found and judged). One JSON object a line:
file, anchor (≤ 40 verbatim characters of the result's sentence, holding the result number), result {name, value,
high, unit, period}, inputs [{name, value, high, unit, anchor}], operation (product, product_of_sum,
quantity_x_price, ratio), verdict (agrees, rounding, differs: the labeller's exact arithmetic), note; optional
what_if: false (the result is not linear in every input) and kind: "valuation" (a target price from EPS × PE).
Only anchors are stored, never passages: the reports are read from the data folder at run time.

Each exhaustive report is read as ingest reads it (load_text, then clean_text) and given to detect_estimates.
A detection matches a label when its result is the label's (value and high equal once the unit's magnitude is
applied: 80亿元 = 8000百万元; a bare magnitude such as 亿 matches any counted unit) and the label's anchor overlaps
the detection's passage [start, end) or its result quote. Labels and detections pair one to one, nearest first.

- recall = matched labels / labels; precision = matched detections / detections. A detection that matches no
  label but whose result lies in one of the listed tables of derived cells (estimates_reports.json → "tables")
  is reported apart and left out of precision: those cells are not labelled one by one.
- inputs_right: matched detections whose input values, as a multiset of (value, high), equal the label's;
  operation_right: same operation; verdict_right: `bot.tools.rebuild.rebuild(d).verdict` equals the label's.
- what_if_right: for a matched product / quantity_x_price (not marked what_if: false), the first input is
  overridden with twice its value (half, for a share above 50%); for a product that must double the rebuilt result exactly (each of low / mid /
  high for a range), whatever the units. Skipped, like verdict_right, while bot.tools.rebuild does not exist.
Every miss and every false detection is listed, for debugging.
"""
from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

from bot.tools.estimates import OPERATIONS  # the labels use the detector's own vocabulary
from bot.tools.rebuild import VERDICTS

LABELS = Path(__file__).with_name("estimates_labelled.jsonl")
REPORTS = Path(__file__).with_name("estimates_reports.json")
DEFAULT_DATA = Path("../shared/eval-data/reports-dev")
LINEAR = ("product", "quantity_x_price")  # doubling one input doubles the result
TARGETS = {"recall": 0.80, "precision": 0.90}
MAX_ANCHOR = 40
MAX_BYTES = 50 * 2**20
QUOTE = 60  # characters of a quote shown for a false detection

# Chinese magnitudes a unit may start with, longest first ("万亿元" before "万元").
_MAGNITUDES = [("万亿", 10**12), ("千亿", 10**11), ("百亿", 10**10), ("十亿", 10**9), ("千万", 10**7), ("百万", 10**6),
               ("十万", 10**5), ("亿", 10**8), ("万", 10**4), ("千", 10**3), ("百", 10**2)]


# ---------------------------------------------------------------- labels


def load_labels(path: Path = LABELS) -> list[dict]:
    """The labels, each with its line number; a malformed line raises ValueError naming it."""
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except ValueError as e:
            raise ValueError(f"{path.name} line {n}: not JSON ({e}).") from None
        problems = label_problems(d)
        if problems:
            raise ValueError(f"{path.name} line {n}: " + "; ".join(problems))
        out.append({**d, "line": n})
    return out


def load_reports(path: Path = REPORTS) -> dict:
    d = json.loads(Path(path).read_text(encoding="utf-8"))
    d.setdefault("tables", [])
    return d


def _decimal(s: Any) -> Decimal | None:
    if not isinstance(s, str):
        return None
    try:
        v = Decimal(s)
    except InvalidOperation:
        return None
    return v if v.is_finite() else None


def label_problems(d: dict) -> list[str]:
    """What is wrong with one label ([] when it is well formed)."""
    p = []
    for k in ("file", "anchor", "result", "inputs", "operation", "verdict", "note"):
        if k not in d:
            p.append(f"missing {k}")
    if p:
        return p
    if not isinstance(d["anchor"], str) or not d["anchor"] or len(d["anchor"]) > MAX_ANCHOR:
        p.append(f"anchor must be 1-{MAX_ANCHOR} characters")
    if d["operation"] not in OPERATIONS:
        p.append(f"operation {d['operation']!r} is not one of {OPERATIONS}")
    if d["verdict"] not in VERDICTS:
        p.append(f"verdict {d['verdict']!r} is not one of {VERDICTS}")
    terms = [("result", d["result"])] + [(f"input {i + 1}", t) for i, t in enumerate(d["inputs"])]
    if len(d["inputs"]) < 2:
        p.append("an estimate needs at least 2 inputs")
    for what, t in terms:
        if not isinstance(t, dict) or _decimal(t.get("value")) is None:
            p.append(f"{what}: value must be a decimal string")
            continue
        if t.get("high") is not None and _decimal(t["high"]) is None:
            p.append(f"{what}: high must be null or a decimal string")
        if not isinstance(t.get("unit"), str) or not t.get("name"):
            p.append(f"{what}: needs a name and a unit string")
    for i, t in enumerate(d["inputs"]):
        a = t.get("anchor") if isinstance(t, dict) else None
        if not isinstance(a, str) or not a or len(a) > MAX_ANCHOR:
            p.append(f"input {i + 1}: anchor must be 1-{MAX_ANCHOR} characters")
    return p


def structure_problems(labels: list[dict], reports: dict) -> list[str]:
    """Labels and the report list disagree: a label outside the exhaustive reports, a report without labels."""
    exhaustive = set(reports["exhaustive"])
    files = {x["file"] for x in labels}
    return ([f"label file not in exhaustive: {f}" for f in sorted(files - exhaustive)]
            + [f"exhaustive report without labels: {f}" for f in sorted(exhaustive - files)])


# ---------------------------------------------------------------- reading reports


def cleaned_text(data: Path, file: str) -> str:
    """The report as ingest reads it: load_text, then clean_text; this is the text ingest chunks."""
    from bot.ingest.clean import clean_text
    from bot.ingest.load import load_text

    return clean_text(load_text(Path(data) / "docs" / file, MAX_BYTES)).text


def raw_text(data: Path, file: str) -> str:
    from bot.ingest.load import load_text

    return load_text(Path(data) / "docs" / file, MAX_BYTES)


def positions(text: str, needle: str) -> list[int]:
    out, i = [], text.find(needle)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def table_spans(text: str, tables: list[dict]) -> tuple[list[tuple[int, int]], list[dict]]:
    """Where the listed tables are in `text`: from the last `start` before `end` to the end of `end`."""
    spans, missing = [], []
    for t in tables:
        e = text.find(t["end"])
        s = text.rfind(t["start"], 0, e) if e >= 0 else -1
        if s < 0:
            missing.append(t)
        else:
            spans.append((s, e + len(t["end"])))
    return spans, missing


# ---------------------------------------------------------------- matching


def magnitude(unit: str) -> tuple[Decimal, str]:
    """"亿元" → (10^8, "元"), "百万部" → (10^6, "部"), "亿" → (10^8, ""), "%" → (1, "%")."""
    u = (unit or "").strip()
    for word, factor in _MAGNITUDES:
        if u.startswith(word) and not u.startswith(word + "/"):
            return Decimal(factor), u[len(word):]
    return Decimal(1), u


def same_amount(value: Decimal, high: Decimal | None, unit: str, value2: Decimal, high2: Decimal | None, unit2: str) -> bool:
    """Equal once each unit's magnitude is applied; a bare magnitude (亿, 万) fits any base unit."""
    if (high is None) != (high2 is None):
        return False
    f, base = magnitude(unit)
    f2, base2 = magnitude(unit2)
    if base and base2 and base != base2:
        return False
    if value * f != value2 * f2:
        return False
    return high is None or high * f == high2 * f2


def _label_amount(t: dict) -> tuple[Decimal, Decimal | None, str]:
    return Decimal(t["value"]), (None if t.get("high") is None else Decimal(t["high"])), t.get("unit", "")


def _overlaps(a: int, b: int, s: int, e: int) -> bool:
    return a < e and s < b


def match(labels: list[dict], detections: list, text: str) -> tuple[list[tuple[int, int]], dict[int, list[int]]]:
    """Pairs (label index, detection index) for one report, one to one, nearest (anchor to result) first;
    also where each label's anchor was found in `text`."""
    found = {i: positions(text, lab["anchor"]) for i, lab in enumerate(labels)}
    candidates = []
    for i, lab in enumerate(labels):
        v, h, u = _label_amount(lab["result"])
        for j, d in enumerate(detections):
            r = d.result
            if not same_amount(v, h, u, Decimal(r.value), None if r.high is None else Decimal(r.high), r.unit):
                continue
            near = [p for p in found[i] if _overlaps(p, p + len(lab["anchor"]), d.start, d.end)
                    or _overlaps(p, p + len(lab["anchor"]), r.quote_start, r.quote_end)]
            if near:
                candidates.append((min(abs(r.start - p) for p in near), i, j))
    pairs, used_l, used_d = [], set(), set()
    for _, i, j in sorted(candidates):
        if i not in used_l and j not in used_d:
            pairs.append((i, j))
            used_l.add(i)
            used_d.add(j)
    return sorted(pairs), found


def inputs_equal(label: dict, d) -> bool:
    want = Counter((Decimal(t["value"]), None if t.get("high") is None else Decimal(t["high"])) for t in label["inputs"])
    got = Counter((Decimal(t.value), None if t.high is None else Decimal(t.high)) for t in d.inputs)
    return want == got


# ---------------------------------------------------------------- rebuild checks


def _rebuild() -> Callable | None:
    try:
        from bot.tools.rebuild import rebuild
    except ImportError:
        return None
    return rebuild


def _input_names(d) -> list[str]:
    """The names overrides use: bot.tools.rebuild.input_names when it exists (输入N for an unnamed input)."""
    try:
        from bot.tools.rebuild import input_names
    except ImportError:
        return [t.name for t in d.inputs]
    return list(input_names(d))


def _amounts(result) -> tuple[list[Decimal], str]:
    """Quantity → [value]; Estimate (low / mid / high) → [low, mid, high]; with the unit."""
    if hasattr(result, "low") and hasattr(result, "high"):
        return [Decimal(result.low.value), Decimal(result.mid.value), Decimal(result.high.value)], str(result.unit)
    return [Decimal(result.value)], str(result.unit)


def _plain(x: Decimal) -> str:
    s = format(x, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def what_if_ok(d, rebuild: Callable) -> tuple[bool, str]:
    """Double the first input (halve it when it is a share above 50%, which doubled is no share): the rebuilt
    result of a product must change by the same factor exactly."""
    first = d.inputs[0]
    top = Decimal(first.high if first.high is not None else first.value)
    factor = Decimal("0.5") if first.unit in ("%", "％") and top > 50 else Decimal(2)
    value = _plain(factor * Decimal(first.value))
    if first.high is not None:
        value += "-" + _plain(factor * Decimal(first.high))
    name = _input_names(d)[0]
    try:
        base, base_unit = _amounts(rebuild(d).calculation.result)
        new, new_unit = _amounts(rebuild(d, overrides={name: value + first.unit}).calculation.result)
    except Exception as e:  # noqa: BLE001 - any failure of the rebuild is a wrong what-if
        return False, f"{type(e).__name__}: {e}"
    want = [factor * x for x in base]
    if new_unit != base_unit or len(new) != len(want) or any(a != b for a, b in zip(new, want)):
        return False, f"{name}={value}{first.unit}: got {[_plain(x) for x in new]} {new_unit}, " \
                      f"want {[_plain(x) for x in want]} {base_unit}"
    return True, ""


def verdict_of(d, rebuild: Callable) -> str:
    try:
        return str(rebuild(d).verdict)
    except Exception as e:  # noqa: BLE001
        return f"error: {type(e).__name__}: {e}"


# ---------------------------------------------------------------- scoring


def _rate(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def _shown(value: Any, high: Any, unit: str) -> str:
    v = _plain(Decimal(value))
    return (v if high is None else f"{v}-{_plain(Decimal(high))}") + (unit or "")


def evaluate(texts: dict[str, str], labels: list[dict], detections: dict[str, list], tables: list[dict] | None = None,
             rebuild: Callable | None = None) -> dict:
    """Score detections (file → list of Derivation) against labels on the given cleaned texts (file → text)."""
    tables = tables or []
    by_file: dict[str, list[dict]] = defaultdict(list)
    for lab in labels:
        by_file[lab["file"]].append(lab)
    rows, misses, false, in_tables, cut, tables_cut = [], [], [], [], [], []
    sector: dict[str, Counter] = defaultdict(Counter)
    operation: dict[str, Counter] = defaultdict(Counter)
    kind: dict[str, Counter] = defaultdict(Counter)
    for file, text in texts.items():
        labs, dets = by_file.get(file, []), detections.get(file, [])
        sec = file.split("/")[0]
        pairs, found = match(labs, dets, text)
        spans, missing = table_spans(text, [t for t in tables if t["file"] == file])
        tables_cut += [{"file": file, "start": t["start"], "end": t["end"]} for t in missing]
        matched_l = {i for i, _ in pairs}
        matched_d = {j for _, j in pairs}
        for i, lab in enumerate(labs):
            k = lab.get("kind", "estimate")
            sector[sec]["labels"] += 1
            operation[lab["operation"]]["labels"] += 1
            kind[k]["labels"] += 1
            if not found[i]:
                cut.append({"file": file, "anchor": lab["anchor"]})
            if i in matched_l:
                sector[sec]["matched"] += 1
                operation[lab["operation"]]["matched"] += 1
                kind[k]["matched"] += 1
            else:
                misses.append({"file": file, "anchor": lab["anchor"], "result": _written(lab["result"]),
                               "operation": lab["operation"], "anchor_found": bool(found[i])})
        for j, d in enumerate(dets):
            if j in matched_d:
                continue
            r = d.result
            row = {"file": file, "id": d.id, "result": _shown(r.value, r.high, r.unit), "operation": d.operation,
                   "quote": r.quote[:QUOTE], "cue": d.cue}
            if any(s <= r.start < e for s, e in spans):
                in_tables.append(row)
            else:
                false.append(row)
        counted = len(dets) - sum(1 for j, d in enumerate(dets) if j not in matched_d
                                  and any(s <= d.result.start < e for s, e in spans))
        sector[sec]["detections"] += counted
        for i, j in pairs:
            lab, d = labs[i], dets[j]
            row = {"file": file, "anchor": lab["anchor"], "id": d.id, "result": _written(lab["result"]),
                   "operation": lab["operation"], "detected_operation": d.operation,
                   "inputs_right": inputs_equal(lab, d), "operation_right": d.operation == lab["operation"],
                   "detected_inputs": [_shown(t.value, t.high, t.unit) for t in d.inputs],
                   "labelled_inputs": [_written(t) for t in lab["inputs"]]}
            if rebuild is not None:
                got = verdict_of(d, rebuild)
                row.update(verdict=lab["verdict"], detected_verdict=got, verdict_right=got == lab["verdict"])
                if lab["operation"] in LINEAR and lab.get("what_if", True) and d.inputs:
                    ok, why = what_if_ok(d, rebuild)
                    row.update(what_if_right=ok, what_if_problem=why)
            rows.append(row)
    n_labels = sum(c["labels"] for c in sector.values())
    n_matched = len(rows)
    n_detections = sum(c["detections"] for c in sector.values())

    def share(key: str) -> float | None:
        xs = [r[key] for r in rows if key in r]
        return _rate(sum(xs), len(xs))

    recall, precision = _rate(n_matched, n_labels), _rate(n_matched, n_detections)
    return {
        "reports": len(texts), "labels": n_labels, "detections": n_detections,
        "detections_in_unlabelled_tables": len(in_tables), "matched": n_matched,
        "recall": recall, "precision": precision,
        "inputs_right": share("inputs_right"), "operation_right": share("operation_right"),
        "verdict_right": share("verdict_right") if rebuild is not None else None,
        "what_if_right": share("what_if_right") if rebuild is not None else None,
        "what_if_checked": sum("what_if_right" in r for r in rows),
        "rebuild": "bot.tools.rebuild" if rebuild is not None else "absent (verdict_right, what_if_right skipped)",
        "targets": TARGETS,
        "meets_targets": recall is not None and precision is not None
        and recall >= TARGETS["recall"] and precision >= TARGETS["precision"],
        "by_sector": {s: _counts(c) for s, c in sorted(sector.items())},
        "by_operation": {o: _counts(c) for o, c in sorted(operation.items())},
        "by_kind": {k: _counts(c) for k, c in sorted(kind.items())},
        "anchors_cut": cut, "tables_cut": tables_cut,
        "misses": misses, "false_detections": false, "unlabelled_table_detections": in_tables, "matches": rows,
    }


def _written(t: dict) -> str:
    """A labelled term as the report writes it: "57.60亿元", "5-35%"."""
    return t["value"] + ("" if t.get("high") is None else "-" + t["high"]) + t.get("unit", "")


def _counts(c: Counter) -> dict:
    out = {"labels": c["labels"], "matched": c["matched"], "recall": _rate(c["matched"], c["labels"])}
    if "detections" in c:
        out.update(detections=c["detections"], precision=_rate(c["matched"], c["detections"]))
    return out


# ---------------------------------------------------------------- the run


def run(data: Path = DEFAULT_DATA, json_out: Path | None = None, detect: Callable | None = None,
        rebuild: Callable | None | bool = True) -> dict:
    """Detect estimates in every exhaustive report of `data` (the reports-dev folder) and score them; write the
    JSON (and a Markdown table beside it) when `json_out` is given. rebuild=True: bot.tools.rebuild if present."""
    if detect is None:
        from bot.tools.estimates import detect_estimates as detect
    if rebuild is True:
        rebuild = _rebuild()
    labels, reports = load_labels(), load_reports()
    problems = structure_problems(labels, reports)
    if problems:
        raise ValueError("; ".join(problems))
    t0 = time.perf_counter()
    texts = {f: cleaned_text(data, f) for f in reports["exhaustive"]}
    t1 = time.perf_counter()
    detections = {f: list(detect(t, doc_id=f)) for f, t in texts.items()}
    t2 = time.perf_counter()
    result = evaluate(texts, labels, detections, reports["tables"], rebuild or None)
    result.update(data=str(data), read_seconds=round(t1 - t0, 2), detect_seconds=round(t2 - t1, 2))
    if json_out:
        json_out = Path(json_out)
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        json_out.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    return result


def _cell(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


def table(result: dict) -> list[str]:
    """The summary printed by `bot eval --benchmark estimates`."""
    r = result
    lines = [f"{'':20} {'labels':>6} {'detect':>6} {'match':>6} {'recall':>7} {'precis':>7}",
             f"{'overall':20} {r['labels']:6} {r['detections']:6} {r['matched']:6} {_cell(r['recall']):>7} "
             f"{_cell(r['precision']):>7}"]
    for s, m in r["by_sector"].items():
        lines.append(f"{s:20} {m['labels']:6} {m.get('detections', 0):6} {m['matched']:6} {_cell(m['recall']):>7} "
                     f"{_cell(m.get('precision')):>7}")
    lines += [f"targets: recall ≥ {TARGETS['recall']}, precision ≥ {TARGETS['precision']} — "
              f"{'met' if r['meets_targets'] else 'not met'}",
              f"inputs_right {_cell(r['inputs_right'])}  operation_right {_cell(r['operation_right'])}  "
              f"verdict_right {_cell(r['verdict_right'])}  what_if_right {_cell(r['what_if_right'])} "
              f"({r['what_if_checked']} checked)  rebuild: {r['rebuild']}",
              f"detections in unlabelled tables (not counted): {r['detections_in_unlabelled_tables']}; "
              f"misses {len(r['misses'])}; false detections {len(r['false_detections'])}"]
    if r["anchors_cut"] or r["tables_cut"]:
        lines.append(f"anchors not found in the cleaned text: {len(r['anchors_cut'])}; tables not found: {len(r['tables_cut'])}")
    return lines


def markdown(result: dict, failures: int = 60) -> str:
    r = result
    lines = [f"# Estimate detection: {r['reports']} reports of reports-dev, {r['labels']} labelled estimates", "",
             f"Targets: recall ≥ {TARGETS['recall']}, precision ≥ {TARGETS['precision']} "
             f"({'met' if r['meets_targets'] else 'not met'}). Detections inside the listed tables of derived cells "
             f"that match no label: {r['detections_in_unlabelled_tables']} (not counted). Rebuild: {r['rebuild']}.", "",
             "| | labels | detections | matched | recall | precision |", "|---|---|---|---|---|---|",
             f"| **overall** | {r['labels']} | {r['detections']} | {r['matched']} | {_cell(r['recall'])} | {_cell(r['precision'])} |"]
    for s, m in r["by_sector"].items():
        lines.append(f"| {s} | {m['labels']} | {m.get('detections', 0)} | {m['matched']} | {_cell(m['recall'])} | "
                     f"{_cell(m.get('precision'))} |")
    lines += ["", "| operation | labels | matched | recall |", "|---|---|---|---|"]
    lines += [f"| {o} | {m['labels']} | {m['matched']} | {_cell(m['recall'])} |" for o, m in r["by_operation"].items()]
    lines += ["", f"Of the matched: inputs right {_cell(r['inputs_right'])}, operation right {_cell(r['operation_right'])}, "
              f"verdict right {_cell(r['verdict_right'])}, what-if right {_cell(r['what_if_right'])} "
              f"({r['what_if_checked']} checked).", ""]
    if r["anchors_cut"] or r["tables_cut"]:
        lines += ["Anchors not found in the cleaned text: " + ", ".join(f"{x['file']}: {x['anchor']}" for x in r["anchors_cut"])
                  + ("; tables: " + ", ".join(f"{x['file']}: {x['start']}" for x in r["tables_cut"]) if r["tables_cut"] else ""), ""]
    lines += [f"## Misses ({len(r['misses'])}; first {min(failures, len(r['misses']))})", ""]
    lines += [f"- {x['file']}: {x['result']} ({x['operation']}) at “{x['anchor']}”" for x in r["misses"][:failures]]
    lines += ["", f"## False detections ({len(r['false_detections'])}; first {min(failures, len(r['false_detections']))})", ""]
    lines += [f"- {x['file']}: {x['result']} ({x['operation']}, cue {x['cue'] or '—'}) “{x['quote']}”"
              for x in r["false_detections"][:failures]]
    return "\n".join(lines) + "\n"
