"""What each figure counts: one predicate per counter, for cells and drill-downs.

A counter is (anchor, predicate): the facts whose ``anchor`` day falls in
the period and which match the predicate. The cell builder counts each
counter per day cell with exactly this predicate (``Count(filter=...)``) and
the drill-down filters the facts with the same one, so a drill-down's count
is the figure whenever the cells are current (docs/adr/0010).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.constants import BAD_LEVELS

GOOD_MIN_LEVEL = 3  # 非常满意, 满意, 基本满意 are good; the two lowest bad
BAD_MAX_LEVEL = max(BAD_LEVELS)

SUBMITTED = "submitted_on"
ACCEPTED = "accepted_on"
REFUSED = "refused_on"
WITHDRAWN = "withdrawn_on"
COMPLETED = "completed_on"
RATED = "rated_on"
NOW = ""  # a snapshot as of the last refresh, not tied to the period

ANCHORS = (SUBMITTED, ACCEPTED, REFUSED, WITHDRAWN, COMPLETED, RATED)


@dataclass(frozen=True)
class Counter:
    name: str
    anchor: str
    q: Q


_BAD = Q(rating_level__isnull=False, rating_level__lte=BAD_MAX_LEVEL)

# The cell's counter columns (supervision.models.FigureCell), in that order.
COUNTERS: tuple[Counter, ...] = (
    Counter("received", SUBMITTED, Q()),
    Counter("received_online", SUBMITTED, Q(channel="online")),
    Counter("received_counter", SUBMITTED, Q(channel="counter")),
    Counter("received_agent", SUBMITTED, Q(channel="agent")),
    Counter("received_api", SUBMITTED, Q(channel="api")),
    Counter("received_depth3", SUBMITTED, Q(depth__gte=3)),
    Counter("received_depth4", SUBMITTED, Q(depth__gte=4)),
    Counter("accepted", ACCEPTED, Q()),
    Counter("deemed", ACCEPTED, Q(deemed=True)),
    Counter("refused", REFUSED, Q()),
    Counter("withdrawn", WITHDRAWN, Q()),
    Counter("completed", COMPLETED, Q()),
    Counter("on_time", COMPLETED, Q(on_time=True)),
    Counter("on_time_measured", COMPLETED, Q(on_time__isnull=False)),
    Counter("breach", COMPLETED, Q(statutory_breach=True)),
    Counter("breach_measured", COMPLETED, Q(statutory_breach__isnull=False)),
    Counter("late_step_apps", COMPLETED, Q(late_steps__gt=0)),
    Counter("ratings", RATED, Q(rating_level__isnull=False)),
    Counter("ratings_good", RATED, Q(rating_level__gte=GOOD_MIN_LEVEL)),
    Counter("ratings_bad", RATED, _BAD),
    Counter("rect_due", RATED, _BAD & ~Q(rectification_state="voided")),
    Counter("rect_done", RATED, _BAD & Q(rectification_state="done")),
    *(Counter(f"rating_{lv}", RATED, Q(rating_level=lv)) for lv in (5, 4, 3, 2, 1)),
)
# Summed, not counted: materials of the applications received.
SUMS: tuple[tuple[str, str, str], ...] = (
    ("materials_total", SUBMITTED, "materials_total"),
    ("materials_certificate", SUBMITTED, "materials_certificate"),
)
NOW_COUNTERS: tuple[Counter, ...] = (
    Counter("open_now", NOW, Q(is_open=True)),
    Counter("yellow_now", NOW, Q(is_open=True, card_now="yellow")),
    Counter("red_now", NOW, Q(is_open=True, card_now="red")),
)
BY_NAME = {c.name: c for c in COUNTERS + NOW_COUNTERS}


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    definition: str
    kind: str  # count | rate | share | days
    drill: bool
    # The counter a drill-down lists (the numerator of a rate or share), and
    # for rates and shares the denominator's counter.
    counter: str = ""
    denominator: str = ""


def _m(key, label, definition, kind, counter="", denominator="", drill=True):
    return Metric(key, label, definition, kind, drill, counter, denominator)


METRICS: tuple[Metric, ...] = (
    _m(
        "received",
        _("收件"),
        _("期间内提交的办件数（按提交日）。"),
        "count",
        "received",
    ),
    _m(
        "accepted",
        _("受理"),
        _("期间内受理的办件数（按受理日，含视为受理）。"),
        "count",
        "accepted",
    ),
    _m(
        "deemed",
        _("视为受理"),
        _("期间内因逾期未告知而视为受理的办件数（行政许可法第三十二条）。"),
        "count",
        "deemed",
    ),
    _m(
        "withdrawn",
        _("撤回"),
        _("期间内申请人撤回的办件数（按撤回日），不计入办结。"),
        "count",
        "withdrawn",
    ),
    _m(
        "completed",
        _("办结"),
        _("期间内作出准予或不予许可决定的办件数（按决定日）；撤回的不计入。"),
        "count",
        "completed",
    ),
    _m(
        "on_time_rate",
        _("按时办结率"),
        _(
            "按承诺时限办结数 ÷ 办结数：决定日不晚于承诺办结期限"
            "（扣除补正、特别程序等中止计时期间）。无承诺时限的办件不计入分母。"
        ),
        "rate",
        "on_time",
        "on_time_measured",
    ),
    _m(
        "statutory_breach",
        _("超法定时限"),
        _(
            "期间内办结、决定日晚于法定办结期限（含批准的延期，扣除中止计时期间）"
            "的办件数。"
        ),
        "count",
        "breach",
    ),
    _m(
        "late_steps",
        _("环节超期办件"),
        _("期间内办结、至少一个环节晚于该环节时限办完的办件数（整体可能按时）。"),
        "count",
        "late_step_apps",
    ),
    _m(
        "open_now",
        _("在办"),
        _("统计时点尚在办理（含中止计时）的办件数，不受期间限制。"),
        "count",
        "open_now",
    ),
    _m(
        "yellow_now",
        _("黄牌"),
        _("统计时点在办且亮黄牌（临近到期）、未亮红牌的办件数。"),
        "count",
        "yellow_now",
    ),
    _m(
        "red_now",
        _("红牌"),
        _("统计时点在办且亮红牌（案卷或任一环节已超期）的办件数。"),
        "count",
        "red_now",
    ),
    _m(
        "median_days",
        _("办结用时中位数（工作日）"),
        _("期间内办结的办件，自受理次日至决定日的工作日数（扣除中止计时）的中位数。"),
        "days",
        drill=False,
    ),
    _m(
        "p90_days",
        _("办结用时90分位（工作日）"),
        _("同上工作日数的第90百分位（最近秩法）。"),
        "days",
        drill=False,
    ),
    _m(
        "share_online",
        _("网上申请占比"),
        _("期间内收件中网上申请的占比。"),
        "share",
        "received_online",
        "received",
    ),
    _m(
        "share_counter",
        _("窗口受理占比"),
        _("期间内收件中窗口受理的占比。"),
        "share",
        "received_counter",
        "received",
    ),
    _m(
        "share_agent",
        _("代办占比"),
        _("期间内收件中代办的占比。"),
        "share",
        "received_agent",
        "received",
    ),
    _m(
        "share_api",
        _("移动端/自助终端占比"),
        _("期间内收件中经移动端或自助终端申请的占比。"),
        "share",
        "received_api",
        "received",
    ),
    _m(
        "items_online",
        _("Ⅲ级及以上事项"),
        _("期间内有收件的事项中，网上办理深度达到Ⅲ级及以上的事项数 ÷ 有收件的事项数。"),
        "rate",
        drill=False,
    ),
    _m(
        "items_full_online",
        _("Ⅳ级事项"),
        _("期间内有收件的事项中，全程网办（Ⅳ级）的事项数 ÷ 有收件的事项数。"),
        "rate",
        drill=False,
    ),
    _m(
        "certificate_share",
        _("电子证照替代材料占比"),
        _("期间内收件所需材料中，以电子证照提供的材料数 ÷ 材料总数。"),
        "share",
        drill=False,
    ),
    _m(
        "ratings",
        _("评价数"),
        _("期间内对办件的评价数（按评价日）。"),
        "count",
        "ratings",
    ),
    *(
        _m(
            f"rating_{level}",
            label,
            _("期间内该等级的办件评价数。"),
            "count",
            f"rating_{level}",
        )
        for level, label in (
            (5, _("非常满意")),
            (4, _("满意")),
            (3, _("基本满意")),
            (2, _("不满意")),
            (1, _("非常不满意")),
        )
    ),
    _m(
        "good_rate",
        _("好评率"),
        _("非常满意、满意、基本满意的评价数 ÷ 评价数。"),
        "rate",
        "ratings_good",
        "ratings",
    ),
    _m(
        "rectification_rate",
        _("差评整改率"),
        _(
            "期间内差评（不满意、非常不满意）中整改经复核合格的数 ÷ 差评数"
            "（申诉成立免于整改的不计入）。"
        ),
        "rate",
        "rect_done",
        "rect_due",
    ),
    _m(
        "counter_ratings",
        _("窗口评价数"),
        _("期间内对窗口来访的评价数（按评价日、服务窗口人员所在部门），不对应办件。"),
        "count",
        drill=False,
    ),
    _m(
        "counter_good_rate",
        _("窗口好评率"),
        _("窗口来访评价中非常满意、满意、基本满意的数 ÷ 窗口评价数。"),
        "rate",
        drill=False,
    ),
)
METRIC_BY_KEY = {m.key: m for m in METRICS}
