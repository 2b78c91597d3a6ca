"""签回: the signed copy of a record's form — the paper the resident signed, scanned or
photographed, or a signature written on the screen at the desk.

Kept inside the database like a complaint's attachments, so every backup holds it and
filing it is one transaction with its audit row. A copy filed against the wrong record is
voided (作废, with a reason), never deleted. ``kind``/``record_id`` name the record as
the audit log does (its table and id); ``serial`` is the record's, as the form printed it.
"""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import Column
from sqlmodel import Field, Index, LargeBinary, SQLModel, String

from desk.models.base import enum_field
from desk.models.enums import SignedWay


class SignedCopy(SQLModel, table=True):
    # a record's copies, and the lists' 未签回 test (NOT EXISTS a live copy), by one index
    __table_args__ = (Index("ix_signedcopy_record", "kind", "record_id", "voided_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # workorder, complaint, loan
    record_id: int
    serial: str = Field(max_length=40)
    way: SignedWay = enum_field(SignedWay, SignedWay.SCAN)
    filename: str = Field(max_length=200)  # the scan's own name; 签名.png for the screen
    mime: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # a screen signature's vector strokes (desk.models.signature.Strokes JSON); data is its PNG
    strokes: str | None = None
    signer: str = Field(default="", max_length=40)  # who signed on the screen, as typed
    filed_at: NaiveDatetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")  # on duty when filed
    voided_at: NaiveDatetime | None = None
    void_reason: str = Field(default="", max_length=200)


class SignedWait(SQLModel, table=True):
    """A record whose signed form is 未签回 now (services.records.signed_copies.unsigned_sql):
    kept by the services at every print, state change, filing and void, so the lists' 未签回
    finds the few waiting among five years of records by this small table, not by testing
    each finished one."""

    kind: str = Field(sa_type=String(20), primary_key=True)
    record_id: int = Field(primary_key=True)
