"""A few months of demo history, lived through the real services day by day.

The history starts ``days`` days before today and runs to now under time
travel (time-machine): each simulated moment is "now" for the services, so
every row, audit entry, clock segment and card carries its own date. Each
action is a service function called by the demo's own people: applicants
(or a hall clerk at the counter, or the township agent for the citizens who
authorised them) submit (the one submission path,
applications.services.submission), hall
clerks accept, send one-time notices or refuse, reviewers claim and decide
their tasks (some ask for a supplement, which suspends the clocks, some ask
for an extension their head approves, some are late), clerks deliver,
applicants withdraw or rate, heads call back and rectify bad ratings,
supervisors review, appeals and complaints run their course. Twice a day the
beat's sweeps run synchronously (portal.clocks.deadlines_sweep, deemed
acceptance, lapsed notices): yellow and red cards, escalations, deemed
acceptances come from their real handlers.

Deterministic: one seeded random number generator decides everything, in a
fixed order (the query codes of applications and complaints are the
services' own random codes). Idempotent: the history's applicants are its
marker; once they exist, a later run adds nothing. The desks act only on
the history's own applications (a developer's are left alone; the sweeps act
on every due deadline, as the beat would). Nothing is sent: the
outbox rows the history wrote are marked failed with a note before commit
(the outbox sends pending rows only).
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import logging
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from applications import constants as ac
from applications.models import Application
from applications.selectors import form_errors
from applications.services.acceptance import (
    application_accept,
    application_refuse,
    application_request_supplement,
)
from applications.services.decision import application_deliver
from applications.services.drafts import application_create
from applications.services.materials import application_provide_material
from applications.services.people import agent_authorization_grant
from applications.services.submission import application_submit
from applications.services.timers import (
    applications_deem_overdue,
    supplements_close_lapsed,
)
from applications.services.withdrawal import application_withdraw
from catalog import constants as cc
from catalog.models import Implementation, StaffProfile
from people import constants as pc
from people.codes import make_credit_code
from people.models import ApplicantProfile, Enterprise, EnterpriseMember, OutboxMessage
from people.privacy import make_id_number, stored_id_number_fields
from portal.clocks import deadlines_sweep
from portal.errors import ServiceError
from portal.models import User
from portal.roles import Role
from portal.workdays import add_working_days, is_working_day
from workflow import constants as wc
from workflow.models import Card, Case, Extension, Task
from workflow.services.escalations import card_answer
from workflow.services.extensions import extension_approve, extension_request
from workflow.services.routing import case_decide_immediately
from workflow.services.supplements import (
    case_supplement_received,
    task_request_supplement,
)
from workflow.services.tasks import task_claim, task_decide

from .. import constants as sc
from ..models import Appeal, Complaint, Rating, Rectification, SupervisionOrder
from ..services.complaints import complaint_answer, complaint_assign, complaint_file
from ..services.orders import order_answer, order_close, order_issue
from ..services.ratings import (
    appeal_decide,
    appeal_file,
    rating_submit,
    visit_open,
    visit_rate,
)
from ..services.rectifications import (
    rectification_callback,
    rectification_review,
    rectification_submit,
)
from . import forms

logger = logging.getLogger(__name__)

SEED = 20260815
USERNAME_PREFIX = "hist_"  # the history's applicants: its marker
DEFAULT_DAYS = 98  # 14 weeks back from today
DEFAULT_RATE = 1.8  # applications per working day, all halls together
MUTED_NOTE = "演示历史数据（load_demo）：未发送"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# County of each demo hall's region, and the citizens living there.
COUNTIES = ("513301", "513301", "513322", "513334", "513337", "513300")
SURNAMES_TIBETAN = ("次仁", "扎西", "格桑", "仁青", "益西", "央金", "降措", "达瓦")
NAMES_TIBETAN = ("拉姆", "多吉", "卓玛", "旺姆", "平措", "曲珍", "尼玛", "志玛")
SURNAMES_HAN = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴")
NAMES_HAN = ("德华", "秀兰", "建军", "海燕", "志刚", "玉梅", "明亮", "小芳")
SHOPS = (
    "雪域",
    "跑马山",
    "木格措",
    "贡嘎",
    "康巴",
    "情歌",
    "折多",
    "亚丁",
    "海子山",
    "格聂",
)
SHOP_KINDS = ("餐饮有限公司", "商贸有限公司", "旅游开发有限公司", "农牧业专业合作社")

GOOD_COMMENTS = (
    "办事效率高，工作人员很耐心",
    "网上就办好了，没有跑路",
    "指南写得很清楚",
    "",
)
BAD_COMMENTS = (
    "跑了好几趟，材料一次没说清楚",
    "等了很久没有消息，打电话也没人接",
    "窗口工作人员态度不好",
)
# The first arrivals follow a script, so that even a short history (the tests
# run one) has each kind of event; the rest is left to chance.
SCRIPT: tuple[frozenset[str], ...] = tuple(
    frozenset(flags)
    for flags in (
        {"late", "bad", "appeal", "complaint"},
        {"supplement"},
        {"extension"},
        {"withdraw"},
        {"refuse"},
        {"deem"},
        {"reject", "bad"},
        {"notice"},
        {"bad", "complaint"},
    )
)
REJECT_BASIS = "《中华人民共和国行政许可法》第三十八条：申请人不符合法定条件"


@dataclass
class HistoryResult:
    skipped: bool = False
    seconds: float = 0.0
    counts: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)  # service refusals by code
    details: dict = field(default_factory=dict)  # the first refusal's errors

    def created(self) -> int:
        return self.counts["applications"]


def history_present() -> bool:
    return User.objects.filter(username__startswith=USERNAME_PREFIX).exists()


def load_history_demo(*, days: int | None = None, rate: float | None = None):
    """Generate the history unless it is there; ``days`` 0 generates none."""
    days = DEFAULT_DAYS if days is None else days
    rate = DEFAULT_RATE if rate is None else rate
    if days <= 0 or history_present():
        return HistoryResult(skipped=True)
    started = time.monotonic()
    with transaction.atomic():
        history = History(days=days, rate=rate)
        history.run()
    history.result.seconds = time.monotonic() - started
    return history.result


class History:
    def __init__(self, *, days: int, rate: float) -> None:
        self.rng = random.Random(SEED)
        self.rate = rate
        self.end = timezone.now()
        self.today = timezone.localdate(self.end)
        self.first_day = self.today - dt.timedelta(days=days)
        self.agenda: list = []
        self.seq = itertools.count()
        self.result = HistoryResult()
        self.seen_tasks: set[int] = set()
        self.last_card = 0
        self.last_rectification = 0
        self.rectifications = 0
        self.late_order = False
        self.ended: set[int] = set()
        self.bad_ratings = 0
        self.arrivals = 0
        self.fates: dict[int, set[str]] = {}  # application id -> script flags

    # --- the clock -------------------------------------------------------------

    def now(self) -> dt.datetime:
        return timezone.now()

    def moment(self, day: dt.date, lo: float = 9.0, hi: float = 17.5) -> dt.datetime:
        hours = self.rng.uniform(lo, hi)
        naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=hours)
        when = timezone.make_aware(naive)
        now = self.now()
        if when <= now:
            when = now + dt.timedelta(minutes=self.rng.randint(5, 90))
        return when

    def workday(self, day: dt.date, plus: int = 0) -> dt.date:
        """``plus`` working days after ``day`` (0: day itself if working)."""
        if plus:
            return add_working_days(day, plus)[0]
        while not is_working_day(day)[0]:
            day += dt.timedelta(days=1)
        return day

    def at(self, when: dt.datetime, fn, *args) -> None:
        heapq.heappush(self.agenda, (when, next(self.seq), fn, args))

    def staff_at(self, day: dt.date, plus: int, fn, *args) -> None:
        """Schedule a staff action ``plus`` working days after ``day``."""
        self.at(self.moment(self.workday(day, plus)), fn, *args)

    def run(self) -> None:
        start = timezone.make_aware(dt.datetime.combine(self.first_day, dt.time(7)))
        traveller = time_machine.travel(start, tick=False)
        coordinates = traveller.start()
        # Months of INFO and WARNING lines (each message queued, each deadline
        # fired) would bury make run's output; the result counts them instead.
        logging.disable(logging.WARNING)
        try:
            self.first_outbox = (
                OutboxMessage.objects.order_by("-pk")
                .values_list("pk", flat=True)
                .first()
                or 0
            )
            self.last_card = (
                Card.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            )
            self.last_rectification = (
                Rectification.objects.order_by("-pk")
                .values_list("pk", flat=True)
                .first()
                or 0
            )
            self.people()
            self.plan()
            while self.agenda:
                when, _seq, fn, args = heapq.heappop(self.agenda)
                if when > self.end:
                    break
                coordinates.move_to(when)
                try:
                    with transaction.atomic():
                        fn(*args)
                except ServiceError as exc:
                    key = f"{fn.__name__}:{exc.code}"
                    self.result.refused[key] += 1
                    self.result.details.setdefault(
                        key, [f"{e.field}: {e.detail}" for e in exc.errors or []][:5]
                    )
        finally:
            logging.disable(logging.NOTSET)
            traveller.stop()
        self.result.counts["muted_messages"] = OutboxMessage.objects.filter(
            pk__gt=self.first_outbox, status=pc.OutboxStatus.PENDING
        ).update(status=pc.OutboxStatus.FAILED, last_error=MUTED_NOTE)

    # --- the cast ----------------------------------------------------------------

    def people(self) -> None:
        group = Group.objects.get(name=Role.APPLICANT.value)
        self.citizens: dict[str, list[User]] = {}
        self.enterprises: dict[int, Enterprise] = {}
        for n in range(60):
            county = COUNTIES[n % len(COUNTIES)]
            if n % 3:
                name = self.rng.choice(SURNAMES_TIBETAN) + self.rng.choice(
                    NAMES_TIBETAN
                )
            else:
                name = self.rng.choice(SURNAMES_HAN) + self.rng.choice(NAMES_HAN)
            phone = f"1390836{n:04d}"
            user = User(
                username=f"{USERNAME_PREFIX}{n:03d}",
                display_name=name,
                phone=phone,
                email=f"{USERNAME_PREFIX}{n:03d}@demo.invalid",
            )
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            birth = dt.date(1955, 1, 1) + dt.timedelta(days=self.rng.randint(0, 17000))
            number = make_id_number(f"{county}{birth:%Y%m%d}{n:03d}")
            ApplicantProfile.objects.create(
                user=user,
                full_name=name,
                **stored_id_number_fields(number),
                phone=phone,
                region_code=county,
            )
            self.citizens.setdefault(county, []).append(user)
            if n % 4 == 0:
                shop = SHOPS[(n // 4) % len(SHOPS)]
                enterprise = Enterprise.objects.create(
                    name=f"{_city(county)}{shop}{SHOP_KINDS[(n // 4) % len(SHOP_KINDS)]}",
                    credit_code=make_credit_code(f"91{county}MA{n + 1000:07d}"),
                    legal_representative=name,
                    region_code=county,
                    address=forms.ADDRESSES[county].format(n=n + 3),
                )
                EnterpriseMember.objects.create(
                    enterprise=enterprise,
                    user=user,
                    role=pc.EnterpriseRole.LEGAL_REPRESENTATIVE,
                )
                self.enterprises[user.pk] = enterprise
        self.result.counts["citizens"] = 60
        self.result.counts["enterprises"] = len(self.enterprises)

        profiles = StaffProfile.objects.filter(user__is_active=True).select_related(
            "user"
        )
        self.clerks: dict[int, User] = {}
        self.reviewers: dict[int, User] = {}
        self.heads: dict[int, User] = {}
        roles = dict(
            User.groups.through.objects.filter(
                group__name__in=[Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD]
            ).values_list("user_id", "group__name")
        )
        for p in profiles.order_by("user__username"):
            role = roles.get(p.user_id)
            if role == Role.CLERK and p.hall_id:
                self.clerks.setdefault(p.hall_id, p.user)
            elif role == Role.REVIEWER and p.department_id:
                self.reviewers.setdefault(p.department_id, p.user)
            elif role == Role.DEPARTMENT_HEAD and p.department_id:
                self.heads.setdefault(p.department_id, p.user)
        self.supervisor = User.objects.get(username="supervisor")
        # The township agent (姑咱镇, 康定市) applies for a few Kangding
        # citizens, each of whom authorised them from their own account.
        self.agent = User.objects.filter(username="agent").first()
        self.authorizations = {}
        if self.agent is not None:
            for citizen in self.citizens["513301"][:10]:
                self.authorizations[citizen.pk] = agent_authorization_grant(
                    citizen=citizen,
                    agent=self.agent,
                    valid_until=self.first_day + dt.timedelta(days=180),
                )

        self.implementations = []
        for impl in (
            Implementation.objects.filter(is_active=True, hall__isnull=False)
            .select_related(
                "item__current_version__result_certificate_type",
                "hall",
                "region",
                "department",
            )
            .order_by("pk")
        ):
            version = impl.item.current_version
            if (
                version is None
                or version.status != cc.VersionStatus.PUBLISHED
                or version.item_type not in cc.APPLICABLE_ITEM_TYPES
                or impl.hall_id not in self.clerks
                or not version.stages.exists()
            ):
                continue
            self.implementations.append(impl)
        # Promised-time items of several days routed to departments: a step can
        # be late, suspended or extended there.
        self.scripted = [
            impl
            for impl in self.implementations
            if not impl.item.current_version.is_immediate
            and (impl.item.current_version.promised_limit_value or 0) >= 5
        ]

    # --- the plan: arrivals, sweeps, desk rounds ---------------------------------------

    def plan(self) -> None:
        day = self.first_day
        while day <= self.today:
            working = is_working_day(day)[0]
            for hour, minute in ((0, 5), (8, 35)):
                self.at(_local(day, hour, minute), self.sweep)
            if working:
                self.at(_local(day, 9, 5), self.desk_round)
                self.at(_local(day, 14, 5), self.desk_round)
            expected = self.rate if working else self.rate * 0.15
            arrivals = _poisson(self.rng, expected)
            for _ in range(arrivals):
                self.at(self.moment(day, 7.5, 22.0), self.arrive)
            if working and self.rng.random() < 0.3:
                self.at(self.moment(day), self.counter_visit)
            day += dt.timedelta(days=1)

    def sweep(self) -> None:
        """The beat's sweeps, synchronously, as of this moment."""
        self.result.counts["deadlines_fired"] += deadlines_sweep()
        self.result.counts["deemed"] += applications_deem_overdue()
        self.result.counts["lapsed_notices"] += supplements_close_lapsed()

    # --- applying ------------------------------------------------------------------

    def flags(self, pk: int) -> set[str]:
        return self.fates.get(pk, set())

    def arrive(self) -> None:
        rng = self.rng
        script = SCRIPT[self.arrivals] if self.arrivals < len(SCRIPT) else None
        self.arrivals += 1
        impl = rng.choice(self.scripted if script else self.implementations)
        version = impl.item.current_version
        served = set(version.served_parties or [])
        county = impl.region.code[:6]
        people = self.citizens.get(county) or self.citizens["513301"]
        result = version.result_certificate_type
        legal = "legal" in served and (
            "natural" not in served
            or (result is not None and result.holder_kind == cc.ServedParty.LEGAL)
            or rng.random() < 0.4
        )
        if legal:
            owners = [u for u in people if u.pk in self.enterprises] or [
                u
                for c in sorted(self.citizens)
                for u in self.citizens[c]
                if u.pk in self.enterprises
            ]
            applicant = rng.choice(owners)
            enterprise = self.enterprises[applicant.pk]
        else:
            applicant = rng.choice(people)
            enterprise = None
        roll = rng.random()
        if roll < 0.5:
            channel = ac.IntakeChannel.ONLINE
        elif roll < 0.85:
            channel = ac.IntakeChannel.COUNTER
        else:
            channel = ac.IntakeChannel.API
        authorization = self.authorizations.get(applicant.pk)
        if authorization is not None and enterprise is None and rng.random() < 0.7:
            channel = ac.IntakeChannel.AGENT
        if script:
            channel = ac.IntakeChannel.ONLINE
        if (
            channel == ac.IntakeChannel.COUNTER
            and not is_working_day(timezone.localdate())[0]
        ):
            channel = ac.IntakeChannel.ONLINE
        data = self.form_data(version, applicant, enterprise, county)
        if data is None:
            self.result.counts["form_unfilled"] += 1
            return
        clerk = self.clerks[impl.hall_id]
        counter = channel == ac.IntakeChannel.COUNTER
        agent = channel == ac.IntakeChannel.AGENT
        user = clerk if counter else self.agent if agent else applicant
        application = application_create(
            user=user,
            implementation=impl,
            applicant=applicant if counter or agent else None,
            enterprise=enterprise,
            channel=channel,
            hall=impl.hall if counter else None,
            agent_authorization=authorization if agent else None,
            form_data=data,
        )
        for row in application.materials.select_related("material").order_by(
            "material__order", "material_id"
        ):
            self.provide(application, user, row.material)
        application_submit(application=application, user=user)
        self.result.counts["applications"] += 1
        self.result.counts[f"channel_{channel}"] += 1
        if script:
            self.fates[application.pk] = set(script)
        self.plan_acceptance(application)
        if script and "withdraw" in script:
            self.at(self.now() + dt.timedelta(hours=2), self.withdraw, application.pk)
        elif rng.random() < 0.04:
            self.at(
                self.now()
                + dt.timedelta(days=rng.randint(1, 8), hours=rng.randint(1, 9)),
                self.withdraw,
                application.pk,
            )

    def form_data(self, version, applicant, enterprise, county) -> dict | None:
        schema = version.form_schema or {}
        ctx = {
            "today": timezone.localdate(),
            "item": version.name,
            "name": applicant.display_name,
            "phone": applicant.phone,
            "region": county,
            "credit_code": enterprise.credit_code
            if enterprise
            else make_credit_code(f"92{county}MA{applicant.pk:07d}"),
            "entity_name": enterprise.name
            if enterprise
            else f"{_city(county)}{applicant.display_name}便民店",
        }
        for plain in (False, False, True):
            data = forms.fill(schema, self.rng, ctx, plain=plain)
            if not form_errors(schema=schema, data=data):
                return data
        return None

    def provide(self, application, user, material, *, again: bool = False) -> None:
        necessity = material.necessity
        if necessity == cc.MaterialNecessity.COMMITMENT:
            application_provide_material(
                application=application,
                user=user,
                material=material,
                provision=ac.Provision.COMMITMENT,
                promise_text="本人承诺所提供的信息真实、准确，如有不实愿承担相应责任。",
            )
            return
        if necessity == cc.MaterialNecessity.OPTIONAL and not again:
            return
        application_provide_material(
            application=application,
            user=user,
            material=material,
            provision=ac.Provision.UPLOAD,
            file=SimpleUploadedFile(
                f"{material.name[:40]}.pdf", PDF, content_type="application/pdf"
            ),
        )

    # --- the hall ----------------------------------------------------------------------

    def plan_acceptance(self, application) -> None:
        rng, day = self.rng, timezone.localdate()
        roll = rng.random()
        flags = self.flags(application.pk)
        if flags & {"deem", "notice", "refuse"}:
            roll = 0.0 if "deem" in flags else 0.05 if "notice" in flags else 0.12
        elif flags:
            roll = 0.5
        if roll < 0.03:
            self.result.counts["left_for_deeming"] += 1
            return  # nobody reviews it: deemed accepted by the timer
        if roll < 0.10:
            self.staff_at(day, rng.randint(0, 1), self.notice, application.pk)
        elif roll < 0.13:
            self.staff_at(day, rng.randint(0, 1), self.refuse, application.pk)
        else:
            self.staff_at(
                day, rng.choice((0, 0, 0, 1, 1, 2)), self.accept, application.pk
            )

    def accept(self, pk: int) -> None:
        application = Application.objects.get(pk=pk)
        if application.status != ac.ApplicationStatus.SUBMITTED:
            return
        clerk = self.clerks[application.hall_id]
        application_accept(application=application, clerk=clerk)
        case = Case.objects.filter(application_id=pk).first()
        if case is not None and case.immediate:
            case_decide_immediately(
                application=application,
                clerk=clerk,
                outcome=wc.OpinionOutcome.APPROVE,
                opinion="材料齐全，符合条件，当场办结",
            )
            self.after_decision(pk)

    def notice(self, pk: int) -> None:
        application = Application.objects.get(pk=pk)
        if application.status != ac.ApplicationStatus.SUBMITTED:
            return
        row = (
            application.materials.select_related("material")
            .filter(provision=ac.Provision.UPLOAD)
            .order_by("material__order")
            .first()
        )
        if row is None:
            return self.accept(pk)
        application_request_supplement(
            application=application,
            clerk=self.clerks[application.hall_id],
            items=[
                {"material_id": row.material_id, "problem": "复印件不清晰，请重新提供"}
            ],
        )
        self.result.counts["one_time_notices"] += 1
        if self.flags(pk) or self.rng.random() < 0.85:  # else it lapses and closes
            self.at(
                self.now() + dt.timedelta(days=self.rng.randint(1, 4), hours=2),
                self.resubmit,
                pk,
                row.material_id,
            )

    def resubmit(self, pk: int, material_id: int) -> None:
        application = Application.objects.get(pk=pk)
        if application.status != ac.ApplicationStatus.SUPPLEMENT_REQUESTED:
            return
        row = application.materials.select_related("material").get(
            material_id=material_id
        )
        user = application.submitted_by
        self.provide(application, user, row.material, again=True)
        application_submit(application=application, user=user)
        self.staff_at(timezone.localdate(), self.rng.randint(0, 1), self.accept, pk)

    def refuse(self, pk: int) -> None:
        application = Application.objects.get(pk=pk)
        if application.status != ac.ApplicationStatus.SUBMITTED:
            return
        application_refuse(
            application=application,
            clerk=self.clerks[application.hall_id],
            reason="申请事项不属于本机关职权范围，请向户籍所在地机关申请",
            legal_basis="《中华人民共和国行政许可法》第三十二条第一款第（二）项",
        )
        self.after_decision(pk)

    def withdraw(self, pk: int) -> None:
        application = Application.objects.get(pk=pk)
        if application.status not in ac.WITHDRAWABLE:
            return
        application_withdraw(
            application=application,
            user=application.applicant,
            reason="情况有变，暂不办理",
        )
        self.result.counts["withdrawn"] += 1

    def deliver(self, pk: int) -> None:
        application = Application.objects.get(pk=pk)
        if application.status != ac.ApplicationStatus.APPROVED:
            return
        method = self.rng.choice(
            (
                ac.DeliveryMethod.WINDOW,
                ac.DeliveryMethod.POST,
                ac.DeliveryMethod.ELECTRONIC,
            )
        )
        application_deliver(
            application=application,
            actor=self.clerks[application.hall_id],
            method=method,
        )
        self.result.counts["delivered"] += 1
        self.plan_rating(pk)

    def counter_visit(self) -> None:
        """A walk-in served at a counter rates the visit on the hall's tablet."""
        hall_id = self.rng.choice(sorted(self.clerks))
        clerk = self.clerks[hall_id]
        stamp = timezone.localtime()
        visit = visit_open(clerk=clerk, reference=f"V{stamp:%Y%m%d%H%M%S}")
        level = self.level(bad=0.03)
        visit_rate(visit=visit, clerk=clerk, level=level, tags=self.tags(level))
        self.result.counts["visit_ratings"] += 1

    # --- the departments ----------------------------------------------------------------

    def desk_round(self) -> None:
        """What the desks notice at this round: new tasks, red cards, rectifications."""
        today = timezone.localdate()
        mine = {"case__application__applicant__username__startswith": USERNAME_PREFIX}
        tasks = list(
            Task.objects.filter(state=wc.TaskState.OPEN, **mine)
            .select_related("case")
            .order_by("pk")
        )
        for task in tasks:
            if task.pk in self.seen_tasks:
                continue
            self.seen_tasks.add(task.pk)
            if task.case.immediate:
                continue
            self.plan_task(task, today)
        for card in Card.objects.filter(
            colour=wc.CardColour.RED, pk__gt=self.last_card, **mine
        ).order_by("pk"):
            self.last_card = card.pk
            self.result.counts["red_cards_seen"] += 1
            # 督办: about the first red card (answered, then closed), and about
            # the first one of the last week (still open at the end).
            if self.result.counts["red_cards_seen"] == 1 or (
                (self.today - today).days <= 7 and not self.late_order
            ):
                self.late_order = self.result.counts["red_cards_seen"] > 1
                self.at(self.now() + dt.timedelta(minutes=40), self.order, card.pk)
            if self.result.counts["red_cards_seen"] <= 2 or self.rng.random() < 0.6:
                self.staff_at(today, self.rng.randint(0, 2), self.answer_card, card.pk)
        for rect in Rectification.objects.filter(
            pk__gt=self.last_rectification,
            rating__application__applicant__username__startswith=USERNAME_PREFIX,
        ).order_by("pk"):
            self.last_rectification = rect.pk
            self.rectifications += 1
            if self.rectifications <= 3 or self.rng.random() < 0.85:  # else overdue
                self.staff_at(today, self.rng.randint(1, 3), self.callback, rect.pk)

    def plan_task(self, task: Task, today: dt.date) -> None:
        rng = self.rng
        reviewer = self.reviewers.get(task.department_id)
        if reviewer is None:
            return
        claim_day = self.workday(today, rng.choice((0, 0, 1)))
        self.at(self.moment(claim_day, 9.2, 11.5), self.claim, task.pk, reviewer.pk)
        due = task.due_on or claim_day
        roll = rng.random()
        flags = self.flags(task.case.application_id)
        scripted = flags - self.fates.get(-task.case.application_id, set())
        if scripted & {"supplement", "extension", "late"}:
            self.fates.setdefault(-task.case.application_id, set()).update(scripted)
            roll = (
                0.0 if "supplement" in flags else 0.08 if "extension" in flags else 0.15
            )
        if roll < 0.07:
            self.staff_at(claim_day, 1, self.ask_supplement, task.pk, reviewer.pk)
            decide_day = self.workday(claim_day, rng.randint(3, 6))
        elif (
            roll < 0.11 and not Extension.objects.filter(case_id=task.case_id).exists()
        ):
            self.staff_at(claim_day, 1, self.ask_extension, task.pk, reviewer.pk)
            decide_day = self.workday(due, rng.randint(1, 3))
        elif roll < 0.22:  # late: red card, escalation to the head
            late = rng.randint(3, 5) if "late" in scripted else rng.randint(1, 5)
            if (self.today - today).days <= 21 and rng.random() < 0.5:
                late = rng.randint(6, 12)  # still open at the end: a live red card
            decide_day = self.workday(due, late)
        elif roll < 0.30:  # on the last day, after its yellow card
            decide_day = due
        else:
            span = max((due - claim_day).days, 0)
            decide_day = self.workday(
                claim_day + dt.timedelta(days=rng.randint(0, span))
            )
            if decide_day > due:
                decide_day = claim_day
        reject = "reject" in flags or rng.random() < 0.02
        outcome = wc.OpinionOutcome.REJECT if reject else wc.OpinionOutcome.APPROVE
        self.at(
            self.moment(max(decide_day, claim_day), 10.0, 17.5),
            self.decide,
            task.pk,
            reviewer.pk,
            outcome,
        )

    def claim(self, task_pk: int, user_pk: int) -> None:
        task = Task.objects.get(pk=task_pk)
        if task.state != wc.TaskState.OPEN or task.assignee_id:
            return
        task_claim(task=task, actor=User.objects.get(pk=user_pk))

    def decide(self, task_pk: int, user_pk: int, outcome: str) -> None:
        task = Task.objects.select_related("case").get(pk=task_pk)
        if task.state != wc.TaskState.OPEN:
            return
        if task.case.state == wc.CaseState.SUSPENDED or task.assignee_id != user_pk:
            # waiting for a supplement (or not claimed yet): look again later
            self.staff_at(
                timezone.localdate(), 1, self.decide, task_pk, user_pk, outcome
            )
            return
        reject = outcome == wc.OpinionOutcome.REJECT
        task_decide(
            task=task,
            actor=User.objects.get(pk=user_pk),
            outcome=outcome,
            opinion="经审查，申请人不符合法定条件"
            if reject
            else "经审查，材料齐全，符合法定条件，同意",
            basis=REJECT_BASIS if reject else "",
        )
        self.after_decision(task.case.application_id)

    def ask_supplement(self, task_pk: int, user_pk: int) -> None:
        task = Task.objects.select_related("case").get(pk=task_pk)
        if (
            task.state != wc.TaskState.OPEN
            or task.case.state != wc.CaseState.OPEN
            or task.assignee_id != user_pk
        ):
            return
        task_request_supplement(
            task=task,
            actor=User.objects.get(pk=user_pk),
            text="请补充提供经营场所产权证明复印件并加盖公章",
        )
        self.result.counts["task_supplements"] += 1
        self.staff_at(
            timezone.localdate(),
            self.rng.randint(2, 6),
            self.supplement_received,
            task.case_id,
        )

    def supplement_received(self, case_pk: int) -> None:
        case = Case.objects.select_related("application").get(pk=case_pk)
        if case.state != wc.CaseState.SUSPENDED:
            return
        case_supplement_received(
            case=case,
            clerk=self.clerks[case.application.hall_id],
            note="申请人已到窗口补正材料",
        )

    def ask_extension(self, task_pk: int, user_pk: int) -> None:
        task = Task.objects.get(pk=task_pk)
        if task.state != wc.TaskState.OPEN or task.assignee_id != user_pk:
            return
        extension = extension_request(
            task=task,
            actor=User.objects.get(pk=user_pk),
            days=self.rng.randint(3, 5),
            reason="需赴现场核查经营场所，核查时间较长",
        )
        self.result.counts["extensions"] += 1
        head = self.heads.get(task.department_id)
        if head is not None:
            self.staff_at(
                timezone.localdate(), 1, self.approve_extension, extension.pk, head.pk
            )

    def approve_extension(self, extension_pk: int, head_pk: int) -> None:
        extension = Extension.objects.select_related("case").get(pk=extension_pk)
        if (
            extension.state != wc.ExtensionState.REQUESTED
            or extension.case.state not in wc.OPEN_CASE_STATES
        ):
            return
        extension_approve(
            extension=extension,
            actor=User.objects.get(pk=head_pk),
            note="同意延期，请抓紧办理",
        )

    def answer_card(self, card_pk: int) -> None:
        card = Card.objects.select_related("task").get(pk=card_pk)
        department_id = card.task.department_id if card.task else card.department_id
        head = self.heads.get(department_id)
        if head is None or card.answered_at:
            return
        card_answer(
            card=card,
            actor=head,
            note="已督促承办人员加快办理，并约谈相关责任人",
        )
        self.result.counts["cards_answered"] += 1

    def order(self, card_pk: int) -> None:
        card = Card.objects.get(pk=card_pk)
        if card.cleared_at is not None:
            return
        order = order_issue(
            supervisor=self.supervisor,
            card_id=card.pk,
            working_days=3,
            note="该环节已超期，请立即组织办理，三个工作日内书面答复办理情况",
        )
        self.result.counts["orders"] += 1
        head = self.heads.get(order.department_id)
        if head is not None and not self.late_order:
            self.staff_at(timezone.localdate(), 2, self.answer_order, order.pk, head.pk)

    def answer_order(self, order_pk: int, head_pk: int) -> None:
        order = SupervisionOrder.objects.get(pk=order_pk)
        if order.state != sc.OrderState.OPEN:
            return
        order_answer(
            order=order,
            user=User.objects.get(pk=head_pk),
            answer="已约谈承办人，该环节已于当日办结，并建立超期预警日报制度",
        )
        self.staff_at(timezone.localdate(), 1, self.close_order, order_pk)

    def close_order(self, order_pk: int) -> None:
        order = SupervisionOrder.objects.get(pk=order_pk)
        if order.state != sc.OrderState.ANSWERED:
            return
        order_close(order=order, supervisor=self.supervisor, note="答复属实，同意办结")

    def after_decision(self, pk: int) -> None:
        if pk in self.ended:
            return
        status = (
            Application.objects.filter(pk=pk).values_list("status", flat=True).first()
        )
        s = ac.ApplicationStatus
        if status == s.APPROVED:
            self.ended.add(pk)
            late = self.rng.random() < 0.04  # past the 10 days: a red card
            self.staff_at(
                timezone.localdate(),
                self.rng.randint(11, 13) if late else self.rng.choice((0, 1, 1, 2, 3)),
                self.deliver,
                pk,
            )
        elif status in (s.REJECTED, s.REFUSED):
            self.ended.add(pk)
            self.plan_rating(pk)

    # --- ratings, rectifications, appeals, complaints ------------------------------------

    def level(self, *, bad: float) -> int:
        roll = self.rng.random()
        if roll < bad * 0.45:
            return 1
        if roll < bad:
            return 2
        if roll < bad + 0.08:
            return 3
        if roll < bad + 0.33:
            return 4
        return 5

    def tags(self, level: int) -> list[str]:
        if level <= 2:
            return [self.rng.choice(("slow", "many_trips", "unclear", "unfriendly"))]
        if level >= 4:
            return [self.rng.choice(("fast", "friendly", "clear_guide"))]
        return []

    def plan_rating(self, pk: int) -> None:
        if self.rng.random() < 0.75 or "bad" in self.flags(pk):
            self.at(
                self.now() + dt.timedelta(hours=self.rng.randint(2, 96)),
                self.rate_one,
                pk,
            )

    def rate_one(self, pk: int) -> None:
        application = Application.objects.get(pk=pk)
        troubled = (
            application.status
            in (ac.ApplicationStatus.REJECTED, ac.ApplicationStatus.REFUSED)
            or Card.objects.filter(
                case__application_id=pk, colour=wc.CardColour.RED
            ).exists()
        )
        flags = self.flags(pk)
        level = self.level(bad=1.0 if "bad" in flags else 0.35 if troubled else 0.04)
        rating = rating_submit(
            application=application,
            user=application.applicant,
            level=level,
            comment=self.rng.choice(BAD_COMMENTS if level <= 2 else GOOD_COMMENTS),
            tags=self.tags(level),
        )
        self.result.counts["ratings"] += 1
        if rating.is_bad:
            self.bad_ratings += 1
            if "appeal" in flags or self.bad_ratings == 6:
                head = self.heads.get(rating.department_id)
                if head is not None:
                    self.staff_at(
                        timezone.localdate(),
                        1,
                        self.appeal,
                        rating.pk,
                        head.pk,
                        "appeal" not in flags,
                    )
            if "complaint" in flags or self.bad_ratings == 12:
                self.at(
                    self.now() + dt.timedelta(hours=self.rng.randint(1, 30)),
                    self.complain,
                    pk,
                )

    def callback(self, rect_pk: int) -> None:
        rect = Rectification.objects.get(pk=rect_pk)
        head = self.heads.get(rect.department_id)
        if head is None or rect.state != sc.RectificationState.OPEN:
            return
        rectification_callback(
            rectification=rect,
            user=head,
            note="已电话回访申请人，说明办理情况并致歉，申请人表示理解",
        )
        self.staff_at(
            timezone.localdate(), self.rng.randint(2, 5), self.rectify, rect_pk, head.pk
        )

    def rectify(self, rect_pk: int, head_pk: int) -> None:
        rect = Rectification.objects.get(pk=rect_pk)
        if rect.state != sc.RectificationState.OPEN:
            return
        rectification_submit(
            rectification=rect,
            user=User.objects.get(pk=head_pk),
            measures="对窗口人员开展一次性告知专项培训，完善办件提醒机制",
        )
        self.staff_at(
            timezone.localdate(), self.rng.randint(1, 3), self.review, rect_pk, head_pk
        )

    def review(self, rect_pk: int, head_pk: int) -> None:
        rect = Rectification.objects.get(pk=rect_pk)
        if rect.state != sc.RectificationState.SUBMITTED:
            return
        returned = self.rng.random() < 0.2 and not rect.review_outcome
        rectification_review(
            rectification=rect,
            supervisor=self.supervisor,
            outcome=sc.ReviewOutcome.RETURNED
            if returned
            else sc.ReviewOutcome.ACCEPTED,
            note="整改措施不具体，请补充责任落实情况"
            if returned
            else "整改到位，同意销号",
        )
        if returned:
            self.staff_at(
                timezone.localdate(),
                self.rng.randint(1, 3),
                self.rectify,
                rect_pk,
                head_pk,
            )

    def appeal(self, rating_pk: int, head_pk: int, upheld: bool) -> None:
        rating = Rating.objects.get(pk=rating_pk)
        appeal = appeal_file(
            rating=rating,
            user=User.objects.get(pk=head_pk),
            reason="该办件因申请人材料不全依法一次性告知，办理过程符合规定，申请复核",
        )
        self.result.counts["appeals"] += 1
        self.staff_at(
            timezone.localdate(),
            self.rng.randint(2, 4),
            self.decide_appeal,
            appeal.pk,
            upheld,
        )

    def decide_appeal(self, appeal_pk: int, upheld: bool) -> None:
        appeal = Appeal.objects.get(pk=appeal_pk)
        if appeal.decided_at:
            return
        appeal_decide(
            appeal=appeal,
            supervisor=self.supervisor,
            upheld=upheld,
            note="经调阅办件记录，部门办理符合规定，差评不计入考核"
            if upheld
            else "经核查，办理过程中确有告知不清的问题，维持评价",
        )

    def complain(self, pk: int) -> None:
        application = Application.objects.select_related("applicant").get(pk=pk)
        complaint_file(
            application_number=application.number,
            content="办件超过承诺时限仍未办结，多次咨询没有明确答复，请求督促办理。",
            contact_name=application.applicant.display_name,
            contact_phone=application.applicant.phone,
            user=application.applicant,
        )
        self.result.counts["complaints"] += 1
        complaint = Complaint.objects.order_by("-pk").first()
        self.staff_at(
            timezone.localdate(),
            1,
            self.assign_complaint,
            complaint.pk,
            application.implementation.department_id,
        )

    def assign_complaint(self, complaint_pk: int, department_id: int) -> None:
        complaint = Complaint.objects.get(pk=complaint_pk)
        if complaint.state == sc.ComplaintState.ANSWERED:
            return
        complaint_assign(
            complaint=complaint, supervisor=self.supervisor, department_id=department_id
        )
        head = self.heads.get(department_id)
        if head is not None:
            self.staff_at(
                timezone.localdate(),
                self.rng.randint(2, 6),
                self.answer_complaint,
                complaint_pk,
                head.pk,
            )

    def answer_complaint(self, complaint_pk: int, head_pk: int) -> None:
        complaint = Complaint.objects.get(pk=complaint_pk)
        if complaint.state == sc.ComplaintState.ANSWERED:
            return
        complaint_answer(
            complaint=complaint,
            user=User.objects.get(pk=head_pk),
            reply="经核查，该办件因现场核查延误，已督促办结并向您致歉。",
            outcome=self.rng.choice(
                (sc.ComplaintOutcome.SUBSTANTIATED, sc.ComplaintOutcome.PARTLY)
            ),
        )


def _local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth): small means only."""
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _city(county: str) -> str:
    return {
        "513300": "甘孜州",
        "513301": "康定",
        "513322": "泸定",
        "513334": "理塘",
        "513337": "稻城",
    }.get(county, "甘孜州")
