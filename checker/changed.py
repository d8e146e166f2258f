"""``--changed-only REV``: audit only the SKUs whose export rows changed since a git revision, and their
pages, when the config and its exports live in a git repository.

The exports are read twice, as they are and as they were at REV (``git archive``), with the same
readers; a SKU is changed when its rows differ (where a row sits in the file does not count: moving
rows is not a change).  Its pages are the catalog URLs of the changed SKUs, crawled without following
links.  When the config itself, or any other file of the repository but the exports (a lexicon, a rule's
data file), changed, everything is audited: the rules may judge every SKU differently now."""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from checker.config import Config
from checker.engine.context import AuditContext
from checker.lots import LotTable


class ChangedOnlyError(ValueError):
    """REV or the repository cannot be used: a usage error before the crawl (exit 2)."""


@dataclass
class ChangedScope:
    rev: str
    everything: bool  # the config or the rules' files changed: the whole shop is audited
    why: str  # the bilingual line for the Summary and the console
    skus: set[str] = field(default_factory=set)
    pages: list[str] = field(default_factory=list)  # the changed SKUs' page URLs (start URLs of the crawl)
    unpaged: list[str] = field(default_factory=list)  # changed SKUs without a page URL in the catalog


def _git(repo: Path, *args: str) -> bytes:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout
    except FileNotFoundError as exc:
        raise ChangedOnlyError("--changed-only: 找不到 git / git is not installed") from exc
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ChangedOnlyError(f"--changed-only: git {' '.join(args[:2])}: {message[-1] if message else exc}") from exc


def _base(config: Config) -> Path:
    return (config.path.parent if config.path else Path.cwd()).resolve()


def _source_files(config: Config, base: Path) -> set[Path]:
    from checker.sources.location import expand, is_url

    files: set[Path] = set()
    for source in config.sources:
        if not is_url(source.path):
            try:
                files.update(p.resolve() for p in expand(source.path, base))
            except Exception:  # noqa: BLE001 -- a missing file is reported by the audit itself
                continue
    return files


def _rows_by_sku(ctx: AuditContext) -> dict[str, list[str]]:
    """Each SKU's rows of every export, without where they sit in the file, in a comparable form."""
    rows: dict[str, list[str]] = {}
    for kind, records in (("inventory", ctx.lots), ("catalog", ctx.catalog), ("prices", ctx.prices)):
        for r in records:
            rows.setdefault(r.sku, []).append(f"{kind}:{r.model_dump_json(exclude={'source'})}")
    for c in ctx.complaints:
        for sku in c.all_skus:
            rows.setdefault(sku, []).append(f"complaints:{c.model_dump_json(exclude={'source'})}")
    return {sku: sorted(r) for sku, r in rows.items()}


def changed_scope(config: Config, rev: str, start_urls: list[str]) -> ChangedScope:
    """What ``--changed-only REV`` audits (raises :class:`ChangedOnlyError` for a bad REV or no repository)."""
    from checker.sources import load_sources

    base = _base(config)
    top = Path(_git(base, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    changed = {(top / name).resolve() for name in _git(top, "diff", "--name-only", rev, "--").decode().splitlines()}
    sources = _source_files(config, base)
    others = sorted(str(p.relative_to(top)) for p in changed - sources if config.path is None
                    or p == config.path.resolve() or p.suffix.lower() in (".toml", ".json5", ".txt", ".yaml", ".yml"))
    if others:
        return ChangedScope(rev, True, f"配置或规则文件自 {rev} 起已更改（{', '.join(others[:3])}），审核全部 / "
                                       f"the config or rule files changed since {rev} ({', '.join(others[:3])}): "
                                       "everything audited")
    with tempfile.TemporaryDirectory(prefix="checker-changed-") as tmp:
        archive = _git(top, "archive", "--format=tar", rev)
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4+: no links or paths out of tmp
                tar.extractall(tmp, filter="data")
            else:  # pragma: no cover -- git archive of one's own repository
                tar.extractall(tmp)  # noqa: S202
        before, now = AuditContext(config=config), AuditContext(config=config)
        load_sources(config, before, Path(tmp) / base.relative_to(top))
        load_sources(config, now, base)
    old, new = _rows_by_sku(before), _rows_by_sku(now)
    skus = {sku for sku in old.keys() | new.keys() if old.get(sku) != new.get(sku)}
    urls = {item.sku: item.url for item in now.catalog if item.url}
    pages = list(dict.fromkeys(_on_origin(urls[s], start_urls) for s in sorted(skus) if s in urls)) if start_urls else []
    unpaged = sorted(s for s in skus if s not in urls) if start_urls else []
    why = (f"仅审核自 {rev} 起导出行有变化的 {len(skus)} 个 SKU 及其 {len(pages)} 个页面（按设计为部分审核）/ "
           f"partial by design: only the {len(skus)} SKUs whose export rows changed since {rev} and their "
           f"{len(pages)} pages")
    if unpaged:
        why += (f"; {len(unpaged)} 个 SKU 在后台没有页面地址，未抓取 / {len(unpaged)} without a page URL in the catalog, "
                f"not crawled ({', '.join(unpaged[:3])}{', …' if len(unpaged) > 3 else ''})")
    return ChangedScope(rev, False, why, skus, pages, unpaged)


def _on_origin(url: str, start_urls: list[str]) -> str:
    """A catalog URL on the audited origin (a catalog names the live shop; the audit may run on staging)."""
    start = urlsplit(start_urls[0])
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{start.scheme}://{start.netloc}{path}" + (f"?{parts.query}" if parts.query else "")


def restrict(ctx: AuditContext, scope: ChangedScope) -> None:
    """Keep only the changed SKUs' rows (after the sources were read)."""
    keep = scope.skus
    ctx.lots = LotTable(r for r in ctx.lots if r.sku in keep)
    ctx.catalog = [r for r in ctx.catalog if r.sku in keep]
    ctx.prices = [r for r in ctx.prices if r.sku in keep]
    ctx.complaints = [c for c in ctx.complaints if keep & set(c.all_skus)]
