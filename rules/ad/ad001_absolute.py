from checker_rules.ad.base import LexiconRule

from checker.engine import register


@register
class AbsoluteClaim(LexiconRule):
    """Absolute and superlative wording (绝对化用语): 最佳, 第一, 顶级, 国家级, 100%, best, #1, world-class.

    What it checks:
        Title, subtitle, description, spec values, image alt/title text, promotion banners, meta
        description and page labels, in Simplified, Traditional (頂級, 最後) and full-width
        (１００％, ＮＯ．１) writing, against the ``absolute`` terms of the lexicon in
        ``rules/ad/lexicon/absolute.*.toml``.  English terms match whole words only.  A term is
        not flagged inside one of its context exceptions (最近, 第一步, 第一次使用, 100%纯棉,
        best before, step #1) or context words (聚酯纤维100%, 万能遥控器, 李冠军, 近30天最低价),
        inside a required disclaimer, a title in 《》, a handle (@best, best_price), a model
        code (3#1), the product's own brand or a name listed in ``brand_names`` in the config.  One finding per term per text, quoting 20 characters
        either side as written on the page.

    Why it matters:
        The Advertising Law bans "国家级", "最高级", "最佳" and similar terms outright, whatever
        the truth: art. 57 fines start at RMB 200,000.  Market regulators and professional
        complainants (职业打假人) search shop pages for exactly these words before big promotions.
    """

    code = "AD001"
    name = "ad.absolute-claim"
    summary = "使用绝对化用语 / Absolute or superlative claim"
    category = "absolute"
    legal_basis = "《广告法》第九条第（三）项、第五十七条 / Advertising Law of the PRC art. 9(3), art. 57"
