"""The reports' own estimates as named models, rebuilt from extracted figures and checked.

A model is "base market × ratio × ratio ...", each input named by the figure label it is
built from. Numbers are never hard-coded here: `build_model` takes the Figures extracted
from the retrieved text, matches them by label, recomputes with `formulas.market_size`,
and reconciles the result with the figure the report states ("中值80亿元", "575亿元至
1149亿元"), saying plainly whether they agree and, if not, what the stated figure implies.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from bot.errors import ToolError
from bot.tools.figures import Figure, find_figures
from bot.tools.formulas import Calculation, Estimate, Operand, market_size
from bot.tools.units import (
    EXACT_PREC, Dimension, Quantity, QuantityRange, div, format_quantity, format_range, mul, tidy,
)


@dataclass(frozen=True)
class ModelInput:
    name: str  # the figure label it is built from, and its name in the Calculation
    english: str
    dimension: Dimension
    aliases: tuple[str, ...]  # words a user may call it by (what-if questions)


@dataclass(frozen=True)
class NamedModel:
    name: str
    english: str
    aliases: tuple[str, ...]
    base: ModelInput
    factors: tuple[ModelInput, ...]
    stated_label: str  # the label of the figure the report states as the result

    @property
    def inputs(self) -> tuple[ModelInput, ...]:
        return (self.base, *self.factors)

    def input(self, name: str) -> ModelInput:
        for i in self.inputs:
            if i.name == name:
                return i
        raise ToolError(f"Model {self.name} has no input {name!r}; its inputs are {', '.join(i.name for i in self.inputs)}.")


SHORT_VIDEO = NamedModel(
    name="短视频文生视频市场",
    english="text-to-video market in short video",
    aliases=("短视频文生视频市场", "文生视频市场", "文生视频", "短视频领域", "text-to-video market",
             "text to video market", "text-to-video", "short-video text-to-video", "sora market"),
    base=ModelInput("短视频市场规模", "short-video market size", Dimension.CURRENCY,
                    ("短视频市场规模", "短视频市场", "市场规模", "市场", "short-video market", "market size", "market", "base")),
    factors=(
        ModelInput("视频创作成本占比", "video-creation cost share", Dimension.RATIO,
                   ("视频创作成本占比", "创作成本占比", "视频创作成本", "创作成本", "成本占比", "占比", "比例", "cost share", "creation cost")),
        ModelInput("AI视频应用渗透率", "AI video penetration", Dimension.RATIO,
                   ("AI视频应用渗透率", "AI渗透率", "渗透率", "ai penetration", "penetration rate", "penetration")),
    ),
    stated_label="短视频文生视频市场规模",
)
AIGC_REGULATION = NamedModel(
    name="AIGC监管市场",
    english="AIGC regulation market",
    aliases=("AIGC监管市场", "监管市场", "AI监管市场", "AIGC监管", "AI监管", "AIGC regulation market",
             "regulation market", "AIGC regulation", "AI regulation market"),
    base=ModelInput("AIGC市场规模", "AIGC market size", Dimension.CURRENCY,
                    ("AIGC市场规模", "AIGC市场", "市场规模", "市场", "AIGC market", "market size", "market", "base")),
    factors=(
        ModelInput("AIGC监管成本占比", "regulation-cost share", Dimension.RATIO,
                   ("AIGC监管成本占比", "监管成本占比", "监管成本", "监管占比", "成本占比",
                    "占比", "比例", "regulation cost share", "regulation cost", "cost share")),
    ),
    stated_label="AIGC监管市场规模",
)
MODELS: tuple[NamedModel, ...] = (SHORT_VIDEO, AIGC_REGULATION)


def get_model(name: str) -> NamedModel:
    """A model by its name or any alias (case-insensitive).

    Raises:
        ToolError: no model has that name.
    """
    key = name.strip().lower()
    for m in MODELS:
        if key in (a.lower() for a in (m.name, m.english, *m.aliases)):
            return m
    raise ToolError(f"Unknown model {name!r}; known models: {', '.join(m.name for m in MODELS)}.")


def detect_model(question: str) -> NamedModel | None:
    """The model whose longest alias occurs in the question, if any."""
    q = question.lower()
    best = max(((len(a), m) for m in MODELS for a in (m.name, m.english, *m.aliases) if a.lower() in q),
               key=lambda t: t[0], default=None)
    return best[1] if best else None


@dataclass(frozen=True)
class Reconciliation:
    agrees: bool
    exact: bool  # agrees digit for digit, without rounding
    stated: Figure
    implied: dict[str, Quantity]  # input name → the value the stated figure would need
    message: str  # Chinese, for the answer
    message_en: str
    calculations: tuple[Calculation, ...]  # how each implied value was computed


@dataclass
class ModelResult:
    model: NamedModel
    calculation: Calculation
    stated: Figure | None
    reconciliation: Reconciliation | None

    def calculations(self) -> list[Calculation]:
        return [self.calculation, *(self.reconciliation.calculations if self.reconciliation else ())]


def _pick(figures: list[Figure], inp: ModelInput) -> Figure | None:
    found = [f for f in find_figures(figures, inp.name) if f.dimension is inp.dimension]
    return found[0] if found else None


def _stated(figures: list[Figure], model: NamedModel) -> Figure | None:
    found = [f for f in find_figures(figures, model.stated_label) if f.dimension is Dimension.CURRENCY]
    # The sentence that says 中值 is the report's own headline for a range estimate.
    return next((f for f in found if "中值" in f.qualifiers), found[0] if found else None)


def build_model(model: NamedModel | str, figures: list[Figure],
                overrides: dict[str, Operand] | None = None) -> ModelResult:
    """Recompute a named model from extracted figures, with optional user overrides.

    Args:
        model: the model or its name/alias ("文生视频市场", "AIGC regulation market"...).
        figures: figures extracted from the report text (each carrying its citation).
        overrides: input name → Operand (source "user") replacing the report's value.

    Raises:
        ToolError: a required input has neither a figure nor an override.
    """
    m = get_model(model) if isinstance(model, str) else model
    overrides = dict(overrides or {})
    for key in overrides:
        m.input(key)  # unknown names are an error, not silently ignored
    ops: list[Operand] = []
    notes: list[str] = []
    base_year: int | None = None
    for inp in m.inputs:
        if inp.name in overrides:
            ops.append(overrides[inp.name])
            notes.append(f"用户假设 (user assumption): {inp.name} = {_q(overrides[inp.name].value)}")
            continue
        fig = _pick(figures, inp)
        if fig is None:
            raise ToolError(f"Missing input {inp.name} ({inp.english}) for model {m.name}: no extracted figure carries it.")
        ops.append(Operand(fig.quantity(), "report", fig.citation()))
        if inp is m.base:
            base_year = fig.year
        if "接近" in fig.qualifiers or "约" in fig.qualifiers:
            notes.append(f"报告称{inp.name}“{'接近' if '接近' in fig.qualifiers else '约'}”{_q(fig.quantity())},按该值计算")
    calc = market_size(ops[0], list(ops[1:]), labels=[i.name for i in m.inputs])
    calc.note = "; ".join([f"模型: {m.name} = " + " × ".join(i.name for i in m.inputs), *notes,
                           *([calc.note] if calc.note else [])])
    stated = _stated(figures, m)
    # For charts and callers; not part of to_dict().
    calc.extra.update(model=m.name, stated=stated.quantity() if stated else None, user=bool(overrides))
    rec = None
    if stated is not None and not overrides:
        rec = reconcile(m, calc, ops, stated, base_year)
        calc.note += " " + rec.message
    return ModelResult(m, calc, stated, rec)


def _q(v: Quantity | QuantityRange, places: int = 4) -> str:
    return str(format_range(v, places=places) if isinstance(v, QuantityRange) else format_quantity(v, places=places))


def _round_like(computed: Quantity, stated: Quantity) -> Decimal:
    """computed, in stated's unit, rounded half-up to as many decimals as stated is written with."""
    c = computed.to(stated.unit).value
    places = max(0, -stated.value.as_tuple().exponent)  # type: ignore[operator]
    with localcontext(prec=EXACT_PREC):
        return c.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def reconcile(model: NamedModel, calc: Calculation, ops: list[Operand], stated: Figure,
              base_year: int | None = None) -> Reconciliation:
    """Compare a recomputed model with the report's stated figure; explain any gap.

    Args:
        model: the model that was computed.
        calc: its Calculation (from `build_model`).
        ops: the model's inputs, base first, as passed to `market_size`.
        stated: the figure the report states as the result.
        base_year: the year the base figure is for, when known.
    """
    r = calc.result
    s = stated.quantity()
    if isinstance(s, QuantityRange):
        pairs = [(r.low if isinstance(r, Estimate) else r, s.low), (r.high if isinstance(r, Estimate) else r, s.high)]
        computed_text = _q(QuantityRange(pairs[0][0], pairs[1][0])) if isinstance(r, Estimate) else _q(r)
    else:
        pairs = [(r.mid if isinstance(r, Estimate) else r, s)]
        computed_text = _q(pairs[0][0]) + ("(中值)" if isinstance(r, Estimate) else "")
    exact = all(c.to(t.unit).value == t.value for c, t in pairs)
    agrees = exact or all(_round_like(c, t) == t.value for c, t in pairs)
    said = _q(s) + ("(中值)" if "中值" in stated.qualifiers else "")
    formula = calc.formula.split(" (mid")[0]
    if exact:
        msg = f"一致: 按报告输入重算 {formula}, 与报告所述{said}完全相同。"
        en = f"Agrees: recomputed from the report's inputs, {formula}, exactly the stated {_q(s)}."
        return Reconciliation(True, True, stated, {}, msg, en, ())
    if agrees:
        msg = f"一致(四舍五入后): 按报告输入重算为{computed_text}, 报告称{said}, 四舍五入后相同。"
        en = f"Agrees after rounding: recomputed {computed_text}; the report states {_q(s)}, the same once rounded."
        return Reconciliation(True, False, stated, {}, msg, en, ())
    implied, calcs = _implied(model, ops, stated)
    parts = [f"{k}{_q(v, 2)}" for k, v in implied.items()]
    mids = "、".join(f"{i.name}取{_q(o.value.mid if isinstance(o.value, QuantityRange) else o.value)}"
                     for i, o in zip(model.inputs, ops))
    mid_formula = " × ".join(_q(o.value.mid if isinstance(o.value, QuantityRange) else o.value) for o in ops)
    msg = (f"不一致: 按报告输入重算 {mid_formula} = {computed_text}, 而报告称{said}。"
           f"要得到{said}, 需要" + ", 或".join(parts) + f"(其余输入不变; {mids})。")
    msg += _years_note(base_year, stated, model.base.name)
    en = (f"Does not agree: the report's inputs give {mid_formula} = {computed_text}, but it states {_q(s)}. "
          f"That figure would need " + " or ".join(f"{model.input(k).english} {_q(v, 2)}" for k, v in implied.items())
          + " with the other inputs unchanged.")
    return Reconciliation(False, False, stated, implied, msg, en, tuple(calcs))


def _years_note(base_year: int | None, stated: Figure, base_name: str) -> str:
    """The base may be from an earlier year than the estimate: the gap may be growth the
    report assumed without stating it, so say which years the two figures are for."""
    if base_year is None or stated.year is None or base_year == stated.year:
        return ""
    return (f" 注意: {base_name}是{base_year}年的数据, 而报告所述结果是{stated.year}年的预测;"
            f" 报告未给出{stated.year}年的{base_name}。")


def _implied(model: NamedModel, ops: list[Operand], stated: Figure) -> tuple[dict[str, Quantity], list[Calculation]]:
    """What each uncertain input would have to be for the model to give the stated value.

    Uncertain inputs are the base and every ranged factor (all factors if none is ranged);
    the others stay at their values (mid for ranges). A stated range is matched at its midpoint.
    """
    s = stated.quantity()
    target = s.mid if isinstance(s, QuantityRange) else s
    target_op = Operand(target, "report", stated.citation())
    mids = [o.value.mid if isinstance(o.value, QuantityRange) else o.value for o in ops]
    ranged = [i for i, o in enumerate(ops[1:], 1) if isinstance(o.value, QuantityRange)]
    solve_for = [0] + (ranged or list(range(1, len(ops))))
    implied: dict[str, Quantity] = {}
    calcs: list[Calculation] = []
    for i in solve_for:
        others = [j for j in range(len(ops)) if j != i]
        if any(mids[j].value == 0 for j in others):
            continue  # no value of this input can give the stated figure
        if i == 0:
            denom = mul(*(mids[j].fraction() for j in others))
            value, exact = div(target.to(mids[0].unit).value, denom)
            q = Quantity(tidy(value) if exact else value, mids[0].unit)
        else:
            denom = mul(mids[0].value, *(mids[j].fraction() for j in others if j != 0))
            value, exact = div(target.to(mids[0].unit).value, denom)
            q = Quantity(tidy(mul(value, Decimal(100))) if exact else value * 100, "%")
        name = model.inputs[i].name
        implied[name] = q
        shown = " × ".join(_q(mids[j]) for j in others)
        calcs.append(Calculation(
            tool="implied_input",
            formula=f"{_q(target)} ÷ ({shown}) = {format_quantity(q, places=4)}",
            inputs={model.stated_label: target_op,
                    **{model.inputs[j].name: Operand(mids[j], ops[j].source, ops[j].citation) for j in others}},
            result=q,
            note=(f"报告所述{_q(target)}所需的{name} (the {model.inputs[i].english} the stated figure implies; "
                  f"other inputs unchanged, ranges at their midpoint)."
                  + ("" if exact else " 结果已四舍五入到28位有效数字."))
        ))
    return implied, calcs


def stated_text(result: ModelResult) -> str:
    """The stated figure as printed, e.g. "80亿元"; "" when the report states none."""
    return _q(result.stated.quantity()) if result.stated else ""


__all__ = ["MODELS", "SHORT_VIDEO", "AIGC_REGULATION", "NamedModel", "ModelInput", "ModelResult",
           "Reconciliation", "get_model", "detect_model", "build_model", "reconcile", "stated_text"]
