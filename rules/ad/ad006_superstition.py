from checker_rules.ad.base import LexiconRule

from checker.engine import register


@register
class SuperstitionClaim(LexiconRule):
    """Superstitious claims (招财, 转运, 开光, 辟邪, brings good luck, wards off evil spirits).

    What it checks:
        Every screened product text (see AD001) against the ``superstition`` terms of
        ``rules/ad/lexicon/superstition.*.toml``: 招财, 转运, 开光, 辟邪, 镇宅, 风水, 加持,
        护身符; brings good luck, wards off evil spirits, feng shui.  The figurine name 招财猫,
        logistics words (转运中心) and modern marketing uses such as 科技加持 are exceptions.

    Why it matters:
        Art. 9(8) of the Advertising Law bans superstitious content in ads, with the art. 57
        fines; the promised luck cannot be delivered, and disappointed buyers complain.
    """

    code = "AD006"
    name = "ad.superstition"
    summary = "使用迷信用语 / Superstition claim"
    category = "superstition"
    legal_basis = "《广告法》第九条第（八）项 / Advertising Law of the PRC art. 9(8)"
