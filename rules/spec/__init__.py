"""SP: sizes and specs (seed check 3: 核对商品价格和尺寸规格设置，以免出错 — the specs half).

Every quantity and spec a shopper sees must agree with itself and with the backend:

SP001 quantity mismatch (title, spec table, variants, backend specs) · SP002 page variants vs the
backend's variants · SP003 required spec rows missing for the product's category.

Quantities are read by one parser (``quantity.py``) with its units as data (``units.toml``: name,
aliases in Simplified, Traditional and English, dimension, factor; 斤 and 两 per currency).
"""

from checker.engine import RulePack

PACK = RulePack(
    prefix="SP",
    area_zh="规格",
    area_en="Sizes and specs",
    check="3. 核对商品价格和尺寸规格 — sizes and specs",
    needs=("products", "source:catalog"),
    docs=__doc__,
)
