from checker_rules.ad.base import LexiconRule

from checker.engine import register


@register
class GuaranteeClaim(LexiconRule):
    """Guarantees of results, speed of effect or returns (保证有效, 无效退款, 立竿见影, guaranteed results).

    What it checks:
        Every screened product text (see AD001) against the ``guarantee`` terms of
        ``rules/ad/lexicon/guarantee.*.toml``: 保证有效, 百分百有效, 无效退款, 一次见效, 永不反弹,
        保本, 稳赚, 包过; guaranteed results, 100% effective, risk-free.  A return policy such as
        "risk-free returns" is an exception.

    Why it matters:
        A promised result that does not come for every buyer makes the ad false (art. 28);
        assurances of efficacy are banned for health products (arts. 16, 18), of exam results for
        training (art. 24) and of returns for investment goods (art. 25).  "不见效" is one of the
        commonest complaint causes after a promotion.
    """

    code = "AD004"
    name = "ad.guarantee-claim"
    summary = "对效果或收益作保证性承诺 / Guarantee of results or returns"
    category = "guarantee"
    legal_basis = "《广告法》第二十八条、第二十五条 / Advertising Law of the PRC art. 28, art. 25; FTC 16 CFR Part 239"
