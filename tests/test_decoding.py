"""One decoder for pages and exports (checker.decoding): declared charsets only when the bytes agree, the
Chinese encodings settled on evidence before charset-normalizer is asked, and both sides giving the same text."""

from __future__ import annotations

import re
from pathlib import Path

import charset_normalizer
import pytest

from checker.config import Config, SourceConfig
from checker.crawl.fetch import Body
from checker.crawl.outcome import PageTask
from checker.crawl.pages import build_page
from checker.decoding import decode_file, decode_html, decode_page
from checker.models import FetchResult
from checker.sources import read_source
from checker.sources.errors import SourceError
from checker.sources.textio import decode

SIMPLIFIED = "云南普洱茶 特级熟茶"
TRADITIONAL = "凍頂烏龍茶 台灣高山茶"
GB18030_ONLY = "朱镕基题字 刘䶮纪念茶"  # 镕 is GBK, 䶮 (CJK Ext. A) is four bytes in GB18030: neither is GB2312
TEMPLATE = (
    "<!DOCTYPE html><html><head>{meta}<title>{title}</title></head>"
    "<body><h1>{title}</h1><p>{body}</p><a href=\"/p/next.html\">{more}</a></body></html>"
)


def html(title: str, body: str, meta: str = "", more: str = "下一页") -> str:
    return TEMPLATE.format(meta=meta, title=title, body=body, more=more)


GBK_PAGE = html(SIMPLIFIED, "产地：云南西双版纳，净含量357克，开汤后汤色红浓明亮。")
BIG5_PAGE = html(TRADITIONAL, "產地：台灣南投鹿谷，淨含量150克，冷泡熱泡皆宜。", more="下一頁")
GB2312_LIE = html(GB18030_ONLY, "礼盒装，净含量200克。", meta='<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
JAPANESE_PAGE = html("緑茶ティーバッグ 100個入り", "静岡県産の緑茶です。お湯を注ぐだけで簡単においしいお茶が楽しめます。",
                     more="次へ")
KOREAN_PAGE = html("녹차 티백 100개입", "제주산 녹차입니다. 뜨거운 물만 부으면 간편하게 맛있는 차를 즐길 수 있습니다.", more="다음")

# (page text, how it is encoded, Content-Type header, the charset the page is reported in)
CASES = {
    "gbk labelled utf-8": (GBK_PAGE, "gbk", "text/html; charset=utf-8", "gb18030"),
    "gbk labelled utf-8 in meta": (html(SIMPLIFIED, "特级熟茶", meta='<meta charset="utf-8">'), "gbk", None, "gb18030"),
    "gbk undeclared": (GBK_PAGE, "gbk", "text/html", "gb18030"),
    "gbk short title only": (html(SIMPLIFIED, ""), "gbk", None, "gb18030"),  # also valid Big5: everyday chars decide
    "big5 undeclared": (BIG5_PAGE, "big5", None, "cp950"),
    "big5 declared": (BIG5_PAGE, "big5", "text/html; charset=big5", "cp950"),
    "big5 labelled gbk": (BIG5_PAGE, "big5", "text/html; charset=GBK", "cp950"),
    "gbk labelled big5": (GBK_PAGE, "gbk", 'text/html; charset="big5"', "gb18030"),
    "meta gb2312, really gb18030": (GB2312_LIE, "gb18030", None, "gb18030"),
    "utf-8 with bom": (GBK_PAGE, "utf-8-sig", None, "utf-8-sig"),
    "utf-8 labelled gbk": (GBK_PAGE, "utf-8", "text/html; charset=gbk", "utf-8"),
    # Japanese and Korean shops without a declaration: GB18030 "decodes" their bytes too
    "shift_jis undeclared": (JAPANESE_PAGE, "shift_jis", None, "cp932"),
    "euc-jp undeclared": (JAPANESE_PAGE, "euc_jp", None, "euc_jp"),
    "euc-kr undeclared": (KOREAN_PAGE, "euc_kr", None, "euc_kr"),
    "shift_jis declared": (JAPANESE_PAGE, "shift_jis", "text/html; charset=Shift_JIS", "shift_jis"),
}


def test_short_chinese_is_never_taken_for_japanese_or_korean():
    """Kana and Hangul need enough of themselves to count: a few Big5 words can read as EUC-JP kana,
    and Big5 byte pairs are Hangul in cp949."""
    for text, encoding in (("醫生推薦", "cp950"), ("衛生部推薦，央視推薦，穩賺不賠", "cp950"),
                           ("炎，抗炎，殺菌，抑菌，排毒，壯陽，補腎，", "cp950"), ("再不搶就沒了，手慢無，即將售罄，馬上售罄", "cp950")):
        page = f"<p>{text}</p>"
        for decoded in (decode_page(page.encode(encoding)), decode_file(page.encode(encoding))):
            assert decoded.encoding not in ("cp932", "euc_jp", "euc_kr", "cp949"), (text, decoded.encoding)


@pytest.mark.parametrize("case", list(CASES))
def test_pages_and_exports_agree(case):
    text, encoding, content_type, charset = CASES[case]
    data = text.encode(encoding)
    page_text, page_charset = decode_html(data, content_type)
    assert page_text == text and page_charset == charset
    assert decode(data).text == text  # the same bytes as an export file: the same text


def test_utf8_page_hot_path(monkeypatch):
    def detector(*args, **kwargs):
        raise AssertionError("charset-normalizer asked about a UTF-8 page")

    monkeypatch.setattr(charset_normalizer, "from_bytes", detector)
    data = GBK_PAGE.encode()
    for content_type in ("text/html; charset=UTF-8", "text/html", None):
        decoded = decode_page(data, content_type)
        assert (decoded.text, decoded.charset) == (GBK_PAGE, "utf-8")  # exactly "utf-8": the parser takes the bytes


class Garbage:
    """What a detector release that has it wrong answers: Cyrillic for Chinese."""

    encoding = "cp1251"

    def best(self):
        return self


@pytest.mark.parametrize("answer", [Garbage(), None, "no-such-codec"], ids=["cp1251", "None", "junk"])
def test_chinese_does_not_depend_on_the_detector(monkeypatch, tmp_path: Path, answer):
    calls = []

    def detector(*args, **kwargs):
        calls.append(args)
        return answer

    monkeypatch.setattr(charset_normalizer, "from_bytes", detector)
    for case, (text, encoding, content_type, charset) in CASES.items():
        data = text.encode(encoding)
        assert decode_html(data, content_type) == (text, charset), case
        assert decode(data).text == text, case
    export = "商品编码,商品名称,可用库存\nCN-TEA-1001,西湖龙井 明前茶,12\n"
    for encoding in ("gbk", "gb18030", "utf-8"):
        assert decode(export.encode(encoding)).text == export
    tw_export = "貨號,品名,庫存\nTW-TEA-1102,凍頂烏龍茶,60\n"
    assert decode(tw_export.encode("big5")).text == tw_export
    assert calls == []  # never asked: the answer is the same for every release
    (tmp_path / "inv.csv").write_bytes(export.encode("gbk"))
    result = read_source(SourceConfig(kind="inventory", path="inv.csv"), tmp_path)
    assert result.records[0].name == "西湖龙井 明前茶" and result.understanding[0].encoding_how == "detected"


def test_a_broken_detector_loses_no_page(monkeypatch):
    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda *a, **k: None)
    data = b"<html><title>\x81\x30\x81</title><p>\xff\xfe\xfd\xfc</p></html>"  # nothing reads this
    text, charset = decode_html(data, "text/html; charset=utf-8")
    assert charset == "utf-8 (with replacements)" and text.startswith("<html><title>")
    with pytest.raises(SourceError, match="cannot tell the text encoding"):
        decode(data)


def test_declarations_that_do_not_fit_are_overruled():
    latin = "<html><body><p>Größe für die ganze Familie, garçon très élégant, 2,50 €</p></body></html>"
    assert decode_html(latin.encode("cp1252"), "text/html; charset=iso-8859-1") == (latin, "cp1252")
    # "Größe" is valid GB18030 ("Gr鲞e"), of rare characters: undeclared Western text stays Western
    assert decode_html(latin.replace(", 2,50 €", "").encode("cp1252"), None)[1] == "cp1252"
    # Chinese bytes under a Western label: runs of "accented letters" are mojibake, not French
    assert decode_html(GBK_PAGE.encode("gbk"), "text/html; charset=iso-8859-1") == (GBK_PAGE, "gb18030")
    decoded = decode_page(GBK_PAGE.encode("gbk"), "text/html; charset=utf-8")
    assert decoded.how == "detected" and decoded.notes == ["declared utf-8, but the bytes are not valid utf-8"]


def test_a_page_cut_mid_character_keeps_its_text():
    data = GBK_PAGE.encode()
    cut = data[: data.index("开汤".encode()) + 4]  # the body limit fell inside 汤
    text, charset = decode_html(cut, "text/html; charset=utf-8")
    assert charset == "utf-8 (with replacements)" and text.endswith("开\ufffd") and SIMPLIFIED in text
    gbk = GBK_PAGE.encode("gbk")
    text, charset = decode_html(gbk[: gbk.index("开汤".encode("gbk")) + 3], None)
    assert charset == "gb18030 (with replacements)" and text.endswith("开\ufffd")


def test_declared_export_encoding_is_trusted():
    data = "商品编码,库存\nA,1\n".encode("gbk")
    assert decode_file(data, "gbk").how == "declared"
    with pytest.raises(SourceError, match='it looks like gb18030 .* set encoding = "gb18030"'):
        decode(data, "utf-8")


@pytest.mark.parametrize("case", ["gbk labelled utf-8", "big5 undeclared", "utf-8 with bom", "meta gb2312, really gb18030"])
def test_crawled_page_text(case):
    text, encoding, content_type, charset = CASES[case]
    url = "http://shop.test/p/a.html"
    result = FetchResult(url=url, final_url=url, status=200, content_type="text/html")
    body = Body(text.encode(encoding), False, {"content-type": content_type} if content_type else {})
    page = build_page(PageTask(url, 0, True, None), result, body, Config())
    title, more = re.search("<title>(.*)</title>", text)[1], re.search("<a [^>]*>(.*)</a>", text)[1]
    assert page.charset == charset and page.title == title and [text for _, text in page.links] == [more]
