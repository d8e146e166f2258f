from checker_rules.ad.base import LexiconRule

from checker.engine import register
from checker.models import Severity


@register
class UrgencyClaim(LexiconRule):
    """Time pressure and false scarcity (仅此一次, 最后一天, 错过再等一年, today only, last chance).

    What it checks:
        Every screened product text (see AD001), banners above all, against the ``urgency``
        terms of ``rules/ad/lexicon/urgency.*.toml``: 仅此一次, 最后一天, 仅限今日, 手慢无,
        即将售罄, 明日涨价; today only, last chance, ends tonight, hurry.  最后一步 (a step in
        instructions) is not a deadline and is not flagged.

    Why it matters:
        A "last day" that is extended, or a "once only" offer that comes back next month, is a
        false or misleading commercial claim under the SAMR promotion rules (2020) and the
        Anti-Unfair Competition Law, and an EU blacklisted practice.  Shoppers who feel rushed
        complain, and ask for refunds.
    """

    code = "AD005"
    name = "ad.false-urgency"
    summary = "制造时间紧迫或虚假稀缺 / Time pressure or false scarcity"
    severity = Severity.WARNING
    category = "urgency"
    legal_basis = "《规范促销行为暂行规定》（2020）第五条 / SAMR Interim Provisions on Promotional Activities (2020) art. 5; 16 CFR Part 233"
