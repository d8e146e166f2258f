from checker_rules.ad.base import LexiconRule

from checker.engine import register


@register
class FalseAuthority(LexiconRule):
    """Use of state organs, leaders, the army or professionals as endorsers (国家机关推荐, 特供, 专供).

    What it checks:
        Every screened product text (see AD001) against the ``authority`` terms of
        ``rules/ad/lexicon/authority.*.toml``: 国家机关推荐, 特供, 专供, 国宴, 人民大会堂,
        免检产品, 医生推荐; government endorsed, FDA approved, doctor recommended.  Channel
        versions such as 电商专供 are exceptions.

    Why it matters:
        Using the name or image of state organs or officials is banned by art. 9(2) of the
        Advertising Law; 特供/专供 implies supply to state organs.  "FDA approved" on a cosmetic
        or supplement is false: the FDA does not approve them.
    """

    code = "AD002"
    name = "ad.false-authority"
    summary = "借用国家机关或权威名义背书 / False authority or endorsement"
    category = "authority"
    legal_basis = "《广告法》第九条第（二）项 / Advertising Law of the PRC art. 9(2); FTC 16 CFR Part 255"
