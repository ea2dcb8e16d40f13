"""Builders of the customer-service logs (charter Ⅲ): service monitoring, one row per monitored contact,
suggestions with the decision taken on each, the remedies of complaints about staff, the website review and
the visits to customers.

Checklist items are yes/no; a blank item is "not checked on this contact" (no transfer, nobody absent) and is
stored as NULL, never as a no: the measures count a row only on the items that were checked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.contract import Contract, KindSpec
from metrics.contract.kinds import builds
from metrics.intake.canonical import Built, MappedTable, UploadOptions, _dates, _enum, _text
from metrics.intake.findings import IssueLog
from metrics.intake.values import clean_text, normalise_key, parse_numbers
from metrics.intake.yes_no import read_yes_no


def yes_no_items(t: MappedTable, log: IssueLog, roles: tuple[str, ...]) -> dict[str, pd.Series]:
    """Each yes/no role as nullable booleans (blank stays NA); a cell that is neither yes nor no holds the row."""
    out = {}
    for role in roles:
        header, raw = t.raw(role)
        if raw is None:
            out[role] = pd.Series(pd.NA, index=t.frame.index, dtype="boolean")
            continue
        parsed = read_yes_no(raw, log, header or "")
        out[role] = parsed.values.astype("boolean")
    return out


@builds("monitoring")
def build_monitoring(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Monitored contacts: a date and a channel (전화/방문), the checklist items, the minutes the visitor waited."""
    log = IssueLog(t.sheet, t.excel_rows)
    monitored = _dates(t, log, "monitored", required=True)
    channel = _enum(t, log, contract, "channel", "channel", None)
    items = yes_no_items(t, log, kind.roles_of("yesno"))  # the checklist items the contract declares
    header, raw = t.raw("wait_minutes")
    wait = pd.Series(np.nan, index=t.frame.index, dtype="float64")
    if raw is not None:
        parsed = parse_numbers(raw)
        log.flag(parsed.bad, header or "", raw, "bad_number")
        log.flag((parsed.values < 0).fillna(False).to_numpy(dtype=bool), header or "", raw, "negative")
        wait = parsed.values
    rows = pd.DataFrame(
        {
            "monitored": monitored,
            "channel": channel,
            "department": _text(t, "department"),
            "ref": _text(t, "ref"),
            **items,
            "wait_minutes": wait,
            "year": monitored.dt.year.astype("Int64"),
            "excel_row": t.excel_rows,
        }
    )
    return Built(rows, log)


REFLECTED = {"adopted": True, "partly": True, "rejected": False}  # 검토 중 (pending) or blank: not yet decided


@builds("suggestions")
def build_suggestions(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Suggestions: received, channel, summary, the decision (blank: still under review) and its date."""
    log = IssueLog(t.sheet, t.excel_rows)
    received = _dates(t, log, "received", required=True)
    via = _enum(t, log, contract, "via", "via", None)
    decision = _optional_enum(t, log, contract, "decision", "decision")
    decided_on = _dates(t, log, "decided_on")
    h, raw = t.raw("decided_on")
    log.flag((decided_on < received).fillna(False).to_numpy(dtype=bool), h or "", raw, "completed_before_received")
    rows = pd.DataFrame(
        {
            "received": received,
            "via": via,
            "ref": _text(t, "ref"),
            "summary": _text(t, "summary"),
            "decision": decision.fillna("pending"),
            "decided_on": decided_on,
            "reflected": decision.map(REFLECTED).astype("boolean"),
            "year": received.dt.year.astype("Int64"),
            "excel_row": t.excel_rows,
        }
    )
    return Built(rows, log)


def _optional_enum(t: MappedTable, log: IssueLog, contract: Contract, role: str, enum: str) -> pd.Series:
    """An enum column that may be blank (NA); a label the enum does not know holds the row."""
    header, raw = t.raw(role)
    if raw is None:
        return pd.Series(pd.NA, index=t.frame.index, dtype="str")
    labels = contract.enums[enum]
    lookup = {normalise_key(key): key for key in labels}
    lookup.update({normalise_key(label): key for key, names in labels.items() for label in names})
    text = clean_text(raw)
    keys = text.map(lambda v: lookup.get(normalise_key(v)) if isinstance(v, str) else None).astype("str")
    log.flag(text.notna() & keys.isna(), header or "", raw, "unknown_type", ", ".join(n[0] for n in labels.values()))
    return keys


@builds("remedies")
def build_remedies(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Remedies: the complaint, whether an apology was made and the cause found, the action, the staff training."""
    log = IssueLog(t.sheet, t.excel_rows)
    ref = _text(t, "ref", log, required=True)
    received = _dates(t, log, "received", required=True)
    items = yes_no_items(t, log, kind.roles_of("yesno"))  # apology, cause_found, compensation_due
    action = _text(t, "action")
    compensation = _text(t, "compensation")
    training_on = _dates(t, log, "training_on", optional=True)  # the remedy counts without it
    h, raw = t.raw("training_on")
    log.note((training_on < received).fillna(False).to_numpy(dtype=bool), h or "", raw, "completed_before_received")
    rows = pd.DataFrame(
        {
            "ref": ref,
            "received": received,
            **items,
            "action": action,
            "compensation": compensation,
            # No action written down is a remedy not (yet) made: a no, never "not checked".
            "action_taken": action.notna().astype("boolean"),
            "training_on": training_on,
            "compensated": compensated(items["compensation_due"], compensation),
            "year": received.dt.year.astype("Int64"),
            "excel_row": t.excel_rows,
        }
    )
    return Built(rows, log)


def compensated(due: pd.Series, compensation: pd.Series) -> pd.Series:
    """Whether compensation was given where it was due: due (보상 대상 yes) and written down, or due and not (a no);
    blank where it was not due. A compensation written down without a 보상 대상 answer was due and given; neither
    written nor answered says nothing (blank)."""
    written = compensation.notna()
    out = pd.Series(pd.NA, index=due.index, dtype="boolean")
    out[(due == True).fillna(False).to_numpy(dtype=bool)] = False  # noqa: E712  # a nullable boolean compared
    out[(written & (due != False).fillna(True)).to_numpy(dtype=bool)] = True  # noqa: E712
    return out


@builds("website_review")
def build_website_review(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Website review: each page reviewed, when it was last updated, and whether it was found up to date."""
    log = IssueLog(t.sheet, t.excel_rows)
    reviewed_on = _dates(t, log, "reviewed_on", required=True)
    last_updated = _dates(t, log, "last_updated", optional=True)
    items = yes_no_items(t, log, kind.roles_of("yesno"))  # up_to_date
    h, raw = t.raw("up_to_date")
    log.flag(items["up_to_date"].isna().to_numpy(dtype=bool), h or "", raw, "missing_required")
    rows = pd.DataFrame(
        {
            "page": _text(t, "page", log, required=True),
            "last_updated": last_updated,
            "reviewed_on": reviewed_on,
            **items,
            # How old the page was when reviewed (a page updated after the review: 0 or less, never stale).
            "days_since_update": (reviewed_on - last_updated).dt.days.astype("float64"),
            "year": reviewed_on.dt.year.astype("Int64"),
            "excel_row": t.excel_rows,
        }
    )
    return Built(rows, log)


@builds("customer_visits")
def build_customer_visits(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Visits to customers: called ahead, results explained, business card given (blank: not recorded)."""
    log = IssueLog(t.sheet, t.excel_rows)
    visited = _dates(t, log, "visited", required=True)
    rows = pd.DataFrame(
        {
            "visited": visited,
            "customer": _text(t, "customer"),
            "purpose": _text(t, "purpose"),
            **yes_no_items(t, log, kind.roles_of("yesno")),  # called_ahead, results_explained, card_given
            "year": visited.dt.year.astype("Int64"),
            "excel_row": t.excel_rows,
        }
    )
    return Built(rows, log)
