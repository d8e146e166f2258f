"""``--baseline PREVIOUS.json|xlsx``: the previous run's findings by fingerprint, and what a manager
wrote on them (Status, Owner, Note), so a re-run says New / Still open / Fixed and keeps decisions.

Fingerprints are numbered per run (``…-2`` for a second identical finding), so a third identical
problem is new while the first two are still open."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from checker.messages import STATUSES

FINGERPRINT, STATUS, OWNER, NOTE = "指纹 Fingerprint", "状态 Status", "负责人 Owner", "备注 Note"


class BaselineError(ValueError):
    """The baseline cannot be read: a usage error before the crawl (exit 2)."""


@dataclass(frozen=True)
class Previous:
    fingerprint: str
    status: str = STATUSES[0]
    owner: str = ""
    note: str = ""
    severity: str = ""
    code: str = ""
    sku: str = ""
    url: str = ""
    message: str = ""


@dataclass
class Baseline:
    path: Path
    previous: dict[str, Previous] = field(default_factory=dict)

    def fixed(self, fingerprints: set[str]) -> list[Previous]:
        """The previous findings this run did not raise again (SARIF ``absent``)."""
        return [p for fp, p in self.previous.items() if fp not in fingerprints]


def _status(value) -> str:
    """A status as written (a manager may type ``Accepted`` or ``已接受``): the canonical one."""
    text = str(value or "").strip()
    for status in STATUSES:
        if text and (text == status or text.lower() in status.lower().split()):
            return status
    return text or STATUSES[0]


def _text(value) -> str:
    return "" if value is None else str(value)


def read_baseline(path: Path) -> Baseline:
    path = Path(path)
    if not path.is_file():
        raise BaselineError(f"基线文件不存在 / baseline not found: {path}")
    try:
        previous = _read_json(path) if path.suffix.lower() == ".json" else _read_workbook(path)
    except BaselineError:
        raise
    except Exception as exc:  # noqa: BLE001 -- any unreadable file is one clear line
        raise BaselineError(f"无法读取基线 / cannot read baseline {path}: {type(exc).__name__}: {exc}") from exc
    return Baseline(path, {p.fingerprint: p for p in previous})


def _read_json(path: Path) -> list[Previous]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"无法读取基线 / cannot read baseline {path}: not a store-checker JSON report "
                            "(no findings list)")
    return [Previous(f["fingerprint"], _status(f.get("status")), _text(f.get("owner")), _text(f.get("note")),
                     _text(f.get("severity")), _text(f.get("code")), _text(f.get("sku")), _text(f.get("url")),
                     _text(f.get("message")))
            for f in data["findings"] if isinstance(f, dict) and f.get("fingerprint")]


def _read_workbook(path: Path) -> list[Previous]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        out = []
        sheets = [name for name in book.sheetnames if name == "Findings" or name.startswith("Findings (")]
        if not sheets:
            raise BaselineError(f"无法读取基线 / cannot read baseline {path}: no Findings sheet")
        for name in sheets:
            rows = book[name].iter_rows(values_only=True)
            header = [_text(h) for h in next(rows, ())]
            if FINGERPRINT not in header:
                raise BaselineError(f"无法读取基线 / cannot read baseline {path}: sheet {name} has no "
                                    f"{FINGERPRINT} column")
            col = {h: i for i, h in enumerate(header)}

            def get(row, name, col=col):
                i = col.get(name)
                return _text(row[i]) if i is not None and i < len(row) else ""

            for row in rows:
                fp = get(row, FINGERPRINT)
                if fp:
                    out.append(Previous(fp, _status(get(row, STATUS)), get(row, OWNER), get(row, NOTE),
                                        get(row, "严重程度 Severity").split(" ")[-1], get(row, "代码 Code"),
                                        get(row, "SKU"), get(row, "链接 URL"), get(row, "问题 Message")))
        return out
    finally:
        book.close()
