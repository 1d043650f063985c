"""Spot-check campaigns: the plan and its draw, the tasks and sampling, lab tests and verdicts, objections,
follow-up of nonconforming results, and publication."""

from inspections.models.campaigns import Campaign, CampaignReferral, ConflictDeclaration, Laboratory, TestItem
from inspections.models.custody import (
    CustodyEvent,
    RetainedSample,
    SamplingSignature,
    SamplingUpload,
)
from inspections.models.draws import Draw, RedrawRequest
from inspections.models.followups import DecisionProposal, FollowUp, ProvinceReport, RectificationAttachment
from inspections.models.publication import PublishedResult
from inspections.models.results import ItemResult, LabTest, Objection
from inspections.models.tasks import SamplingPhoto, SamplingRecord, Task

__all__ = [
    "Campaign",
    "CampaignReferral",
    "ConflictDeclaration",
    "CustodyEvent",
    "DecisionProposal",
    "Draw",
    "FollowUp",
    "ItemResult",
    "LabTest",
    "Laboratory",
    "Objection",
    "ProvinceReport",
    "PublishedResult",
    "RedrawRequest",
    "RectificationAttachment",
    "RetainedSample",
    "SamplingPhoto",
    "SamplingRecord",
    "SamplingSignature",
    "SamplingUpload",
    "Task",
    "TestItem",
]
