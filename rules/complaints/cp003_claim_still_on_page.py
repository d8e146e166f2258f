from __future__ import annotations

from collections.abc import Iterator

from checker_rules.complaints._common import AD_LAW, Entry, complaint_view, ids_text, sample
from checker_rules.complaints.claims import disputed_claims, find_on_page
from pydantic import BaseModel, ConfigDict, Field

from checker.catalog import sku_key
from checker.engine import Rule, register
from checker.models import Finding, Severity


class ClaimOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: float = Field(default=90, ge=50, le=100)  # rapidfuzz partial ratio (0-100) a page text must reach
    window_days: int | None = Field(default=None, ge=1)  # only complaints this recent; None: all of them


@register
class ComplainedClaimOnPage(Rule):
    """A claim customers complained about is still made on the product's page.

    What it checks:
        Each complaint about a SKU of this audit, for the claims it disputes: a known claim word
        negated or reported as said (不是纯棉, 说是纯棉其实是涤纶, 一点都不防水, not waterproof as
        advertised; ``[claims] terms`` in ``causes.toml``) or a claim cut out of "said X, but"
        (页面写225g，实际250g, advertised as shatterproof but).  Each claim is looked for on the page
        that sells the SKU (title, subtitle, specs, labels, banners, variant names, and the sentences
        of the description that make a known claim: the crawl keeps those) with fuzzy matching (``threshold``, rapidfuzz's partial ratio on the
        normalised texts, so Simplified, Traditional and English spellings and full-width forms match);
        a page that negates the claim itself (不防水) does not match.  Delivery, staff and refund
        complaints (说好的次日达，三天才到) are left out: the product page cannot repeat them.  One
        finding per SKU and claim, with the complaint ids.

    Why it matters:
        A claim a customer has shown to be false and that stays on the page is no longer a mistake:
        it is false advertising the shop knows about (广告法 第四条、第二十八条), and every new buyer
        will make the same complaint.

    How to fix:
        Take the claim off the page (or fix the product), in every language of the shop.
    """

    code = "CP003"
    name = "complaints.claim-still-on-page"
    summary = "被投诉的宣传内容仍在页面上 / A complained-about claim is still on the page"
    severity = Severity.ERROR
    scope = "site"
    legal_basis = AD_LAW
    Options = ClaimOptions

    def check(self, _site, ctx) -> Iterator[Finding]:
        if not ctx.complaints:
            return
        view = complaint_view(ctx)
        window = self.options.window_days
        hits: dict[tuple[str, str], list[Entry]] = {}  # (sku, claim) -> complaints
        for entry in view.entries:
            if window is not None and not entry.within(ctx.today, window):
                continue
            cause = entry.cause.cause
            if cause is not None and not view.taxonomy.causes[cause].product:
                continue  # a delivery, staff or refund complaint: the page cannot repeat it
            skus = [k for k in dict.fromkeys(map(sku_key, entry.complaint.all_skus)) if k in view.products]
            if not skus:
                continue
            for claim in disputed_claims(entry.complaint.text, view.taxonomy):
                for sku in skus:
                    hits.setdefault((sku, claim), []).append(entry)
        for (sku, claim), entries in sorted(hits.items()):
            product = view.products[sku]
            where = find_on_page(claim, product, view.taxonomy, self.options.threshold)
            if where is None:
                continue
            field, text, score = where
            shown = " ".join(text.split())[:80]
            yield self.finding(
                f"投诉指出「{claim}」不属实（{ids_text(entries)}），页面 {field} 仍写着：{shown} / Complaints "
                f"({ids_text(entries)}) dispute the claim \"{claim}\"; the page's {field} still makes it: {shown}. "
                f"例 e.g.: {sample(entries[-1])}",
                sku=sku, url=product.url, field=field, evidence=claim,
                suggestion="从页面撤下该说法，或先改正商品 / Take the claim off the page, or fix the product first",
                claim=claim, page_text=shown, score=round(score, 1), complaint_ids=[e.id for e in entries],
            )
