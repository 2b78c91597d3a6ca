"""签回: the signed copy of a record's form comes back and is filed against the record.

The paper a resident signs — the 派工单 after the repair, the 投诉处理单 after the answer,
the 借用单 when the item goes out — is scanned or photographed and filed here, matched by
the QR code printed on it (``desk.services.io.scans``); or the resident signs on the
screen at the desk (``sign_on_screen``), which counts as signed too. Copies live in the
database (``desk.models.SignedCopy``), are audited on the record's history (``签回``) and
are voided with a reason, never deleted.

Which forms must come back is the setting ``forms.signed_back`` (派工单、投诉处理单 by
default). A record is 未签回 when its form must come back at the stage it has reached, it
was printed or exported (the form was handed out: ``services.io.form_prints`` logged it)
and no live copy is filed: ``unsigned_sql`` is that rule, ``recheck`` applies it to a
record after every print, state change, filing and void, and keeps the small table
``signedwait`` that the lists and the handover read (``waiting_sql``).

Reading and decoding a file is slow (a phone photo: a second): ``read_scan`` does it
outside the write transaction, on any thread; ``file_scan`` then only checks and stores.

    scan = signed_copies.read_scan(path.read_bytes(), path.name)
    with writing(engine) as ctx:
        signed_copies.file_scan(ctx, scan)            # by the QR code in the scan
        signed_copies.file_scan(ctx, scan, "PG-20261206-003")  # no readable QR: asked
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from desk.models import MODELS, AuditEvent, SignedCopy, Staff
from desk.models.db import driver
from desk.models.enums import (
    AuditAction,
    ComplaintState,
    LoanState,
    SignedWay,
    WorkOrderState,
)
from desk.models.errors import NotFoundError, PermissionDenied, ValidationError
from desk.models.signature import Strokes
from desk.models.validation import clean_text
from desk.reports.form_data import Signature
from desk.reports.signature_image import signature_png
from desk.services.core import audit, numbering, permissions, settings
from desk.services.core.context import Ctx
from desk.services.io import scans
from desk.services.records import void_rules

SETTING = "forms.signed_back"
# the record kinds whose form comes back signed → the form's name in the setting
FORMS: dict[str, str] = dict(
    zip(("workorder", "complaint", "loan"), settings.SIGNED_FORMS, strict=True)
)
# from which states on the signed form is due: the 派工单 once the repair is done, the
# 投诉处理单 once the resident has the answer, the 借用单 from the moment it is lent
STAGES: dict[str, frozenset[str]] = {
    "workorder": frozenset({WorkOrderState.COMPLETED, WorkOrderState.CALLED_BACK}),
    "complaint": frozenset({ComplaintState.ANSWERED, ComplaintState.CALLED_BACK}),
    "loan": frozenset({LoanState.OUT, LoanState.RETURNED}),
}
STAGE_WORDS = {"workorder": "完成后", "complaint": "答复后", "loan": "借出时"}  # the 设置 hint
# who signs the form's box a screen signature goes into (form_layout's 业主签字 …)
SIGNERS = {"workorder": "业主", "complaint": "业主", "loan": "借用人"}
# when the signed form fell due: the handover carries what fell due in the last CARRY_DAYS
# (a week of chasing on every duty record; older ones wait in the lists' 未签回 scope)
DUE_FROM = {"workorder": "completed_at", "complaint": "replied_at", "loan": "created_at"}
CARRY_DAYS = 7
FIELD = "signed_copy"  # the audit rows on the record; the history calls it LABEL
LABEL = "签回"
SCAN_LABEL = "签字件"
SCREEN_NAME = "屏幕签名.png"


class SerialMismatch(ValidationError):
    """The scan's QR code names another record than the one it is filed against."""

    def __init__(self, wanted: str, found: tuple[str, ...]) -> None:
        names = "、".join(found)
        super().__init__(
            "scan",
            SCAN_LABEL,
            f"扫描件上的二维码是 {names}，不是 {wanted}：请确认拿的是这张单的签字件",
        )
        self.wanted = wanted
        self.found = found


class NoSerialFound(ValidationError):
    """No QR code of this desk's forms could be read: the person is asked for the serial."""

    def __init__(self) -> None:
        super().__init__(
            "scan",
            SCAN_LABEL,
            "扫描件里没有识别到表单的二维码（可能拍得太斜、太暗或二维码被盖住）；"
            "请输入表单右上角的单号",
        )


@dataclass(frozen=True)
class Scan:
    """A scanned or photographed signed paper, read and decoded, ready to be filed."""

    filename: str
    data: bytes  # as it is stored (scans.for_storage)
    mime: str
    serials: tuple[str, ...]  # the serials of this desk found in its QR codes, in order


@dataclass(frozen=True)
class CopyInfo:
    """One filed copy without its bytes."""

    id: int
    way: SignedWay
    filename: str
    mime: str
    size: int
    filed_at: datetime
    staff: str  # who was on duty when it was filed
    signer: str
    voided_at: datetime | None
    void_reason: str

    @property
    def words(self) -> str:
        by = f" {self.staff}" if self.staff else ""
        return f"{self.way.value}，{self.filed_at:%Y-%m-%d %H:%M}{by}"


@dataclass(frozen=True)
class SignedStatus:
    """Where a record's signed form stands, as its detail shows it."""

    form: str  # 派工单 …
    required: bool  # the office wants it back, and the record has reached that stage
    printed: bool  # its form was printed or exported
    copies: tuple[CopyInfo, ...]  # live ones first, newest first

    @property
    def live(self) -> tuple[CopyInfo, ...]:
        return tuple(c for c in self.copies if c.voided_at is None)

    @property
    def signed(self) -> bool:
        return bool(self.live)

    @property
    def unsigned(self) -> bool:
        """未签回: due back, handed out, not back."""
        return self.required and self.printed and not self.signed

    @property
    def words(self) -> str:
        """已签回（扫描件，2026-12-06 14:03 张三）, 未签回, 须签回（表单还未打印） or nothing."""
        if self.signed:
            return f"已签回（{self.live[0].words}）"
        if self.unsigned:
            return "未签回"
        if self.required:
            return "须签回（表单还未打印）"
        return ""


# --- the setting -------------------------------------------------------------------------


def required_kinds(session: Session) -> frozenset[str]:
    """The kinds whose form the office wants back signed (the setting, by form name)."""
    wanted = set(settings.get(session, SETTING) or [])
    return frozenset(kind for kind, form in FORMS.items() if form in wanted)


def unsigned_sql(kind: str) -> str:
    """The 未签回 rule on ``kind``'s row ``r``, in SQL: at its stage, its form printed or
    exported, no live copy. It decides one record at a time (``recheck``), which keeps the
    ``signedwait`` table that the lists and the handover read (``waiting_sql``)."""
    stages = ", ".join(f"'{s}'" for s in sorted(STAGES[kind]))
    outputs = ", ".join(f"'{a.value}'" for a in audit.OUTPUTS)
    return (
        f"r.state IN ({stages}) "
        f"AND EXISTS (SELECT 1 FROM auditevent a WHERE a.entity = '{kind}' "
        f"AND a.entity_id = r.id AND a.action IN ({outputs})) "
        f"AND NOT EXISTS (SELECT 1 FROM signedcopy s WHERE s.kind = '{kind}' "
        "AND s.record_id = r.id AND s.voided_at IS NULL)"
    )


def waiting_sql(kind: str) -> str:
    """The 未签回 test on ``kind``'s row ``r`` as the lists and the handover run it: the
    record is in ``signedwait``. The caller knows the kind is required (``required_kinds``)."""
    return f"r.id IN (SELECT w.record_id FROM signedwait w WHERE w.kind = '{kind}')"


def recheck(ctx: Ctx, record: Any) -> None:
    """Whether ``record`` waits for its signed form now (``unsigned_sql``), written to
    ``signedwait`` — after whatever could change it: a print, a move of its state, a copy
    filed or voided, a void. A record whose form never comes back is left alone."""
    kind = str(getattr(record, "__tablename__", ""))
    if kind not in FORMS or record.id is None:
        return
    con = driver(ctx.session)
    waits = False
    if record.state in STAGES[kind]:  # elsewhere (派工, 开始处理 …) it cannot wait: no read
        ctx.session.flush()  # the state just set, before SQL reads the row
        sql = f"SELECT 1 FROM {kind} r WHERE r.id = ? AND {unsigned_sql(kind)}"
        waits = con.execute(sql, (record.id,)).fetchone() is not None
    if waits:
        con.execute(
            "INSERT OR IGNORE INTO signedwait (kind, record_id) VALUES (?, ?)", (kind, record.id)
        )
    else:
        con.execute("DELETE FROM signedwait WHERE kind = ? AND record_id = ?", (kind, record.id))


# --- reading ------------------------------------------------------------------------------


def read_scan(data: bytes, filename: str) -> Scan:
    """The file as it will be stored, with the serials its QR codes carry. Slow (decoding);
    no database: run it before the write. ValidationError for what is no scan."""
    mime = scans.media_type(data, filename)
    serials: list[str] = []
    for text in scans.serials_in(data):
        serial = numbering.normalise(text)
        parsed = numbering.parse(serial) if len(serial) <= numbering.MAX_LEN else None
        if parsed is not None and parsed.text not in serials:
            serials.append(parsed.text)
    stored, stored_mime = scans.for_storage(data, mime)
    name = Path(filename.replace("\\", "/")).name or "扫描件"
    return Scan(name, stored, stored_mime, tuple(serials))


def status(session: Session, kind: str, record_id: int) -> SignedStatus | None:
    """The record's signed form; None for a kind whose form never comes back."""
    if kind not in FORMS:
        return None
    record = session.get(MODELS[kind], record_id)
    if record is None:
        raise NotFoundError(f"找不到这条记录（编号 {record_id}）。")
    names = dict(session.exec(select(Staff.id, Staff.name)).all())
    return status_of(session, record, names, _printed(session, kind, record_id))


def status_of(
    session: Session, record: Any, names: dict[Any, str], printed: bool
) -> SignedStatus | None:
    """``status`` of a record already read, with the staff's names and whether its form
    was printed (the detail has read its history): only the copies are read — without
    their bytes, up to 20 MB each."""
    kind = str(record.__tablename__)
    if kind not in FORMS:
        return None
    rows = session.exec(
        select(SignedCopy)
        .options(defer(SignedCopy.data))  # type: ignore[arg-type]
        .where(SignedCopy.kind == kind, SignedCopy.record_id == record.id)
        .order_by(col(SignedCopy.id).desc())
    ).all()
    copies = sorted(
        (_info(row, names) for row in rows), key=lambda c: c.voided_at is not None
    )  # stable: live ones first, each group newest first
    return SignedStatus(
        FORMS[kind],
        kind in required_kinds(session) and record.state in STAGES[kind],
        printed,
        tuple(copies),
    )


def _printed(session: Session, kind: str, record_id: int) -> bool:
    return (
        session.exec(
            select(col(AuditEvent.id)).where(
                AuditEvent.entity == kind,
                AuditEvent.entity_id == record_id,
                col(AuditEvent.action).in_(audit.OUTPUTS),
            )
        ).first()
        is not None
    )


def _info(row: SignedCopy, names: dict[Any, str]) -> CopyInfo:
    return CopyInfo(
        id=row.id or 0,
        way=row.way,
        filename=row.filename,
        mime=row.mime,
        size=row.size,
        filed_at=row.filed_at,
        staff=names.get(row.staff_id, "") if row.staff_id is not None else "",
        signer=row.signer,
        voided_at=row.voided_at,
        void_reason=row.void_reason,
    )


def copy(ctx: Ctx, copy_id: int) -> SignedCopy:
    """One copy with its bytes."""
    row = ctx.session.get(SignedCopy, copy_id)
    if row is None:
        raise NotFoundError(f"找不到这份签字件（编号 {copy_id}）。")
    return row


def screen_signature(session: Session, kind: str, record_id: int) -> Signature | None:
    """The newest live screen signature of the record, for its printed form."""
    row = session.exec(
        select(SignedCopy.strokes, SignedCopy.filed_at, SignedCopy.signer)
        .where(
            SignedCopy.kind == kind,
            SignedCopy.record_id == record_id,
            SignedCopy.way == SignedWay.SCREEN,
            col(SignedCopy.voided_at).is_(None),
        )
        .order_by(col(SignedCopy.id).desc())
    ).first()
    if row is None or row[0] is None:
        return None
    strokes, filed_at, signer = row
    return Signature(Strokes.from_json(strokes), filed_at, signer)


# --- filing -------------------------------------------------------------------------------


def file_scan(ctx: Ctx, scan: Scan, serial: str | None = None) -> SignedCopy:
    """File ``scan`` against the record its QR code names — or, when the person gives the
    ``serial`` (the record shown, the command line's argument, or typed because no code
    could be read), against that record, refused when the scan's code names another."""
    if serial is None:
        if not scan.serials:
            raise NoSerialFound()
        if len(scan.serials) > 1:
            raise ValidationError(
                "scan",
                SCAN_LABEL,
                f"扫描件上有 {len(scan.serials)} 张表单的二维码（{'、'.join(scan.serials)}）："
                "请每张单独扫描，或输入要归档到的单号",
            )
        wanted = scan.serials[0]
    else:
        wanted = numbering.normalise(serial)
        parsed = numbering.parse(wanted)
        wanted = parsed.text if parsed is not None else wanted[: numbering.MAX_LEN]
        if scan.serials and wanted not in scan.serials:
            raise SerialMismatch(wanted, scan.serials)
    kind, record = _signable(ctx, wanted)
    digest = hashlib.sha256(scan.data).hexdigest()
    twin = ctx.session.exec(
        select(SignedCopy).where(
            SignedCopy.kind == kind,
            SignedCopy.record_id == record.id,
            SignedCopy.sha256 == digest,
            col(SignedCopy.voided_at).is_(None),
        )
    ).first()
    if twin is not None:
        when = f"{twin.filed_at:%m-%d %H:%M}"
        raise ValidationError("scan", SCAN_LABEL, f"这份扫描件已经归档到 {record.serial}（{when}）")
    name = clean_text(scan.filename, field="scan", label="文件名", max_len=200, required=True)
    return _store(ctx, kind, record, SignedWay.SCAN, name, scan.mime, scan.data, digest)


def sign_on_screen(ctx: Ctx, kind: str, record_id: int, strokes: Strokes) -> SignedCopy:
    """The resident signed on the screen: the strokes and their PNG are stored; the time
    and who was on duty go on the record's history."""
    if kind not in FORMS:
        raise ValidationError("signature", LABEL, "这种记录的表单不用签名")
    record = ctx.session.get(MODELS[kind], record_id)
    if record is None:
        raise NotFoundError(f"找不到这条记录（编号 {record_id}）。")
    _check_open(kind, record)
    strokes.check()
    png = signature_png(strokes)
    row = _store(
        ctx,
        kind,
        record,
        SignedWay.SCREEN,
        SCREEN_NAME,
        "image/png",
        png,
        hashlib.sha256(png).hexdigest(),
        strokes=strokes.to_json(),
        signer=(record.person_name or "")[:40],
    )
    return row


def void(ctx: Ctx, copy_id: int, reason: str) -> SignedCopy:
    """A copy filed by mistake (the wrong paper, an unreadable photo) is voided, with why;
    the person who filed it may, others need a 主管/经理."""
    row = copy(ctx, copy_id)
    if row.voided_at is not None:
        raise ValidationError("void_reason", "作废原因", "这份签字件已经作废了")
    text = clean_text(reason, field="void_reason", label="作废原因", max_len=200, required=True)
    own = ctx.staff_id is not None and row.staff_id == ctx.staff_id
    if not own and not permissions.may(ctx.session, ctx.staff_id, void_rules.ACTION):
        raise PermissionDenied(
            f"这份签字件不是现在值班的人归档的：请{permissions.who_may(void_rules.ACTION)}作废。"
        )
    audit.change(ctx, row, {"voided_at": ctx.now, "void_reason": text}, action=AuditAction.VOID)
    record = ctx.session.get(MODELS[row.kind], row.record_id)
    if record is not None:
        audit.noted(ctx, record, FIELD, new=f"作废 {row.way.value} {row.filename}", reason=text)
        recheck(ctx, record)
    return row


def _signable(ctx: Ctx, serial: str) -> tuple[str, Any]:
    """The record of ``serial`` (normalised) if its form is one that comes back signed."""
    parsed = numbering.parse(serial)
    if parsed is None:
        raise ValidationError(
            "serial", "单号", f"“{serial[:20]}”不是本系统的单号，单号印在表单右上角"
        )
    if parsed.kind not in FORMS:
        forms = "、".join(FORMS.values())
        raise ValidationError("serial", "单号", f"{parsed.text} 的表单不用签回；签回的是{forms}")
    model = MODELS[parsed.kind]
    record = ctx.session.exec(select(model).where(model.serial == parsed.text)).first()
    if record is None:
        name = numbering.SERIAL_NAMES[parsed.prefix]
        raise NotFoundError(f"找不到单号为 {parsed.text} 的{name}。")
    _check_open(parsed.kind, record)
    return parsed.kind, record


def _check_open(kind: str, record: Any) -> None:
    if str(record.state) == "作废":
        raise ValidationError("scan", SCAN_LABEL, f"{record.serial} 已作废，不用再归档签字件")


def _store(
    ctx: Ctx,
    kind: str,
    record: Any,
    way: SignedWay,
    filename: str,
    mime: str,
    data: bytes,
    digest: str,
    **extra: Any,
) -> SignedCopy:
    row = SignedCopy(
        kind=kind,
        record_id=record.id,
        serial=record.serial,
        way=way,
        filename=filename,
        mime=mime,
        size=len(data),
        sha256=digest,
        data=data,
        filed_at=ctx.now,
        staff_id=ctx.staff_id,
        **extra,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.noted(ctx, record, FIELD, new=f"{way.value} {filename}")
    ctx.changes.add("signedcopy", [row.id])
    recheck(ctx, record)
    return row
