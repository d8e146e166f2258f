from checker_rules.ad.base import LexiconRule

from checker.engine import register


@register
class MedicalClaim(LexiconRule):
    """Medical or efficacy claims on non-medical goods, food and cosmetics (治疗, 根治, 抗癌, cure).

    What it checks:
        Every screened product text (see AD001) against the ``medical`` terms of
        ``rules/ad/lexicon/medical.*.toml``: 治疗, 药用, 根治, 无副作用, 抗癌, 减肥, 降血压,
        药妆; cure/cures/cured, treats, clinically proven, miracle.  Required disclaimers are
        never flagged: 本品不具有疾病预防、治疗功能, 不能代替药物治疗, "not intended to
        diagnose, treat, cure, or prevent any disease"; nor are food and craft uses such as
        "cured ham", "dog treats" or "UV curing".  A text that marks a licensed product
        (``[[licensed]]`` in the lexicon: 兽药, 国药准字, 10片/盒, 消毒剂, a scale, a book) may
        name its function: its medical terms are not flagged.

    Why it matters:
        Art. 17 of the Advertising Law bans disease-treatment claims and medical terms in any ad
        other than for medical care, drugs and medical devices; art. 18 bans them for health
        food.  In the US a product claimed to cure or treat disease is regulated as a drug, and
        the FTC requires scientific evidence for any health claim.  These claims also produce
        "功能与宣传不符" complaints.
    """

    code = "AD003"
    name = "ad.medical-claim"
    summary = "非医疗商品使用医疗、功效用语 / Medical or efficacy claim on a non-medical product"
    category = "medical"
    legal_basis = "《广告法》第十七条、第十八条 / Advertising Law of the PRC arts. 17, 18; FTC Health Products Compliance Guidance"
