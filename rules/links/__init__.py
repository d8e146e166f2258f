"""LN: backend and link configuration (seed check 1: 检查后台及各个链接配置)."""

from checker_rules.links import (  # noqa: F401  (importing registers the rules)
    ln001_page_unreachable,
    ln002_broken_image,
    ln003_dead_product_link,
    ln004_redirects,
    ln005_insecure_resource,
    ln006_structured_data,
)
