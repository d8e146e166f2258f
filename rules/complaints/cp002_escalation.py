from __future__ import annotations

from checker_rules.complaints._common import complaint_view, ids_text
from pydantic import BaseModel, ConfigDict, Field

from checker.catalog import sku_key
from checker.engine import Rule, register
from checker.models import Finding, Severity

_UP = {Severity.INFO: Severity.WARNING, Severity.WARNING: Severity.ERROR, Severity.ERROR: Severity.ERROR}


class EscalationOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    window_days: int = Field(default=365, ge=1)  # complaints this far back make a finding a repeat
    count_resolved: bool = True  # a closed complaint whose cause is back is a repeat all the more


@register
class RepeatOfComplaint(Rule):
    """A problem found now is the cause of a past complaint about the same SKU: raised one level.

    What it checks:
        Runs last, after the other post rules, over every finding of the other rule families.  A finding on a SKU whose past
        complaints (received in the ``window_days`` before the audit date) have a cause that the
        finding's rule shows again is raised one severity level (info → warning → error; an error stays
        an error) and marked as a repeat: the finding's ``repeat_of`` lists the complaint ids, the
        workbook's Findings sheet shows them in its Repeat columns, and the Complaints sheet links each
        complaint to the findings it escalated.  Which rules show which cause is data (``families`` in
        ``causes.toml``): a spec mismatch (SP) on a SKU complained about for wrong size or for not as
        described, a near-expiry or expired lot (ST001-ST003) on a SKU complained about for expired goods,
        a damaged lot (ST004) after a damaged-on-arrival complaint, a price finding (PR) after a price
        dispute, ad wording (AD) after a false-advertising complaint.  Delivery, staff and refund
        complaints escalate nothing.  Closed complaints count (``count_resolved = false`` leaves them
        out): the cause is back after it was "resolved".

    Why it matters:
        A repeat of a complaint the shop already knew about is no longer an oversight: regulators and
        platforms treat it as knowing (消费者权益保护法 第五十五条); one level up puts it ahead of the
        same problem on a SKU nobody complained about.

    How to fix:
        Fix the finding as its own rule says, first; then tell customer service the cause is fixed.
    """

    code = "CP002"
    name = "complaints.repeat-escalation"
    summary = "发现的问题重犯历史投诉原因，升一级 / A finding repeats a past complaint's cause: raised one level"
    severity = Severity.WARNING
    scope = "post"
    post_order = 100  # after the other post rules (ST006 settles a scarcity claim's level first)
    Options = EscalationOptions

    def revise(self, findings: list[Finding], ctx) -> list[Finding]:
        if not ctx.complaints or not findings:
            return findings
        opts = self.options
        view = complaint_view(ctx)
        view.escalated.clear()
        causes = view.taxonomy.causes
        per_sku: dict[str, dict] = {}
        out = []
        for f in findings:
            key = sku_key(f.sku) if f.sku else ""
            if not key or f.code.startswith("CP") or key not in view.by_sku:
                out.append(f)
                continue
            past = per_sku.get(key)
            if past is None:
                past = per_sku[key] = view.product_causes(key, ctx.today, opts.window_days,
                                                          count_resolved=opts.count_resolved)
            shared = [(c, entries) for c, entries in past.items() if causes[c].covers(f.code)]
            if not shared:
                out.append(f)
                continue
            entries = sorted({e.id: e for _, es in shared for e in es}.values(), key=lambda e: e.id)
            ids = [e.id for e in entries]
            zh = "、".join(causes[c].zh for c, _ in shared)
            en = ", ".join(causes[c].en for c, _ in shared)
            raised = _UP[f.severity]
            for complaint_id in ids:  # for the complaint sheet: each complaint with what it escalated
                view.escalated.setdefault(complaint_id, []).append(f"{f.code} {f.sku} {f.severity.value}→{raised.value}")
            out.append(f.model_copy(update={
                "severity": raised,
                "escalated_by": self.code,
                "repeat_of": ids,
                "message": f"{f.message}\n重犯历史投诉（{zh}：{ids_text(entries)}）/ Repeats past complaints "
                           f"({en}: {ids_text(entries)})",
                "extra": {**f.extra, "repeat_causes": [c for c, _ in shared], "severity_before": f.severity.value},
            }))
        return out
