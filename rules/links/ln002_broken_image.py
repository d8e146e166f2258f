from pydantic import BaseModel, ConfigDict

from checker.engine import Rule, register
from checker.models import Severity


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")
    require_image_type: bool = True  # a 200 answer that is not image/* (e.g. an HTML error page) is broken too


@register
class BrokenImage(Rule):
    """A main or detail image of a page does not load.

    What it checks:
        Every ``<img>`` of a crawled page whose URL was checked: HTTP 4xx/5xx, a network error, or
        (by default) a response that is not ``image/*``.  Off-host images are checked only with
        ``crawl.check_external = true``.  One finding per broken image: an image shared by many
        pages (a template's logo) is one finding with the number of pages and the first few
        (by URL), on the first of them; the SKU is given when one page shows it.

    Why it matters:
        Shoppers judge the product by its main image; a broken main or detail image reads as a
        fake or careless listing and invites "图片与实物不符" complaints.

    How to fix:
        Every image answers ``200`` with ``Content-Type: image/jpeg`` (or png/webp/gif).

    Options:
        require_image_type (default true): treat a 200 answer that is not ``image/*`` as broken.
    """

    code = "LN002"
    name = "links.broken-image"
    summary = "图片无法加载 / Broken main or detail image"
    severity = Severity.ERROR
    scope = "site"  # needs the image checks, which finish after the pages
    Options = Options

    def check(self, site, ctx):
        broken: dict[str, str] = {}  # image URL -> why
        for url in ctx.images:
            result = ctx.checked.get(url)
            if result is None or result.skipped:
                continue
            if result.ok and (not self.options.require_image_type or result.content_type.startswith("image/")):
                continue
            broken[url] = f"not an image ({result.content_type or 'no Content-Type'})" if result.ok else result.failure
        for reach in ctx.reach(ctx.images, broken):  # one finding per broken image, however many pages show it
            url, first = reach.target, reach.sample[0]
            reason = broken[url]
            role = ctx.images.label(url) or "detail"  # as on the first page that showed it
            role_zh = {"main": "主图", "detail": "详情图", "banner": "横幅图"}.get(role, "图片")
            where_zh, where_en = reach.where()
            yield self.finding(
                f"{role_zh}无法加载（{reason}）{where_zh} / Broken {role} image ({reason}){where_en}",
                url=first.url,
                sku=first.sku if reach.pages == 1 else None,  # a shared image is no one product's
                field=f"image:{role}",
                evidence=url,
                suggestion="重新上传图片并检查图片地址 / Re-upload the image and fix its URL",
                target=url,
                pages=reach.pages,
                sample=[page.url for page in reach.sample],
            )
