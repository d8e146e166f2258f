"""Generate a synthetic online store for the crawl benchmarks: N product pages, a sitemap, exports.

    .venv/bin/python benchmarks/make_store.py --pages 10000          # -> benchmarks/out/store-10000/
    .venv/bin/python benchmarks/make_store.py --pages 1000 --force   # regenerate even if cached

Layout of ``benchmarks/out/store-N/``:

    site/                      the web root (what nginx serves)
      index.html               home page
      p/SC000001.html ...      N product pages, 30-80 KB each
      c/*.html                 category pages (12 top categories x 6 sub-categories + the 12)
      help/*.html, cart.html, account/login.html
      img/p/01.png ...         24 real (tiny) PNG files every page refers to
      robots.txt               Disallow /cart, /account; Sitemap line
      sitemap.xml              a <urlset>, or a <sitemapindex> of sitemap-K.xml (<= 50,000 URLs each)
    exports/
      inventory.csv            SKU,批次,生产日期,保质期,到期日,库存,状态
      price_history.csv        SKU,日期,价格
      complaints.csv           投诉单号,SKU,投诉时间,投诉原因
    _defects.csv               every seeded defect: sku,url,kind,detail
    _store.json                N, seed, generator version, sizes (the cache stamp: written last)

Product pages are a realistic mix: a third carry schema.org JSON-LD (Product + Offer, plus
BreadcrumbList and Organization blocks), a third schema.org microdata, a third neither (only the
default CSS selectors of ``checker.config.SelectorConfig`` find the product).  Every page has the
header / mega-menu / footer boilerplate, an inline stylesheet, a gallery, a description, a specs
table, reviews, related products and a hydration ``<script>`` blob; copy is Simplified Chinese,
Traditional Chinese or English.  Seeded defects (a few % each): ad-law wording (最佳 / 頂級 /
best / cures ...), a missing gallery image (404), a link to a missing product (404), and an
https canonical on a page whose resources are http:// (mixed content).

URLs in sitemaps and robots.txt use the placeholder origin ``http://shop.local``; the server
rewrites it to the real ``http://127.0.0.1:PORT`` (nginx ``sub_filter``, like ``checker audit
--serve``).  Pages link root-relatively, so they need no rewriting.

Deterministic: the same N and seed give byte-identical files (each page has its own RNG seeded
from (seed, page number), so generation runs in parallel processes without changing a byte).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import struct
import sys
import time
import zlib
from datetime import date, timedelta
from html import escape
from multiprocessing import Pool
from pathlib import Path

GENERATOR_VERSION = 3
DEFAULT_SEED = 20261123
PLACEHOLDER = "http://shop.local"
OUT_DIR = Path(__file__).resolve().parent / "out"
SITEMAP_MAX_URLS = 50_000
N_IMAGES = 24
TODAY = date(2026, 11, 23)

# Share of pages with each seeded defect.
DEFECT_RATES = {"ad_wording": 0.04, "missing_image": 0.02, "missing_product_link": 0.02, "insecure_resource": 0.02}

LANGS = ("zh-Hans", "zh-Hant", "en")
CURRENCY = {"zh-Hans": ("CNY", "¥"), "zh-Hant": ("TWD", "NT$"), "en": ("USD", "$")}

# (slug, Simplified, Traditional, English, [(noun zh-Hans, zh-Hant, en), ...])
CATEGORIES = [
    ("kitchen", "厨房用品", "廚房用品", "Kitchen", [("不粘锅", "不沾鍋", "non-stick pan"), ("厨师刀", "廚師刀", "chef's knife"),
                                               ("竹砧板", "竹砧板", "bamboo chopping board"), ("电热水壶", "電熱水壺", "electric kettle")]),
    ("drinkware", "杯壶", "杯壺", "Drinkware", [("保温杯", "保溫杯", "vacuum flask"), ("玻璃水杯", "玻璃水杯", "glass tumbler"),
                                            ("陶瓷马克杯", "陶瓷馬克杯", "ceramic mug"), ("随行杯", "隨行杯", "travel mug")]),
    ("bedding", "床品", "床品", "Bedding", [("纯棉四件套", "純棉四件套", "cotton bedding set"), ("乳胶枕", "乳膠枕", "latex pillow"),
                                          ("蚕丝被", "蠶絲被", "silk duvet"), ("法兰绒毯", "法蘭絨毯", "flannel blanket")]),
    ("apparel", "服饰", "服飾", "Apparel", [("羊毛针织衫", "羊毛針織衫", "wool sweater"), ("牛仔裤", "牛仔褲", "denim jeans"),
                                          ("防风外套", "防風外套", "windbreaker"), ("棉质T恤", "棉質T恤", "cotton T-shirt")]),
    ("snacks", "零食", "零食", "Snacks", [("坚果礼盒", "堅果禮盒", "mixed nuts gift box"), ("芒果干", "芒果乾", "dried mango"),
                                        ("手工饼干", "手工餅乾", "butter cookies"), ("海苔脆片", "海苔脆片", "seaweed crisps")]),
    ("tea", "茶叶", "茶葉", "Tea", [("龙井绿茶", "龍井綠茶", "Longjing green tea"), ("高山乌龙", "高山烏龍", "high mountain oolong"),
                                  ("普洱茶饼", "普洱茶餅", "pu-erh tea cake"), ("茉莉花茶", "茉莉花茶", "jasmine tea")]),
    ("beauty", "美妆", "美妝", "Beauty", [("保湿面霜", "保濕面霜", "moisturising cream"), ("洁面乳", "潔面乳", "facial cleanser"),
                                        ("护手霜", "護手霜", "hand cream"), ("润唇膏", "潤唇膏", "lip balm")]),
    ("baby", "母婴", "母嬰", "Baby", [("婴儿湿巾", "嬰兒濕巾", "baby wipes"), ("硅胶奶瓶", "矽膠奶瓶", "silicone feeding bottle"),
                                    ("纱布浴巾", "紗布浴巾", "muslin bath towel"), ("学步鞋", "學步鞋", "first walker shoes")]),
    ("electronics", "数码", "數碼", "Electronics", [("蓝牙耳机", "藍牙耳機", "Bluetooth earbuds"), ("移动电源", "行動電源", "power bank"),
                                                ("机械键盘", "機械鍵盤", "mechanical keyboard"), ("数据线", "傳輸線", "USB-C cable")]),
    ("outdoor", "户外", "戶外", "Outdoor", [("登山背包", "登山背包", "hiking backpack"), ("折叠露营椅", "折疊露營椅", "folding camp chair"),
                                          ("防水帐篷", "防水帳篷", "waterproof tent"), ("头灯", "頭燈", "headlamp")]),
    ("home", "家居", "家居", "Home", [("香薰蜡烛", "香薰蠟燭", "scented candle"), ("收纳箱", "收納箱", "storage box"),
                                    ("亚麻桌布", "亞麻桌布", "linen tablecloth"), ("陶瓷花瓶", "陶瓷花瓶", "ceramic vase")]),
    ("pets", "宠物", "寵物", "Pets", [("猫抓板", "貓抓板", "cat scratcher"), ("狗狗牵引绳", "狗狗牽引繩", "dog leash"),
                                    ("宠物饮水机", "寵物飲水機", "pet water fountain"), ("冻干零食", "凍乾零食", "freeze-dried treats")]),
]  # fmt: skip
SUBCATS = [("selected", "精选", "精選", "Selected"), ("new", "新品", "新品", "New in"), ("popular", "热卖", "熱賣", "Popular"),
           ("gifts", "礼盒", "禮盒", "Gift sets"), ("sale", "特价", "特價", "On sale"), ("accessories", "配件", "配件", "Accessories")]  # fmt: skip
BRANDS = ["山禾", "青木", "北辰", "拾光", "木几", "云朵", "Lumen", "Hearth & Co", "Northfield", "Kaya", "Oru", "素野"]
COLORS = [("米白", "米白", "Ivory"), ("雾蓝", "霧藍", "Mist blue"), ("墨绿", "墨綠", "Forest green"), ("岩灰", "岩灰", "Slate grey"),
          ("燕麦", "燕麥", "Oat"), ("砖红", "磚紅", "Brick red")]  # fmt: skip
MATERIALS = [("食品级304不锈钢", "食品級304不鏽鋼", "food-grade 304 stainless steel"), ("天然竹材", "天然竹材", "natural bamboo"),
             ("新疆长绒棉", "新疆長絨棉", "long-staple cotton"), ("高硼硅玻璃", "高硼矽玻璃", "borosilicate glass"),
             ("再生聚酯纤维", "再生聚酯纖維", "recycled polyester"), ("硅胶", "矽膠", "silicone")]  # fmt: skip
ORIGINS = [("浙江杭州", "浙江杭州", "Hangzhou, China"), ("福建安溪", "福建安溪", "Anxi, China"), ("广东佛山", "廣東佛山", "Foshan, China"),
           ("台湾台中", "台灣台中", "Taichung, Taiwan"), ("云南普洱", "雲南普洱", "Pu'er, China")]  # fmt: skip

SENTENCES = {
    "zh-Hans": [
        "这款{name}采用{material}制作，做工细致，日常使用耐磨耐用。", "产品尺寸约为{size}，重量约{weight}，收纳和携带都很方便。",
        "产地：{origin}。出厂前经过逐件检验，收到后请先检查外观与配件是否齐全。", "建议使用前用温水清洗一遍，避免使用钢丝球等硬物刷洗。",
        "颜色为{color}，因显示器不同可能存在轻微色差，请以实物为准。", "支持七天无理由退货，退货运费由买家承担，赠品需一并退回。",
        "全店满299减30，活动时间以页面公布为准，优惠不与其他活动同享。", "储存方法：置于阴凉干燥处，避免阳光直射和高温潮湿环境。",
        "包装内含：{name}一件、说明书一份、合格证一张。", "第一次使用前请仔细阅读说明书，并按照步骤操作。",
        "如收到商品有破损或少件，请在签收后48小时内联系客服。", "本店商品均由品牌方授权销售，提供正规发票。",
        "发货时间：付款后48小时内从杭州仓发出，偏远地区物流时效可能延长。", "我们会持续改进包装，减少塑料使用，欢迎提出建议。",
        "{name}的手柄经过人体工学设计，握感舒适，长时间使用也不易疲劳。", "尺码偏大，请参考尺码表选择，如有疑问可咨询在线客服。",
    ],
    "zh-Hant": [
        "這款{name}採用{material}製作，做工細緻，日常使用耐磨耐用。", "商品尺寸約為{size}，重量約{weight}，收納和攜帶都很方便。",
        "產地：{origin}。出貨前經過逐件檢驗，收到後請先檢查外觀與配件是否齊全。", "建議使用前以溫水清洗一次，避免使用鋼絲球等硬物刷洗。",
        "顏色為{color}，因螢幕不同可能略有色差，請以實物為準。", "享七天鑑賞期，退貨運費由買家負擔，贈品需一併退回。",
        "全館滿NT$1,500折NT$150，活動時間以頁面公告為準。", "保存方式：置於陰涼乾燥處，避免陽光直射及高溫潮濕。",
        "包裝內含：{name}一件、說明書一份、保固卡一張。", "初次使用前請詳閱說明書，並依照步驟操作。",
        "如收到商品有破損或缺件，請於簽收後48小時內聯繫客服。", "本店商品皆由品牌方授權販售，提供統一發票。",
        "出貨時間：付款後兩個工作天內由台中倉出貨，離島地區配送時間可能較長。", "{name}的握把經過人體工學設計，手感舒適，長時間使用不易疲勞。",
    ],
    "en": [
        "This {name} is made of {material} and is built for everyday use. ", "It measures about {size} and weighs about {weight}, so it is easy to store and carry. ",
        "Made in {origin}; every piece is inspected before it ships. Please check the contents when it arrives. ",
        "Rinse with warm water before first use and avoid steel wool or abrasive pads. ",
        "Colour: {color}. Colours may look slightly different on your screen. ",
        "Returns are accepted within 7 days of delivery; return shipping is paid by the buyer. ",
        "Spend $50 and save $5 during the promotion; the offer cannot be combined with other discounts. ",
        "Store in a cool, dry place away from direct sunlight. ", "In the box: one {name}, a user guide and a warranty card. ",
        "Please read the user guide before first use and follow the steps in order. ",
        "If anything is damaged or missing, contact customer service within 48 hours of delivery. ",
        "Ships within 48 hours from our warehouse in Hangzhou; remote areas may take longer. ",
        "The handle of the {name} is shaped to sit comfortably in the hand during long use. ",
    ],
}  # fmt: skip
REVIEWS = {
    "zh-Hans": ["物流很快，包装完好，{name}和图片一致。", "用了一周，质量不错，颜色比想象中更好看。", "客服回复及时，尺寸合适，会回购。",
                "性价比可以，做工还行，就是快递稍慢。", "送给家人的，家人说很好用。", "第二次购买了，质量稳定。"],
    "zh-Hant": ["物流很快，包裝完好，{name}和圖片一致。", "用了一週，品質不錯，顏色比想像中好看。", "客服回覆很快，尺寸剛好，會回購。",
                "CP值可以，做工還行，就是寄送稍慢。", "送給家人的，家人說很好用。"],
    "en": ["Arrived quickly and well packed; the {name} looks like the photos. ", "Used it for a week, solid quality and a nice colour. ",
           "Customer service answered fast, the size is right, will buy again. ", "Good value, decent finish, delivery was a bit slow. ",
           "Bought it as a gift and they use it every day. "],
}  # fmt: skip
# Seeded ad-law wording: absolute claims, authority, medical/efficacy, guarantee.
AD_CLAIMS = {
    "zh-Hans": [("最佳", "本季最佳选择，{name}品质领先同类。"), ("顶级", "顶级工艺打造，一用就爱上。"), ("国家级", "国家级专家推荐的{name}。"),
                ("治愈", "坚持使用可治愈失眠。"), ("第一品牌", "全网销量第一品牌，买到就是赚到。")],
    "zh-Hant": [("頂級", "頂級材質，本季最佳選擇。"), ("最佳", "最佳口碑的{name}，用過都說好。"), ("治療", "可治療關節疼痛。")],
    "en": [("best", "The best {name} you will ever own. "), ("cures", "Cures dry skin in three days. "),
           ("No.1", "The No.1 {name} in the world. "), ("guaranteed", "Guaranteed results or your money back, 100% effective. ")],
}  # fmt: skip
SPEC_LABELS = {
    "zh-Hans": ("品牌", "型号", "材质", "尺寸", "重量", "颜色", "产地", "保质期", "包装", "适用人群"),
    "zh-Hant": ("品牌", "型號", "材質", "尺寸", "重量", "顏色", "產地", "保存期限", "包裝", "適用對象"),
    "en": ("Brand", "Model", "Material", "Size", "Weight", "Colour", "Origin", "Shelf life", "Packaging", "Suitable for"),
}
UI = {  # a few interface strings per language
    "zh-Hans": {"home": "首页", "cart": "购物车", "login": "登录", "search": "搜索商品", "add": "加入购物车", "buy": "立即购买",
                "desc": "商品详情", "specs": "规格参数", "reviews": "用户评价", "related": "猜你喜欢", "instock": "有货",
                "oos": "暂时缺货", "pre": "预售", "notice": "温馨提示：图片仅供参考，请以实物为准。", "promo": "双11狂欢价 满299减30",
                "title": "商城"},
    "zh-Hant": {"home": "首頁", "cart": "購物車", "login": "登入", "search": "搜尋商品", "add": "加入購物車", "buy": "立即購買",
                "desc": "商品介紹", "specs": "規格", "reviews": "顧客評價", "related": "你可能也喜歡", "instock": "現貨",
                "oos": "缺貨中", "pre": "預購", "notice": "貼心提醒：圖片僅供參考，請以實物為準。", "promo": "雙11限時優惠 滿千折百",
                "title": "購物網"},
    "en": {"home": "Home", "cart": "Cart", "login": "Sign in", "search": "Search products", "add": "Add to cart", "buy": "Buy now",
           "desc": "Description", "specs": "Specifications", "reviews": "Reviews", "related": "You may also like", "instock": "In stock",
           "oos": "Out of stock", "pre": "Pre-order", "notice": "Note: photos are for reference; the product may vary slightly.",
           "promo": "Singles' Day deal: spend $50, save $5", "title": "Shop"},
}  # fmt: skip
HELP_PAGES = [("shipping", "配送说明 Shipping"), ("returns", "退换货政策 Returns"), ("contact", "联系我们 Contact"),
              ("about", "关于我们 About"), ("privacy", "隐私政策 Privacy"), ("terms", "服务条款 Terms")]  # fmt: skip
LANG_INDEX = {"zh-Hans": 0, "zh-Hant": 1, "en": 2}

# A stylesheet every page inlines (shops inline their critical CSS): ~4 KB of boilerplate.
_CSS_RULES = [
    f".c{i}{{margin:{i % 7}px {i % 5}px;padding:{i % 3}px;color:#{(i * 2654435761) % 0xFFFFFF:06x};"
    f"font-size:{12 + i % 6}px;line-height:1.{i % 9};display:{('block', 'flex', 'grid')[i % 3]}}}"
    for i in range(48)
]
INLINE_CSS = "".join(_CSS_RULES)


def sku_of(i: int) -> str:
    return f"SC{i:06d}"


def page_path(i: int) -> str:
    return f"/p/{sku_of(i)}.html"


def image_path(k: int) -> str:
    return f"/img/p/{k % N_IMAGES + 1:02d}.png"


# ------------------------------------------------------------------ tiny real images
def tiny_png(k: int) -> bytes:
    """A valid 8x8 RGB PNG of one colour (differs per k)."""
    r, g, b = (k * 67) % 256, (k * 131) % 256, (k * 29) % 256
    raw = b"".join(b"\x00" + bytes((r, g, b)) * 8 for _ in range(8))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# ------------------------------------------------------------------ the catalogue
class Catalog:
    """Everything about product i that other pages and the exports need, derived from (seed, i)."""

    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.seed = seed
        rng = random.Random(seed)
        order = list(range(1, n + 1))
        self.defects: dict[str, set[int]] = {}
        for kind, rate in DEFECT_RATES.items():
            self.defects[kind] = set(rng.sample(order, max(1, round(n * rate))))

    def info(self, i: int) -> dict:
        rng = random.Random(self.seed * 1_000_003 + i)
        cat = (i * 7 + self.seed) % len(CATEGORIES)
        slug, *_names, nouns = CATEGORIES[cat]
        lang = LANGS[rng.randrange(3)]
        li = LANG_INDEX[lang]
        noun = nouns[rng.randrange(len(nouns))][li]
        color = COLORS[rng.randrange(len(COLORS))][li]
        brand = BRANDS[rng.randrange(len(BRANDS))]
        title = f"{brand} {noun} - {color}" if lang == "en" else f"{brand} {noun} {color}"
        currency, symbol = CURRENCY[lang]
        base = rng.choice((19, 29, 39, 49, 59, 69, 89, 99, 129, 159, 199, 299, 399, 599, 899, 1299, 2999))
        if currency == "TWD":
            base *= 4
        elif currency == "USD":
            base = max(5, base // 7)
        cents = rng.choice(("00", "00", "90", "99", "50"))
        price = f"{base}.{cents}"
        list_price = f"{round(base * rng.choice((1.2, 1.25, 1.4, 1.6)))}.00" if rng.random() < 0.6 else None
        availability = rng.choices(("InStock", "OutOfStock", "PreOrder"), (85, 10, 5))[0]
        return {
            "i": i, "sku": sku_of(i), "cat": cat, "slug": slug, "lang": lang, "li": li, "noun": noun, "color": color,
            "brand": brand, "title": title, "currency": currency, "symbol": symbol, "price": price,
            "list_price": list_price, "availability": availability, "kind": ("jsonld", "microdata", "selectors")[i % 3],
        }  # fmt: skip


# ------------------------------------------------------------------ page parts
def _nav(lang: str) -> str:
    li = LANG_INDEX[lang] + 1
    ui = UI[lang]
    out = [
        '<header class="site-header c1"><div class="topbar c2"><a href="/" class="logo">'
        f'<img src="/img/p/01.png" alt="logo" width="120" height="32"></a>'
        f'<form class="search" action="/search" method="get"><input name="q" placeholder="{ui["search"]}">'
        f'<button type="submit">{ui["search"]}</button></form>'
        f'<nav class="account-links"><a href="/account/login.html">{ui["login"]}</a> '
        f'<a href="/cart.html" class="cart-link">{ui["cart"]} (0)</a> '
        '<a href="/help/contact.html">客服 / Help</a></nav></div><nav class="mega-menu c3"><ul>'
    ]
    for slug, *names, _nouns in CATEGORIES:
        out.append(f'<li class="menu-item"><a href="/c/{slug}.html">{names[li - 1]}</a><ul class="submenu">')
        for sub, *subnames in SUBCATS:
            out.append(f'<li><a href="/c/{slug}-{sub}.html">{names[li - 1]} · {subnames[li - 1]}</a></li>')
        out.append("</ul></li>")
    out.append("</ul></nav></header>")
    return "".join(out)


def _footer(lang: str) -> str:
    links = "".join(f'<li><a href="/help/{slug}.html">{label}</a></li>' for slug, label in HELP_PAGES)
    cats = "".join(f'<li><a href="/c/{slug}.html">{names[LANG_INDEX[lang]]}</a></li>' for slug, *names, _ in CATEGORIES)
    return (
        f'<footer class="site-footer c4"><div class="cols"><ul class="help">{links}</ul><ul class="cats">{cats}</ul>'
        '<div class="company"><p>杭州示例电子商务有限公司 · 浙ICP备00000000号-1 · 客服热线 400-000-0000（9:00-21:00）</p>'
        "<p>Example Commerce Ltd. · Customer service 9:00-21:00 (UTC+8) · All prices include VAT.</p>"
        '<p class="payments"><img src="/img/p/02.png" alt="支付宝"> <img src="/img/p/03.png" alt="微信支付"> '
        '<img src="/img/p/04.png" alt="Visa"></p></div></div></footer>'
    )


_NAV_CACHE: dict[str, str] = {}
_FOOTER_CACHE: dict[str, str] = {}


def shell(lang: str, title: str, canonical: str, body: str, head_extra: str = "", tail: str = "") -> str:
    nav = _NAV_CACHE.get(lang) or _NAV_CACHE.setdefault(lang, _nav(lang))
    footer = _FOOTER_CACHE.get(lang) or _FOOTER_CACHE.setdefault(lang, _footer(lang))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)} | {UI[lang]["title"]}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="canonical" href="{canonical}">'
        '<link rel="stylesheet" href="/static/css/base.css"><link rel="stylesheet" href="/static/css/product.css">'
        '<link rel="preconnect" href="/"><link rel="icon" href="/img/p/01.png">'
        f"<style>{INLINE_CSS}</style>{head_extra}</head><body>{nav}"
        f'<main class="container c5">{body}</main>{footer}'
        '<script src="/static/js/app.js" defer></script>'
        f"<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}</script>{tail}"
        "</body></html>"
    )


def _fill(template: str, p: dict, rng: random.Random) -> str:
    li = p["li"]
    return template.format(
        name=p["noun"], material=MATERIALS[rng.randrange(len(MATERIALS))][li], color=p["color"],
        origin=ORIGINS[rng.randrange(len(ORIGINS))][li], size=f"{rng.randint(8, 40)}×{rng.randint(6, 30)}×{rng.randint(3, 25)} cm",
        weight=f"{rng.randint(1, 40) * 50} g",
    )  # fmt: skip


def _money(p: dict, amount: str) -> str:
    return f"{p['symbol']}{amount}"


def product_page(cat: Catalog, i: int) -> tuple[str, list[tuple[str, str]]]:
    """HTML of product page i and the defects seeded in it [(kind, detail)]."""
    p = cat.info(i)
    rng = random.Random(cat.seed * 7_000_003 + i)
    lang, li, ui = p["lang"], p["li"], UI[p["lang"]]
    kind = p["kind"]
    micro = kind == "microdata"
    defects: list[tuple[str, str]] = []
    target = rng.randint(30_000, 80_000)
    esc_title = escape(p["title"])

    # Gallery, with a seeded missing image.
    # Distinct image URLs on one page: a URL repeated on a JSON-LD page (gallery twice, or gallery
    # and detail) makes checker.extract._merge raise ValueError (index of a replaced Image), and the
    # page would become an error row instead of a parsed page.
    n_gallery, n_detail = rng.randint(3, 6), rng.randint(2, 4)
    picks = [image_path(k) for k in rng.sample(range(4, N_IMAGES), n_gallery + n_detail)]
    gallery, details = picks[:n_gallery], picks[n_gallery:]
    if i in cat.defects["missing_image"]:
        gallery[1] = f"/img/missing/{p['sku']}-2.jpg"
        defects.append(("missing_image", gallery[1]))

    # Description, with seeded ad-law wording.
    sentences = SENTENCES[lang]
    paragraphs = []
    for _ in range(rng.randint(3, 7)):
        paragraphs.append("".join(_fill(rng.choice(sentences), p, rng) for _ in range(rng.randint(2, 5))))
    banner = ui["promo"]
    if i in cat.defects["ad_wording"]:
        word, claim = rng.choice(AD_CLAIMS[lang])
        claim = claim.format(name=p["noun"])
        if rng.random() < 0.5:
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), claim)
            defects.append(("ad_wording", f"description: {word}"))
        else:
            banner = f"{banner} {claim}"
            defects.append(("ad_wording", f"banner: {word}"))
    description = "".join(f"<p>{escape(t)}</p>" for t in paragraphs)

    # Specs.
    labels = SPEC_LABELS[lang]
    values = [p["brand"], f"{p['sku'][2:]}-{rng.randint(1, 9)}", MATERIALS[rng.randrange(len(MATERIALS))][li],
              f"{rng.randint(8, 40)}×{rng.randint(6, 30)} cm", f"{rng.randint(1, 40) * 50} g", p["color"],
              ORIGINS[rng.randrange(len(ORIGINS))][li], f"{rng.choice((6, 12, 18, 24, 36))}个月" if li < 2 else "24 months",
              rng.choice(("盒装", "袋装", "Box", "Gift box")), rng.choice(("通用", "成人", "All ages"))]  # fmt: skip
    spec_rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in zip(labels, values, strict=True))

    # Related products, with a seeded link to a missing product.
    related = [1 + (i + rng.randrange(1, cat.n + 1)) % cat.n for _ in range(12)]
    related_paths = [page_path(r) for r in related]
    if i in cat.defects["missing_product_link"]:
        related_paths[0] = f"/p/{p['sku']}-old.html"
        defects.append(("missing_product_link", related_paths[0]))
    cards = []
    for r, path in zip(related, related_paths, strict=True):
        q = cat.info(r)
        cards.append(f'<li class="card c6"><a href="{path}"><img src="{image_path(r)}" alt="{escape(q["title"])}" loading="lazy">'
                     f'<span class="card-title">{escape(q["title"])}</span><span class="card-price">{_money(q, q["price"])}</span></a></li>')  # fmt: skip

    # Canonical: root-relative (so http here); a seeded few are https while their resources are http.
    canonical = page_path(i)
    head_extra = ""
    if i in cat.defects["insecure_resource"]:
        canonical = f"https://shop.local{page_path(i)}"
        head_extra = '<script src="http://shop.local/static/js/tracker.js"></script>'
        defects.append(("insecure_resource", "https canonical, http:// resources"))

    avail_text = {"InStock": ui["instock"], "OutOfStock": ui["oos"], "PreOrder": ui["pre"]}[p["availability"]]
    ip = (lambda name: f' itemprop="{name}"') if micro else (lambda name: "")
    price_meta = ""
    if micro:
        price_meta = (
            f'<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
            f'<meta itemprop="price" content="{p["price"]}"><meta itemprop="priceCurrency" content="{p["currency"]}">'
            f'<link itemprop="availability" href="https://schema.org/{p["availability"]}">'
            + (f'<div itemprop="priceSpecification" itemscope itemtype="https://schema.org/UnitPriceSpecification">'
               f'<meta itemprop="priceType" content="https://schema.org/ListPrice"><meta itemprop="price" content="{p["list_price"]}"></div>'
               if p["list_price"] else "")
            + "</div>"
        )  # fmt: skip
    crumbs_names = CATEGORIES[p["cat"]][1 + li]
    body = [
        f'<nav class="breadcrumb"><a href="/">{ui["home"]}</a> &gt; <a href="/c/{p["slug"]}.html">{crumbs_names}</a> &gt; '
        f"<span>{esc_title}</span></nav>",
        '<section class="product"' + (' itemscope itemtype="https://schema.org/Product"' if micro else "") + ">",
        '<div class="product-gallery">' + "".join(
            f'<img src="{src}" alt="{esc_title} {n + 1}"{ip("image")} width="800" height="800">' for n, src in enumerate(gallery)
        ) + "</div>",
        f'<div class="product-info"><h1 class="product-title"{ip("name")}>{esc_title}</h1>',
        f'<p class="product-subtitle">{escape(p["brand"])} · {escape(p["color"])}</p>',
        f'<p class="sku" data-sku="{p["sku"]}">SKU: <span{ip("sku")}>{p["sku"]}</span></p>',
        f'<p class="brand">{"品牌" if li < 2 else "Brand"}: <span{ip("brand")}>{escape(p["brand"])}</span></p>',
        f'<div class="product-price"><span class="price-current">{_money(p, p["price"])}</span>',
        f' <del class="price-original">{_money(p, p["list_price"])}</del>' if p["list_price"] else "",
        f"{price_meta}</div>",
        f'<p class="stock-status">{avail_text}</p>',
        f'<div class="promo-banner">{escape(banner)}</div>',
        f'<p class="notice">{escape(ui["notice"])}</p>',
        '<form class="buy" action="/cart/add" method="post"><select name="variant">'
        + "".join(f"<option>{escape(c[li])}</option>" for c in COLORS)
        + f'</select><input type="number" name="qty" value="1"><button>{ui["add"]}</button><button>{ui["buy"]}</button></form></div>',
        f'<section class="tabs"><h2>{ui["desc"]}</h2><div class="product-description"{ip("description")}>{description}</div>',
        '<div class="product-detail">' + "".join(f'<img src="{d}" alt="detail" loading="lazy">' for d in details) + "</div>",
        f'<h2>{ui["specs"]}</h2><table class="specs">{spec_rows}</table></section>',
        "</section>",
        f'<section class="related"><h2>{ui["related"]}</h2><ul class="cards">{"".join(cards)}</ul></section>',
    ]
    reviews = [f'<section class="reviews"><h2>{ui["reviews"]}</h2><ol>']
    body_html = "".join(body)

    jsonld = ""
    if kind == "jsonld":
        offer: dict = {"@type": "Offer", "price": p["price"], "priceCurrency": p["currency"],
                       "availability": f"https://schema.org/{p['availability']}", "url": page_path(i)}
        if p["list_price"]:
            offer["priceSpecification"] = {"@type": "UnitPriceSpecification", "priceType": "https://schema.org/ListPrice",
                                           "price": p["list_price"], "priceCurrency": p["currency"]}
        product = {"@context": "https://schema.org", "@type": "Product", "sku": p["sku"], "name": p["title"],
                   "description": paragraphs[0], "brand": {"@type": "Brand", "name": p["brand"]}, "image": gallery[:3],
                   "offers": offer,
                   "additionalProperty": [{"@type": "PropertyValue", "name": k, "value": v} for k, v in zip(labels[:4], values[:4], strict=True)]}  # fmt: skip
        crumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": ui["home"], "item": "/"},
            {"@type": "ListItem", "position": 2, "name": crumbs_names, "item": f"/c/{p['slug']}.html"}]}
        org = {"@context": "https://schema.org", "@type": "Organization", "name": "Example Commerce", "url": "/"}
        jsonld = "".join(f'<script type="application/ld+json">{json.dumps(b, ensure_ascii=False)}</script>'
                         for b in (product, crumbs, org))  # fmt: skip

    # Reviews and the hydration blob make up the size to the page's target.
    fixed = len(shell(lang, p["title"], canonical, body_html, head_extra + jsonld).encode()) + 200
    review_templates = REVIEWS[lang]
    size = fixed
    for _ in range(rng.randint(3, 40)):
        if size >= target:
            break
        text = escape(_fill(rng.choice(review_templates), p, rng))
        item = (f'<li class="review c7"><span class="author">{rng.choice("张王李赵陈林黄周吴")}**{rng.randint(1, 9)}</span>'
                f'<span class="stars" data-stars="{rng.randint(3, 5)}"></span><time>2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}</time>'
                f"<p>{text}</p></li>")  # fmt: skip
        reviews.append(item)
        size += len(item.encode())
    reviews.append("</ol></section>")
    state: dict = {"sku": p["sku"], "price": p["price"], "currency": p["currency"], "stock": p["availability"],
                   "i18n": {k: v for k, v in ui.items() if k != "title"}, "recommend": []}  # fmt: skip
    base_state = len(json.dumps(state, ensure_ascii=False).encode())
    size += base_state
    r = i
    while size < target:
        r = 1 + (r * 31 + 17) % cat.n
        q = cat.info(r)
        stub = {"sku": q["sku"], "title": q["title"], "price": q["price"], "url": page_path(r), "img": image_path(r),
                "score": round(rng.random(), 4), "tags": [q["slug"], q["lang"], q["color"]]}  # fmt: skip
        state["recommend"].append(stub)
        size += len(json.dumps(stub, ensure_ascii=False).encode()) + 1
    tail = f"<script>window.__INITIAL_STATE__={json.dumps(state, ensure_ascii=False)}</script>"
    html = shell(lang, p["title"], canonical, body_html + "".join(reviews), head_extra + jsonld, tail)
    return html, defects


def category_page(cat: Catalog, slug: str, label: str, members: list[int]) -> str:
    cards = []
    for r in members[:48]:
        q = cat.info(r)
        cards.append(f'<li class="card"><a href="{page_path(r)}"><img src="{image_path(r)}" alt="{escape(q["title"])}" loading="lazy">'
                     f'<span class="card-title">{escape(q["title"])}</span><span class="card-price">{_money(q, q["price"])}</span></a></li>')  # fmt: skip
    body = f'<h1 class="category-title">{escape(label)}</h1><ul class="cards">{"".join(cards)}</ul>'
    return shell("zh-Hans", label, f"/c/{slug}.html", body)


def simple_page(title: str, path: str, text: str) -> str:
    return shell("zh-Hans", title, path, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>")


# ------------------------------------------------------------------ writing
_WORKER_CATALOG: Catalog | None = None
_WORKER_ROOT: Path | None = None


def _init(n: int, seed: int, root: str) -> None:
    global _WORKER_CATALOG, _WORKER_ROOT
    _WORKER_CATALOG, _WORKER_ROOT = Catalog(n, seed), Path(root)


def _write_range(bounds: tuple[int, int]) -> tuple[int, list[tuple[int, str, str]]]:
    assert _WORKER_CATALOG is not None and _WORKER_ROOT is not None
    total = 0
    defects: list[tuple[int, str, str]] = []
    for i in range(*bounds):
        html, found = product_page(_WORKER_CATALOG, i)
        data = html.encode()
        (_WORKER_ROOT / "p" / f"{sku_of(i)}.html").write_bytes(data)
        total += len(data)
        defects.extend((i, kind, detail) for kind, detail in found)
    return total, defects


def _sitemap(urls: list[str]) -> str:
    body = "".join(f"<url><loc>{PLACEHOLDER}{u}</loc><lastmod>2026-11-20</lastmod></url>\n" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{body}</urlset>\n'


def write_sitemaps(site: Path, urls: list[str]) -> int:
    """sitemap.xml: a urlset, or (over 50,000 URLs) an index of sitemap-K.xml. Returns the file count."""
    if len(urls) <= SITEMAP_MAX_URLS:
        (site / "sitemap.xml").write_text(_sitemap(urls), encoding="utf-8")
        return 1
    chunks = [urls[k : k + SITEMAP_MAX_URLS] for k in range(0, len(urls), SITEMAP_MAX_URLS)]
    entries = []
    for n, chunk in enumerate(chunks, start=1):
        (site / f"sitemap-{n}.xml").write_text(_sitemap(chunk), encoding="utf-8")
        entries.append(f"<sitemap><loc>{PLACEHOLDER}/sitemap-{n}.xml</loc><lastmod>2026-11-20</lastmod></sitemap>\n")
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(entries) + "</sitemapindex>\n", encoding="utf-8")  # fmt: skip
    return len(chunks) + 1


def write_exports(cat: Catalog, exports: Path) -> dict[str, int]:
    """Inventory, price history and complaints for the same SKUs (UTF-8 with BOM, as Excel exports are)."""
    rng = random.Random(cat.seed + 1)
    exports.mkdir(parents=True, exist_ok=True)
    rows = {"inventory.csv": 0, "price_history.csv": 0, "complaints.csv": 0}
    with (exports / "inventory.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["SKU", "批次", "生产日期", "保质期", "到期日", "库存", "状态"])
        for i in range(1, cat.n + 1):
            for lot in range(rng.choice((1, 1, 2, 3))):
                made = TODAY - timedelta(days=rng.randint(10, 900))
                months = rng.choice((6, 12, 18, 24, 36))
                expiry = made + timedelta(days=months * 30)
                stock = rng.choice((0, rng.randint(1, 20), rng.randint(20, 2000)))
                status = rng.choices(("正常", "冻结", "破损", "待检"), (90, 4, 3, 3))[0]
                w.writerow([sku_of(i), f"B{made:%Y%m%d}-{lot + 1}", made.isoformat(), f"{months}个月", expiry.isoformat(), stock, status])
                rows["inventory.csv"] += 1
    with (exports / "price_history.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["SKU", "日期", "价格"])
        for i in range(1, cat.n + 1):
            price = float(cat.info(i)["price"])
            for week in range(rng.randint(4, 8), 0, -1):
                factor = rng.choice((1.0, 1.0, 1.0, 0.9, 1.1, 1.25))
                w.writerow([sku_of(i), (TODAY - timedelta(days=7 * week)).isoformat(), f"{price * factor:.2f}"])
                rows["price_history.csv"] += 1
    reasons = ["图片与实物不符", "宣传用语夸大（写着最佳效果）", "收到临期商品", "价格先涨后降", "商品破损", "描述的尺寸与实物不符",
               "商品已过期", "链接打不开 / page not found", "與描述不符", "Item not as described"]  # fmt: skip
    with (exports / "complaints.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["投诉单号", "SKU", "投诉时间", "投诉原因"])
        for n, i in enumerate(sorted(rng.sample(range(1, cat.n + 1), max(1, cat.n // 20))), start=1):
            when = TODAY - timedelta(days=rng.randint(1, 365), minutes=rng.randint(0, 1439))
            w.writerow([f"TS2026{n:07d}", sku_of(i), f"{when:%Y-%m-%d %H:%M}", rng.choice(reasons)])
            rows["complaints.csv"] += 1
    return rows


def store_dir(n: int, out: Path = OUT_DIR) -> Path:
    return out / f"store-{n}"


def cached(n: int, seed: int = DEFAULT_SEED, out: Path = OUT_DIR) -> dict | None:
    stamp = store_dir(n, out) / "_store.json"
    try:
        info = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if info.get("pages") == n and info.get("seed") == seed and info.get("version") == GENERATOR_VERSION:
        return info
    return None


def make_store(n: int, seed: int = DEFAULT_SEED, out: Path = OUT_DIR, *, force: bool = False, jobs: int | None = None,
               log=print) -> dict:
    """Generate (or reuse) the store of n product pages; returns its _store.json facts."""
    if not force:
        info = cached(n, seed, out)
        if info is not None:
            return info
    started = time.perf_counter()
    root = store_dir(n, out)
    if root.exists():
        shutil.rmtree(root)
    site = root / "site"
    for sub in ("p", "c", "help", "account", "img/p", "static/css", "static/js"):
        (site / sub).mkdir(parents=True, exist_ok=True)
    for k in range(N_IMAGES):
        (site / "img" / "p" / f"{k + 1:02d}.png").write_bytes(tiny_png(k))
    (site / "static/css/base.css").write_text(INLINE_CSS, encoding="utf-8")
    (site / "static/css/product.css").write_text(INLINE_CSS[:800], encoding="utf-8")
    (site / "static/js/app.js").write_text("document.documentElement.classList.add('js');\n", encoding="utf-8")
    (site / "robots.txt").write_text(
        f"User-agent: *\nDisallow: /cart\nDisallow: /account\nDisallow: /search\n\nSitemap: {PLACEHOLDER}/sitemap.xml\n",
        encoding="utf-8")  # fmt: skip

    cat = Catalog(n, seed)
    jobs = jobs or os.cpu_count() or 1
    step = max(50, min(2000, n // (jobs * 8) or 1))
    ranges = [(a, min(a + step, n + 1)) for a in range(1, n + 1, step)]
    total_bytes = 0
    defects: list[tuple[int, str, str]] = []
    if jobs > 1 and n >= 500:
        with Pool(jobs, initializer=_init, initargs=(n, seed, str(site))) as pool:
            for done, (nbytes, found) in enumerate(pool.imap(_write_range, ranges), start=1):
                total_bytes += nbytes
                defects.extend(found)
                if done * 10 // len(ranges) != (done - 1) * 10 // len(ranges):
                    log(f"  make_store: {min(done * step, n):,}/{n:,} pages")
    else:
        _init(n, seed, str(site))
        for bounds in ranges:
            nbytes, found = _write_range(bounds)
            total_bytes += nbytes
            defects.extend(found)

    members: dict[int, list[int]] = {}
    for i in range(1, min(n, 20_000) + 1):
        members.setdefault(cat.info(i)["cat"], []).append(i)
    other_pages = ["/"]
    (site / "index.html").write_text(category_page(cat, "", "首页 Home", [m for c in members.values() for m in c[:4]]),
                                     encoding="utf-8")  # fmt: skip
    for c, (slug, names_hans, _hant, en, _nouns) in enumerate(CATEGORIES):
        ids = members.get(c, [])
        (site / "c" / f"{slug}.html").write_text(category_page(cat, slug, f"{names_hans} {en}", ids), encoding="utf-8")
        other_pages.append(f"/c/{slug}.html")
        for s, (sub, sub_hans, _sub_hant, sub_en) in enumerate(SUBCATS):
            path = f"/c/{slug}-{sub}.html"
            (site / path.lstrip("/")).write_text(
                category_page(cat, f"{slug}-{sub}", f"{names_hans}·{sub_hans} {en} {sub_en}", ids[s::6]), encoding="utf-8")
            other_pages.append(path)
    for slug, label in HELP_PAGES:
        (site / "help" / f"{slug}.html").write_text(simple_page(label, f"/help/{slug}.html", label), encoding="utf-8")
    (site / "cart.html").write_text(simple_page("购物车 Cart", "/cart.html", "购物车是空的 / Your cart is empty"), encoding="utf-8")
    (site / "account" / "login.html").write_text(simple_page("登录 Sign in", "/account/login.html", "请登录 / Please sign in"),
                                                 encoding="utf-8")  # fmt: skip

    product_urls = [page_path(i) for i in range(1, n + 1)]
    sitemap_files = write_sitemaps(site, other_pages + product_urls)
    with (root / "_defects.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "url", "kind", "detail"])
        for i, kind, detail in sorted(defects):
            w.writerow([sku_of(i), page_path(i), kind, detail])
    export_rows = write_exports(cat, root / "exports")
    (root / "urls.txt").write_text("".join(u + "\n" for u in product_urls), encoding="utf-8")

    kinds: dict[str, int] = {}
    for _i, kind, _d in defects:
        kinds[kind] = kinds.get(kind, 0) + 1
    info = {
        "pages": n, "seed": seed, "version": GENERATOR_VERSION, "site": str(site), "exports": str(root / "exports"),
        "product_bytes": total_bytes, "mean_page_kb": round(total_bytes / n / 1024, 1), "other_pages": len(other_pages),
        "sitemap_urls": len(other_pages) + n, "sitemap_files": sitemap_files, "images": N_IMAGES, "defects": kinds,
        "export_rows": export_rows, "seconds": round(time.perf_counter() - started, 1),
    }  # fmt: skip
    (root / "_store.json").write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", "-n", type=int, default=10_000, help="product pages (default 10,000)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="folder for store-N/ (default benchmarks/out)")
    ap.add_argument("--force", action="store_true", help="regenerate even if a matching store exists")
    ap.add_argument("--jobs", type=int, default=None, help="generator processes (default: one per core)")
    args = ap.parse_args(argv)
    info = make_store(args.pages, args.seed, args.out, force=args.force, jobs=args.jobs)
    print(json.dumps(info, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
