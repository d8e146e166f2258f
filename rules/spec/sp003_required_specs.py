from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from checker_rules.spec.common import key_form
from pydantic import BaseModel, ConfigDict, Field, field_validator

from checker.engine import Rule, register
from checker.models import Finding, Product, Severity

FOOD_LAW = ("《食品安全法》第六十七条（预包装食品标签：名称、规格、净含量、生产日期、保质期、产地等）；"
            "《产品质量法》第二十七条 / Food Safety Law of the PRC art. 67 (labels of prepackaged food); "
            "Product Quality Law of the PRC art. 27 (product marking)")


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    required: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "food": ["净含量|内容量|净重|容量|net weight|net wt|net contents|net content|net volume|contents|volume",
                     "保质期|保存期限|有效期|shelf life|best before|date marking|use by|expiry",
                     "产地|原产地|*产地|origin|country of origin|made in"],
        },
        description="category -> spec rows its pages must show; 'a|b' accepts either name, and a row whose name "
                    "begins with one ('Origin of beans'); '*a' a row whose name ends with a (生产地, 原料产地), '*a*' "
                    "one that contains it; any script: 保質期 is 保质期. A category not listed is not checked",
    )
    categories: dict[str, list[str]] = Field(
        default_factory=dict,
        description="category -> SKU patterns (fnmatch, case-insensitive), e.g. { food = [\"*-FOOD-*\", "
                    "\"*-SNK-*\"] }; a product whose SKU matches none is not checked",
    )

    @field_validator("required")
    @classmethod
    def _names(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for category, names in value.items():
            for entry in names:
                if not all(part.strip(" *") for part in entry.split("|")):
                    raise ValueError(f"{category}: {entry!r} has an empty name")
        return value

    @field_validator("categories")
    @classmethod
    def _patterns(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for category, patterns in value.items():
            if not patterns or any(not p.strip() for p in patterns):
                raise ValueError(f"{category}: give at least one non-empty SKU pattern")
        return value


def _name_form(name: str) -> str:
    """A required name as compared, its ``*`` kept: ``*产地`` (ends with), ``*产地*`` (contains)."""
    return "*".join(key_form(part) for part in name.split("*"))


def _has(row: str, name: str) -> bool:
    """``row`` (a spec name's form) is ``name``: begins with it, or ends with / contains ``*name`` / ``*name*``."""
    if name.startswith("*") and name.endswith("*") and len(name) > 2:
        return name[1:-1] in row
    if name.startswith("*"):
        return row.endswith(name[1:])
    return row.startswith(name)


@register
class RequiredSpecsMissing(Rule):
    """A product page lacks a spec row its category requires (食品: 净含量, 保质期, 产地).

    What it checks:
        The spec table of every product whose category is known: the category comes from the SKU,
        by the patterns of option ``categories`` (``{ food = ["*-FOOD-*", "*-SNK-*"] }``), because
        neither the page nor the catalog export carries a category field every shop fills in.  Each
        entry of the category's list in option ``required`` must be a spec row with a value on the
        page: ``"净含量|内容量|net weight"`` accepts any of these names, and a row whose name begins
        with one (``Origin of beans``); ``*产地`` accepts a row whose name ends with 产地 (生产地,
        原料产地) and ``*产地*`` one that contains it; Traditional names (保質期) match their Simplified form.  A
        product whose category is not listed, or whose SKU matches no pattern, is not checked: the
        rule is off until ``categories`` is configured.

    Why it matters:
        Prepackaged food must state its net quantity, shelf life and origin, and online shops must
        show the label facts before purchase; a page without them invites "标签不全" complaints and
        regulator reports, often by professional complainants during promotions.

    How to fix:
        Add the missing rows to the product's spec table (or map the SKU to the right category).

    Options:
        ``categories`` (category -> SKU patterns) and ``required`` (category -> required rows; the
        default lists food's).
    """

    code = "SP003"
    name = "spec.required-specs-missing"
    summary = "缺少类目必填规格 / Required spec rows missing for the category"
    severity = Severity.WARNING
    scope = "product"
    legal_basis = FOOD_LAW
    Options = Options

    def __init__(self, options=None, severity=None) -> None:
        super().__init__(options, severity)
        self._patterns = [(c, p.upper()) for c, ps in self.options.categories.items() for p in ps]
        self._required = {c: [(entry, {_name_form(n) for n in entry.split("|")}) for entry in names]
                          for c, names in self.options.required.items()}

    def category(self, product: Product) -> str | None:
        sku = (product.sku or "").strip().upper()
        if not sku:
            return None
        return next((c for c, pattern in self._patterns if fnmatchcase(sku, pattern)), None)

    def check(self, product: Product, ctx) -> Iterator[Finding]:
        category = self.category(product)
        if category is None or category not in self._required:
            return
        have = [key_form(k) for k, v in product.specs.items() if v.strip()]
        for entry, names in self._required[category]:
            if any(_has(row, name) for row in have for name in names):
                continue
            first = entry.split("|")[0]
            yield self.finding(
                f"{category} 类商品缺少规格「{first}」/ A {category} product's specs lack \"{first}\"",
                sku=product.sku,
                url=product.url,
                field="specs",
                evidence=first,
                suggestion=f"在规格表中补充「{first}」/ Add \"{first}\" to the spec table",
                category=category,
                missing=entry,
            )
