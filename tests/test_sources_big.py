"""Big exports (issue 21): a big CSV is decoded a chunk at a time and reads exactly as when read whole;
``checker inspect`` keeps only the rows it shows; read records share what they can.

The thresholds are lowered here so that files of a few hundred KB take the big-file path, with chunks
that cut GBK characters and UTF-16 units in two.  Memory and time are measured by
benchmarks/bench_big_exports.py, not here.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.config import SourceConfig
from checker.sources import read_source, textio
from checker.sources.cli import inspect_command
from checker.sources.reader import read

HEADER = "商品编码,商品名称,批次,仓库,可用库存,库存状态,生产日期,保质期,到期日\n"
WAREHOUSES = ["华东仓", "华南仓", "华北仓"]


def rows(n: int) -> list[str]:
    return [
        f"CN-{i % 50:04d},西湖龙井 明前茶{i % 7},L{i:06d},{WAREHOUSES[i % 3]},{(i * 37) % 900},正常,"
        f"2026/{i % 12 + 1}/{i % 27 + 1},18个月,\n"
        for i in range(n)
    ]


def export(lines: list[str]) -> str:
    return "库存导出 2026-11-20\n" + HEADER + "".join(lines)


@pytest.fixture
def big(monkeypatch):
    """Every file above 0 bytes is big; a 2 KB prefix; 1,001-byte chunks (they cut characters in two)."""

    def use(on: bool) -> None:
        monkeypatch.setattr(textio, "STREAM_ABOVE", 0 if on else 1 << 40)
        monkeypatch.setattr(textio, "PREFIX_BYTES", 2048)
        monkeypatch.setattr(textio, "CHUNK_BYTES", 1001)

    return use


def read_file(path: Path, **options):
    return read_source(SourceConfig(kind="inventory", path=str(path), **options), path.parent)


def summary(result) -> tuple:
    u = result.understanding[0]
    facts = (u.format, u.encoding, u.encoding_how, u.delimiter, u.header_row, u.rows_read, u.rows_ok, u.rows_error)
    return (
        facts,
        [r.model_dump() for r in result.records],
        [(e.location, e.reason) for e in result.errors],
        sorted((w.location, w.reason) for w in result.warnings),
    )


def never_whole(monkeypatch, path: Path) -> None:
    """Reading the whole file at once fails the test: a big file is read a chunk at a time."""
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        assert self != path, "the whole file was read into memory"
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig", "big5", "utf-16"])
def test_big_csv_reads_as_when_read_whole(tmp_path, monkeypatch, big, encoding):
    text = export(rows(3000))
    if encoding == "big5":
        text = text.translate(str.maketrans("库导编码称态状产质龙个华东仓", "庫導編碼稱態狀產質龍個華東倉"))
    path = tmp_path / "inventory.csv"
    path.write_bytes(text.encode(encoding))
    big(False)
    whole = summary(read_file(path))
    big(True)
    never_whole(monkeypatch, path)
    streamed = summary(read_file(path))
    assert whole[0][5:] == (3000, 3000, 0)
    assert streamed == whole


def test_damage_past_the_prefix_is_a_row_error(tmp_path, monkeypatch, big):
    lines = rows(3000)
    data = export(lines).encode("gbk")
    bad_at = data.index(b"L002500")  # row 2503 (title and header above the 3,000 data rows)
    data = data[:bad_at] + b"\xff" + data[bad_at:]
    path = tmp_path / "inventory.csv"
    path.write_bytes(data)
    big(False)
    whole = read_file(path)
    big(True)
    never_whole(monkeypatch, path)
    result = read_file(path)
    assert [(e.location, e.reason) for e in result.errors] == [
        ("row 2503", "line holds bytes that are not valid gb18030 (GBK compatible)")
    ]
    assert result.understanding[0].rows_ok == 2999
    assert summary(result)[1:3] == summary(whole)[1:3]  # as when read whole


def test_unclosed_quote_past_the_prefix(tmp_path, big):
    lines = rows(3000)
    lines[2000] = lines[2000].replace("西湖龙井", '"西湖龙井')
    path = tmp_path / "inventory.csv"
    path.write_bytes(export(lines).encode("gbk"))
    big(False)
    whole = read_file(path)
    big(True)
    streamed = read_file(path)
    assert "unbalanced quote: the record starting at line 2003" in streamed.errors[-1].reason
    assert summary(streamed) == summary(whole)


def test_nul_bytes_and_classic_mac_line_ends(tmp_path, big):
    text = export(rows(500)).replace("\n", "\r").replace("L000400", "L000\x00400")
    path = tmp_path / "inventory.csv"
    path.write_bytes(text.encode("gbk"))
    big(True)
    result = read_file(path)
    assert result.understanding[0].rows_ok == 500
    assert result.records[400].lot == "L000400"
    assert any("NUL characters removed" in w.reason for w in result.warnings)


def test_declared_encoding_that_does_not_fit_the_prefix(tmp_path, big):
    path = tmp_path / "inventory.csv"
    path.write_bytes(export(rows(300)).encode("gbk"))
    big(True)
    result = read_file(path, encoding="utf-8")
    assert result.failed and "file is not valid utf-8 (encoding set in config)" in result.errors[0].reason


def test_utf16_prefix_never_ends_inside_a_surrogate_pair(tmp_path, monkeypatch):
    text = "商品编码,商品名称\n" + "A1,𠮷野家\n" * 400  # 𠮷 is a surrogate pair in UTF-16
    path = tmp_path / "inventory.csv"
    path.write_bytes(text.encode("utf-16-le").join([codecs.BOM_UTF16_LE, b""]))
    for size in range(2040, 2060, 2):
        monkeypatch.setattr(textio, "PREFIX_BYTES", size)
        prefix = textio.read_prefix(path)
        assert len(prefix) % 2 == 0
        prefix.decode("utf-16")  # no half pair at the end


def test_inspect_keeps_only_the_rows_it_shows(tmp_path):
    path = tmp_path / "inventory.csv"
    path.write_bytes(export(rows(2000)).encode("gbk"))
    cfg = SourceConfig(kind="inventory", path=str(path))
    result = read(cfg, tmp_path, None, sample=3, keep=False)
    u = result.understanding[0]
    assert (u.rows_read, u.rows_ok, len(result.records)) == (2000, 2000, 3)
    assert [r.lot for r in u.first_records] == ["L000000", "L000001", "L000002"]
    assert len(read(cfg, tmp_path, None, sample=3).records) == 2000  # the audit keeps them all
    out = CliRunner().invoke(inspect_command, [str(path), "--rows", "2"])
    assert out.exit_code == 0, out.output
    assert "rows:        read 2000, ok 2000, errors 0" in out.output and "first 2 parsed row(s):" in out.output


def test_records_of_a_table_share_their_field_sets(tmp_path):
    """Each pydantic model's own set of given fields was ~40 % of a read record (issue 21): the records
    of a table share one per distinct field list, and still say which fields were given."""
    lines = rows(10)
    lines[3] = lines[3].replace(",正常,", ",,")  # no status
    path = tmp_path / "inventory.csv"
    path.write_bytes(export(lines).encode("gbk"))
    records = read_file(path).records
    assert records[0].model_fields_set is records[9].model_fields_set
    assert "status" not in records[3].model_fields_set and "status" in records[0].model_fields_set
    assert records[0].source.model_fields_set is records[9].source.model_fields_set
    assert records[0].source.model_fields_set == {"file", "sheet", "row"}
    assert records[0].model_dump(exclude_unset=True)["warehouse"] == "华东仓"


@pytest.mark.parametrize("keep", [True, False], ids=["audit-table", "inspect-models"])
def test_a_trusted_lot_is_the_validated_lot(tmp_path, keep):
    """Lots are built without validation: an audit's go into a LotTable's columns and come back as its models
    (``Lot.model()``), ``checker inspect``'s are checker.trusted.trusted_lot.  Each must hold what a validated lot
    holds, compare equal, dump and copy alike; a pydantic release that changes what an instance holds fails here."""
    from checker.config import SourceConfig
    from checker.models import InventoryLot
    from checker.sources.reader import read

    lines = rows(6)
    lines[2] = lines[2].replace(",正常,", ",,").replace(",18个月,", ",540,")
    path = tmp_path / "inventory.csv"
    path.write_bytes(export(lines).encode("gbk"))
    result = read(SourceConfig(kind="inventory", path=str(path)), tmp_path, "inventory", sample=6, keep=keep)
    records = [r.model() for r in result.records] if keep else result.records
    assert len(records) == 6
    for rec in records:
        checked = InventoryLot.model_validate(rec.model_dump(exclude_unset=True))
        assert rec == checked and rec.model_dump() == checked.model_dump()
        assert rec.model_fields_set == checked.model_fields_set
        assert rec.source.model_fields_set == checked.source.model_fields_set
        assert rec.model_dump_json() == checked.model_dump_json()
        copied = rec.model_copy(update={"quantity": 1})
        assert copied.quantity == 1 and rec.quantity != 1


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_an_ascii_prefix_does_not_decide_the_encoding(tmp_path, monkeypatch, big, encoding):
    """The first rows of an export may be ASCII only (codes, numbers, English names): the encoding is told
    from the first bytes that are not, as when the whole file is read."""
    name = "熟茶"
    lines = [f"CN-{i % 50:04d},{name if i >= 2500 else 'Tea'} {i},L{i:06d},WH1,5,ok,2026/1/1,18 months,\n" for i in range(3000)]
    header = "SKU,name,lot,warehouse,quantity,status,production date,shelf life,expiry date\n"
    path = tmp_path / "inventory.csv"
    path.write_bytes((header + "".join(lines)).encode(encoding))
    big(False)
    whole = summary(read_file(path))
    big(True)
    never_whole(monkeypatch, path)
    result = read_file(path)
    streamed = summary(result)
    assert streamed[1:3] == whole[1:3] and streamed[0][1:] == whole[0][1:]
    assert not streamed[2] and streamed[1][2999]["name"] == f"{name} 2999"
    assert result.understanding[0].encoding_how == "detected"
