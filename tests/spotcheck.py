"""Builders for spot-check tests: a campaign taken through its steps by the real services, as people would."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.roles import Role
from inspections import custody
from inspections.choices import CustodyKind, LimitKind
from inspections.models import Campaign, FollowUp, LabTest, Task, TestItem
from inspections.services import campaigns, draws, followups, sampling, testing
from tests.factories import EnterpriseFactory, LaboratoryFactory, ProductFactory, StandardFactory, UserFactory


def _png() -> bytes:
    """A real (tiny) PNG: uploads named as photos are opened and checked."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


def photo(name: str = "sample.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


class SpotCheck:
    """A city in miniature: staff, a roster of inspectors, two approved laboratories with a technician each,
    and enterprises to draw from. Each step goes through the services with the role that may take it."""

    def __init__(self, actors, *, enterprises: int = 2, roster: int = 4, batches: int = 2, is_food: bool = False):
        self.leader = actors[Role.LEADER]
        self.supervisor = actors[Role.SUPERVISOR]
        self.inspectors = [actors[Role.INSPECTOR]] + [UserFactory(role=Role.INSPECTOR) for _ in range(roster - 1)]
        self.technician = actors[Role.LAB_TECHNICIAN]
        self.lab = LaboratoryFactory(technicians=[self.technician])
        self.retest_technician = UserFactory(role=Role.LAB_TECHNICIAN)
        self.retest_lab = LaboratoryFactory(technicians=[self.retest_technician])
        self.enterprise = actors[Role.ENTERPRISE].enterprise
        self.enterprise_user = actors[Role.ENTERPRISE]
        self.pool = [self.enterprise] + [EnterpriseFactory(area=self.enterprise.area) for _ in range(enterprises - 1)]
        self.campaign = self.plan(batches=batches, is_food=is_food)

    def plan(self, *, batches: int, is_food: bool) -> Campaign:
        today = timezone.localdate()
        campaign = campaigns.campaign_save(
            actor=self.supervisor,
            campaign=Campaign(
                year=today.year,
                title="大米产品质量监督抽查",
                legal_basis="《中华人民共和国产品质量法》第十五条",
                product_categories="大米\n小麦粉",
                is_food=is_food,
                batches=batches,
                period_start=today,
                period_end=today + datetime.timedelta(days=60),
                lab=self.lab,
            ),
            roster=self.inspectors,
        )
        # The pool: the enterprises of this test's responsibility area only.
        campaign.pool_filters = {"area": str(self.enterprise.area_id)}
        campaign.save()
        standard = StandardFactory()
        self.cadmium = campaigns.test_item_save(
            actor=self.supervisor,
            item=TestItem(
                campaign=campaign,
                name="镉(以Cd计)",
                standard=standard,
                limit_kind=LimitKind.MAXIMUM,
                upper=Decimal("0.2"),
                unit="mg/kg",
            ),
        )
        self.labelling = campaigns.test_item_save(
            actor=self.supervisor,
            item=TestItem(
                campaign=campaign,
                name="标签",
                standard=standard,
                limit_kind=LimitKind.QUALITATIVE,
                requirement="符合GB 7718",
                position=1,
            ),
        )
        return campaign

    def approve_and_draw(self) -> Campaign:
        campaigns.campaign_approve(actor=self.leader, campaign=self.campaign)
        draw = draws.draw_commit(actor=self.supervisor, campaign=self.campaign)
        draws.draw_perform(actor=self.supervisor, draw=draw)
        self.campaign.refresh_from_db()
        return self.campaign

    def start(self) -> Campaign:
        self.approve_and_draw()
        campaigns.campaign_start(actor=self.supervisor, campaign=self.campaign)
        self.campaign.refresh_from_db()
        return self.campaign

    def task_at(self, enterprise=None) -> Task:
        return Task.objects.live().get(campaign=self.campaign, enterprise=enterprise or self.enterprise)

    def inspector_of(self, task: Task):
        return task.inspectors.order_by("pk").first()

    def sample(self, task: Task):
        product = ProductFactory(enterprise=task.enterprise)
        return sampling.sampling_file(
            actor=self.inspector_of(task),
            task=task,
            values=sampling_values(product=product),
            photos=[photo()],
        )

    def receive(self, lab_test: LabTest, *, technician=None, seal_intact: bool = True):
        """The laboratory scans the sample's seal label on receipt (findings wait for it)."""
        return custody.custody_scan(
            actor=technician or lab_test.lab.technicians.order_by("pk").first(),
            code=custody.qr_content(lab_test),
            kind=CustodyKind.RECEIVED,
            seal_intact=seal_intact,
            photo=None if seal_intact else photo("seal.png"),
        )

    def test_result(self, lab_test: LabTest, *, cadmium: str, label_ok: bool = True, technician=None) -> LabTest:
        if not lab_test.custody_events.filter(kind=CustodyKind.RECEIVED).exists():
            self.receive(lab_test)  # by the laboratory's own technician, whoever then enters the findings
        return testing.lab_test_save_results(
            actor=technician or self.technician,
            lab_test=lab_test,
            findings={
                self.cadmium.pk: {"value": Decimal(cadmium)},
                self.labelling.pk: {"conforms": label_ok},
            },
            submit=True,
        )

    def notify(self, lab_test: LabTest, *, served: bool = True, **kwargs) -> LabTest:
        """Approve and notify; with `served`, the enterprise opens the result (and any rectification order) at once,
        so their clocks run from the same day."""
        testing.lab_test_review(actor=self.supervisor, lab_test=lab_test, approve=True)
        lab_test = testing.lab_test_notify(actor=self.supervisor, lab_test=lab_test, **kwargs)
        if served:
            lab_test = self.serve(lab_test, now=kwargs.get("now"))
        return lab_test

    def user_of(self, enterprise):
        return enterprise.users.first() or UserFactory(role=Role.ENTERPRISE, enterprise=enterprise)

    def serve(self, lab_test: LabTest, *, now=None) -> LabTest:
        """The enterprise opens its result and its rectification order in the portal."""
        user = self.user_of(lab_test.task.enterprise)
        lab_test = testing.result_open(actor=user, lab_test=lab_test, now=now)
        follow_up = FollowUp.objects.filter(task=lab_test.task).first()
        if follow_up is not None:
            followups.rectification_order_open(actor=user, follow_up=follow_up, now=now)
        lab_test.refresh_from_db()
        return lab_test

    def checked(self, task: Task, *, cadmium: str, technician=None, **kwargs) -> LabTest:
        """Sample (unless already sampled), test and notify: the result as the enterprise receives it."""
        if not hasattr(task, "sampling"):
            self.sample(task)
        lab_test = LabTest.objects.get(task=task, kind="initial")
        self.test_result(lab_test, cadmium=cadmium, technician=technician)
        return self.notify(lab_test, **kwargs)


def sampling_values(product=None) -> dict:
    return {
        "product": product,
        "batch_number": "20261101",
        "production_date": datetime.date(2026, 11, 1),
        "quantity": "4 袋：2 袋检验，2 袋备样",
        "sampling_place": "成品仓库",
        "seal_numbers": "FY-0001, FY-0002",
        "enterprise_signatory": "王质检",
        "inspector_signatories": "李检查、赵检查",
    }
