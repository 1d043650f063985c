"""Complaints (投诉), tips (举报) and nominations (你点我检) in the demo city, walked through `complaints.services` as
the public and the bureau would do it (SAMR Order 20):

- about sixty complaints and tips over the last twelve months, from every district, most of them about a few
  products (the leaders' dashboard's hot spots); complaints named (with address and the business complained
  about), about half the tips anonymous;
- the newest just received and waiting for triage; some being handled, linked to an enterprise of the register and
  assigned (several to the demo inspector); most closed: complaints mediated with or without agreement, tips
  verified with an outcome, their named tipsters told the decision; a couple not accepted on a ground of Order 20;
- the B-grade enterprise closest to grade C with substantiated tips enough to drop it to C: its grade history
  names them (the demo regrades it when it resolves one);
- a tip about a major violation (counterfeit cables) that led to a case, its reward recorded by the leader;
- a tip whose decision period a leader extended once, a tip not decided in time (overdue on the worklist and the
  leaders' dashboard), and an anonymous tip with a reward code its tipster claimed;
- about forty nominations for ten products, the most wanted rice products taken into the draft "你点我检" plan.

Services stamp their records with the moment they run; what the story places on an earlier day is moved there
afterwards (`_Clock`), with the tracking numbers, which carry the day a complaint was received, and the clocks are
set again from the moved dates."""

import datetime
import random
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from brands.models import Application, CultivationTarget, Honour
from complaints import services
from complaints.choices import ComplaintKind, ComplaintStatus, Outcome, RefusalReason
from complaints.models import TRACKING_ALPHABET, Complaint, Nomination
from core.models import AuditEntry
from credit.choices import Grade, GradeCause
from credit.models import BlacklistEntry, GradeOverride, ScoringModel
from credit.services import recalculate_enterprises
from enterprises.choices import EnterpriseStatus
from enterprises.models import District, Enterprise, Product
from inspections.choices import CampaignStatus
from inspections.models import Campaign
from qsportal.demo import city

C, F = ComplaintKind.COMPLAINT, ComplaintKind.TIP


@dataclass(frozen=True)
class Story:
    """What the public reports about one product: how often (`count`); which enterprises of the register make it
    (their industries, and a word of their names, such as 线缆: a complaint is linked to one of them; no industry:
    sold by shops that are not on the register); the word that finds it among an enterprise's products; the
    brands on the labels, where it was bought, and what people write ({brand}, {place})."""

    product: str
    count: int
    industries: tuple[str, ...]
    words: tuple[str, ...]
    label: str
    brands: tuple[str, ...]
    places: tuple[str, ...]
    reports: tuple[tuple[str, str], ...]


STORIES = (
    Story(
        "桶装饮用水",
        8,
        ("15",),
        ("饮品",),
        "饮用水",
        ("洞庭清泉", "岳源", "湘北甘露"),
        ("小区送水站", "桶装水配送点", "便民超市"),
        (
            (C, "在{place}订购的“{brand}”桶装水有明显异味，桶底可见絮状沉淀物，家里老人饮用后腹泻。"),
            (C, "送来的“{brand}”桶装水水桶破旧发黄，桶盖没有防伪封膜，生产日期标注不清。"),
            (F, "{place}销售的桶装水贴着“{brand}”商标，水桶上没有厂名厂址，疑似用自来水私灌冒充品牌水。"),
        ),
    ),
    Story(
        "电线电缆",
        6,
        ("38",),
        ("线缆", "电气"),
        "电线电缆",
        ("恒昌", "金源", "远航"),
        ("五金建材市场", "装修建材店"),
        (
            (C, "在{place}购买的“{brand}”BV2.5平方电线，铜芯明显偏细，绝缘层一剥就破，担心装修用电安全。"),
            (C, "“{brand}”牌电缆标称每卷100米，实际量下来不足90米，外护套印字模糊。"),
            (F, "{place}大量销售印有“{brand}”商标的电线，价格比正品低三成，铜芯发黑，疑为假冒产品。"),
        ),
    ),
    Story(
        "食用植物油",
        5,
        ("13",),
        ("粮油", "农产品"),
        "食用植物油",
        ("巴陵香", "洞庭春", "楚乡"),
        ("农贸市场", "粮油店", "便民超市"),
        (
            (C, "购买的“{brand}”菜籽油开封就有哈喇味，瓶身标注的生产日期才过去三个月。"),
            (C, "{place}散装称重的食用油没有任何标签，商家说是“{brand}”的原油分装。"),
            (C, "“{brand}”压榨花生油标注一级，但油色浑浊、瓶底有沉淀，怀疑掺兑了其他油。"),
        ),
    ),
    Story(
        "电动自行车",
        5,
        ("37",),
        ("电动车",),
        "电动自行车",
        ("新宇", "安行", "驰远"),
        ("电动车专卖店", "电动车维修店"),
        (
            (C, "在{place}购买的“{brand}”电动自行车骑了两个月电池就鼓包，充电时外壳发烫。"),
            (C, "新买的“{brand}”电动车车速明显超过每小时25公里，店家说出厂就解除了限速，也没有脚踏骑行功能。"),
            (F, "{place}销售的电动自行车没有3C认证标志，车架号被打磨过，“{brand}”铭牌是后贴的。"),
        ),
    ),
    Story(
        "散装白酒",
        4,
        ("15",),
        ("酒业",),
        "白酒",
        ("巴陵春", "洞庭老窖", "楚天醇"),
        ("农贸市场", "烟酒店", "乡镇小卖部"),
        (
            (C, "{place}卖的散装白酒“{brand}”喝后头疼得厉害，没有任何标签，怀疑是酒精勾兑。"),
            (F, "{place}有人用回收的“{brand}”酒瓶灌装散酒，贴上假标签当瓶装酒卖，逢年过节卖得很多。"),
        ),
    ),
    Story(
        "复混肥料",
        4,
        ("26",),
        ("化工",),
        "复混肥料",
        ("丰裕", "富民", "沃田"),
        ("农资店", "农资站"),
        (
            (C, "从{place}买的“{brand}”复合肥施下去后，秧苗长势明显不如往年，怀疑养分含量不足。"),
            (C, "“{brand}”复混肥料包装上标注总养分45%，村里集体送检只有不到30%。"),
            (F, "{place}卖的“{brand}”化肥包装和正品几乎一样，但包装上的厂名地址查无此厂。"),
        ),
    ),
    Story(
        "电热水壶",
        3,
        ("38",),
        ("电气", "电机"),
        "电热水壶",
        ("恒昌", "华兴", "康宁"),
        ("家电卖场", "便民超市"),
        (
            (C, "在{place}购买的“{brand}”电热水壶才用两周，手柄处漏电发麻，已经停用。"),
            (C, "“{brand}”电热水壶烧干后不能自动断电，底座烧焦，差点引起火灾。"),
        ),
    ),
    Story(
        "插线板",
        3,
        ("38",),
        ("电气",),
        "插线板",
        ("恒昌", "天成"),
        ("五金店", "小商品批发市场"),
        (
            (F, "{place}批量销售印有“{brand}”商标的插线板，价格只有正品的一半，插孔没有保护门。"),
            (C, "新买的“{brand}”插线板接上电暖器半小时，插座外壳就熔化了。"),
        ),
    ),
    Story(
        "手机充电器",
        3,
        ("39",),
        ("电子", "科技"),
        "电源适配器",
        ("博泰", "瑞信"),
        ("手机配件店", "小商品批发市场"),
        (
            (F, "{place}的手机配件摊位销售印有“{brand}”标志的充电器，做工粗糙、分量很轻，包装上没有3C标志。"),
            (C, "在{place}买的“{brand}”快充充电器插上后发热严重，外壳已经变形。"),
        ),
    ),
    Story(
        "儿童玩具",
        3,
        ("24",),
        ("玩具",),
        "玩具",
        ("童乐", "宝贝熊"),
        ("文具玩具店", "小商品批发市场"),
        (
            (C, "孩子在{place}买的“{brand}”塑料玩具有刺鼻气味，小零件一拽就掉，担心误吞。"),
            (C, "“{brand}”发光玩具的电池仓没有螺丝固定，孩子轻易就能打开。"),
        ),
    ),
    Story(
        "米粉",
        3,
        ("13", "14"),
        ("米业", "食品"),
        "米粉",
        ("巴陵", "洞庭鲜"),
        ("农贸市场", "早餐店"),
        (
            (C, "{place}买的“{brand}”湿米粉闻着有酸味，保质期却标注七天，怀疑防腐剂超标。"),
            (C, "“{brand}”干米粉一煮就糊汤，包装上没有食品生产许可证编号。"),
        ),
    ),
    Story(
        "月饼",
        3,
        ("14",),
        ("食品",),
        "糕点",
        ("楚香斋", "巴陵酥"),
        ("便民超市", "糕点店"),
        (
            (C, "中秋节在{place}买的“{brand}”月饼，还在保质期内就长了霉点。"),
            (C, "{place}散装称重的“{brand}”月饼没有标签，看不到生产日期和厂家。"),
        ),
    ),
    Story(
        "酱油",
        2,
        ("14",),
        ("调味品",),
        "酱油",
        ("湘味坊", "楚乡"),
        ("便民超市", "农贸市场"),
        ((C, "“{brand}”酿造酱油标注特级（氨基酸态氮≥0.8g/100mL），味道寡淡，怀疑达不到标注等级。"),),
    ),
    Story(
        "水泥",
        2,
        ("30",),
        ("水泥", "建材"),
        "水泥",
        ("九鼎", "正和"),
        ("建材市场", "建材店"),
        (
            (C, "自建房用的“{brand}”P.O 42.5水泥，砌好的墙面起砂掉粉，怀疑强度不够。"),
            (F, "{place}卖的“{brand}”水泥包装袋印刷模糊，一袋不足50公斤，疑似小厂冒牌。"),
        ),
    ),
    Story(
        "液化石油气钢瓶",
        2,
        (),
        (),
        "钢瓶",
        ("",),
        ("液化气供应站",),
        ((C, "{place}送来的液化石油气钢瓶没有检验合格标签，瓶阀漏气，瓶身锈蚀严重。"),),
    ),
    Story(
        "羽绒服",
        2,
        (),
        (),
        "羽绒服",
        ("雪岭", "北极狐"),
        ("服装商场", "服装批发市场"),
        ((C, "在{place}买的“{brand}”羽绒服标注含绒量90%，拆开看大部分是飞丝和碎毛片。"),),
    ),
)

# Of the complaints in STORIES, oldest last: how many are in each state (the rest are resolved).
RECEIVED, IN_PROGRESS, REJECTED = 6, 9, 2
POOL = 2000  # enterprises complaints may concern
ON_DEMO_INSPECTOR = 4  # of those being handled
OUTCOME_WEIGHTS = {  # of a tip's verification
    Outcome.SUBSTANTIATED: 25,
    Outcome.PARTLY: 15,
    Outcome.UNSUBSTANTIATED: 35,
    Outcome.REFERRED: 25,
}
MEDIATION_WEIGHTS = {Outcome.MEDIATED: 70, Outcome.NOT_MEDIATED: 30}  # of a complaint's mediation
# How often a resolved complaint (by its outcome) or an open one (the rest) concerns a maker of the register.
LINKED = {
    Outcome.SUBSTANTIATED: 0.9,
    Outcome.PARTLY: 0.9,
    Outcome.UNSUBSTANTIATED: 0.4,
    Outcome.REFERRED: 0,
    Outcome.MEDIATED: 0.7,
    Outcome.NOT_MEDIATED: 0.5,
}
DISTRICT_WEIGHTS = (6, 2, 2, 3, 2, 2, 2, 3, 2)  # by city.DISTRICTS: the city centre hears most

REPLIES = {
    Outcome.SUBSTANTIATED: (
        "经现场核查和抽样检验，您反映的{product}质量问题属实。我局已责令{party}停止销售同批次产品并限期整改，"
        "依法立案调查。感谢您的监督。",
        "经抽样送检，该批次{product}检验结论为不合格，投诉属实。已责令{party}召回问题产品并整改，整改情况纳入企业信用记录。",
    ),
    Outcome.PARTLY: (
        "经核查，您反映的问题部分属实：{product}标签标识不规范，已责令{party}限期整改；所反映的其他质量问题经检验未发现异常。",
        "经现场检查，{party}进货查验记录不全，已责令改正；送检的{product}主要指标符合标准，个别指标处于临界值，已要求加强出厂检验。",
    ),
    Outcome.UNSUBSTANTIATED: (
        "经现场检查和抽样检验，该批次{product}各项指标符合标准要求，您反映的问题未能查实。如有新的线索，欢迎继续反映。",
        "执法人员已到现场核查，经营者能提供合法进货凭证和检验报告，未发现您反映的{product}质量问题。",
    ),
    Outcome.REFERRED: (
        "经核查，该批{product}的生产企业不在本市，我局已责令销售者下架同批次产品，并将线索移送生产企业所在地市场监管部门"
        "依法处理，请留意其答复。",
        "经核查，您反映的问题涉及经营资质，不属于产品质量监督范围，已移送属地行业主管部门依法处理，办理结果将由其直接答复您。",
    ),
}
REPLIES[Outcome.MEDIATED] = (
    "经我局组织调解，您与{party}自愿达成调解协议：{party}为您退换同批次{product}并承担检测费用。调解协议已履行，本次投诉办结。",
    "经调解，{party}同意退还货款并赔偿相应损失，双方签署调解协议书。如对方未履行协议，您可依法向人民法院起诉。",
)
REPLIES[Outcome.NOT_MEDIATED] = (
    "经我局两次组织调解，您与{party}未能就赔偿金额达成一致，依照《市场监督管理投诉举报处理暂行办法》第二十六条终止调解。"
    "您可依法申请仲裁或向人民法院提起诉讼。",
    "{party}拒绝调解，本局依法终止调解。您可以向人民法院起诉；关于{product}的质量问题我局已另行核查。",
)
NOTES = {
    Outcome.SUBSTANTIATED: "现场检查笔录、抽样单和检验报告已归档；已录入企业信用记录。",
    Outcome.PARTLY: "责令改正通知书已送达，整改期限15日，到期复查。",
    Outcome.UNSUBSTANTIATED: "检验报告合格，已电话告知投诉人。",
    Outcome.REFERRED: "移送函已发出，移送材料已存档。",
    Outcome.MEDIATED: "调解笔录和调解协议书已归档，回访投诉人确认已履行。",
    Outcome.NOT_MEDIATED: "调解终止告知书已送达双方。",
}
# Grounds of Order 20 Art 15 (a consumer dispute itself is accepted and mediated, never refused as one).
REJECTIONS = (
    (
        RefusalReason.HANDLED_ELSEWHERE,
        "您反映的争议消费者协会已受理调解，依照《市场监督管理投诉举报处理暂行办法》第十五条，本局不再重复受理。",
    ),
    (
        RefusalReason.MATERIALS_MISSING,
        "您未能提供被投诉人名称、购买凭证等必要材料，依照《市场监督管理投诉举报处理暂行办法》第十五条不予受理。补充后可重新投诉。",
    ),
)
EXTENDED = {
    "product": "电动自行车",
    "brand": "驰远",
    "description": "{place}有一家店改装电动自行车解除限速后销售，还更换了大容量电池，车上的3C标志疑似伪造。",
    "reason": "涉案车辆需送省级检验机构检验，检验周期超过十五个工作日，经局领导批准延长核查期限十五个工作日。",
}
OVERDUE = {
    "product": "液化石油气钢瓶",
    "brand": "",
    "description": "{place}有人用过期未检的液化石油气钢瓶充装销售，钢瓶没有检验标签，存在安全隐患。",
}
CLAIMED = {
    "product": "儿童玩具",
    "brand": "童乐",
    "description": "{place}批发的“童乐”玩具没有CCC标志，包装上厂名厂址都是编造的，疑似无证生产。",
    "claimant": "匿名举报人（凭奖励码认领）",
}
CASE = {
    "product": "电线电缆",
    "brand": "恒昌",
    "description": (
        "{place}一家五金店长期低价批发印有“恒昌”商标的BV电线，外包装和正品几乎一样，"
        "但铜芯发黑、绝缘层很薄。我认识的电工说这批货来自{maker}的一个小作坊，愿意配合调查。"
    ),
    "reply": (
        "经查，您举报的线索属实。我局已对涉案企业立案查处，查扣涉嫌假冒注册商标的电线电缆120卷，"
        "并依法责令停止生产销售。感谢您的举报，奖励事宜将另行通知。"
    ),
    "note": "已立案（岳市监立字〔{year}〕第118号），现场扣押涉案电线120卷，抽样送检。",
    "reward": Decimal("3000.00"),
    "decision": (
        "岳市监奖〔{year}〕7号：举报内容与查处的违法事实相符，立案查处，"
        "依《市场监管领域重大违法行为举报奖励暂行办法》给予二级奖励。"
    ),
}
DROP_REPLY = (
    "经抽样送检，该批次{product}检验结论为不合格，投诉属实。我局已责令{party}停止销售、召回同批次产品并限期整改，"
    "依法立案调查。"
)

# 你点我检: (product, how many ask for it, why, where it is sold)
NOMINATIONS = (
    (
        "米粉",
        9,
        ("早餐店的湿米粉保质期越来越长，担心加了防腐剂。", "孩子天天吃米粉，希望测一下硼砂和二氧化硫。"),
        "早餐店",
    ),
    ("辣条", 7, ("学校门口小卖部的辣条很多没有厂名，孩子爱吃。", "担心辣条里的甜味剂和防腐剂超标。"), "校园周边小卖部"),
    ("桶装饮用水", 5, ("小区送水站的桶装水有时候有怪味。",), "小区送水站"),
    ("米豆腐", 4, ("路边摊的米豆腐很白很有弹性，怕加了东西。",), "农贸市场"),
    ("电动自行车头盔", 4, ("网上十几块钱的头盔不知道能不能起保护作用。",), "电动车专卖店"),
    ("儿童玩具", 3, ("便宜的塑料玩具气味很大。",), "小商品批发市场"),
    ("口罩", 2, ("药店散装口罩没有包装标识。",), "药店"),
    ("茶油", 2, ("农村散装茶油真假难辨。",), "农贸市场"),
    ("腊肉", 2, ("年前集市上的腊肉颜色特别红。",), "集市"),
    ("学生文具", 2, ("孩子的橡皮和修正液气味刺鼻。",), "文具店"),
    ("散装白酒", 1, ("散装白酒有没有甲醇超标？",), "乡镇小卖部"),
)
ADOPTED = ("米粉", "米豆腐")  # taken into the draft rice-products plan, if the demo has one


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class _Clock:
    """What a service writes inside `on(moment)` happened at that moment: `settle` moves the complaints' and
    nominations' time stamps, the complaints' change history and the audit entries there, with one update per table,
    and gives each complaint a tracking number of the day it was received."""

    def __init__(self) -> None:
        self.spans: list[tuple[datetime.datetime, datetime.datetime, datetime.datetime]] = []
        self.starts: list[datetime.datetime] = []  # of the spans, for bisecting

    @contextmanager
    def on(self, moment: datetime.datetime) -> Iterator[None]:
        started = timezone.now()
        yield
        self.spans.append((started, timezone.now(), moment))

    def moved(self, stamp: datetime.datetime | None) -> datetime.datetime | None:
        if stamp is None or not self.spans:
            return stamp
        start, end, moment = self.spans[max(0, bisect_right(self.starts, stamp) - 1)]
        return moment if start <= stamp <= end else stamp

    def settle(self, rng: random.Random) -> None:
        self.starts = [start for start, _end, _moment in self.spans]
        stamps = ("received_at", "triaged_at", "closed_at", "extended_at", "tipster_notified_at", "reward_claimed_at")
        clocks = ("accept_due", "mediation_due", "decision_due", "notice_due")
        numbers = {}
        complaints = list(Complaint.objects.order_by("pk"))
        for complaint in complaints:
            for field in stamps:
                setattr(complaint, field, self.moved(getattr(complaint, field)))
            random_part = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(10))
            numbers[complaint.pk] = f"TS{timezone.localdate(complaint.received_at):%Y%m%d}{random_part}"
            complaint.tracking_number = numbers[complaint.pk]
            services.complaint_clocks_set(complaint)
        _write_back(Complaint, complaints, [*stamps, *clocks, "tracking_number"])
        versions = list(Complaint.history.all())
        for version in versions:
            for field in (*stamps, "history_date"):
                setattr(version, field, self.moved(getattr(version, field)))
            version.tracking_number = numbers[version.id]
            services.complaint_clocks_set(version)
        _write_back(Complaint.history.model, versions, [*stamps, *clocks, "history_date", "tracking_number"])
        nominations = list(Nomination.objects.all())
        for nomination in nominations:
            nomination.submitted_at = self.moved(nomination.submitted_at)
        _write_back(Nomination, nominations, ["submitted_at"])
        entries = list(AuditEntry.objects.filter(action__startswith="complaints."))
        for entry in entries:
            entry.at = self.moved(entry.at)
            if entry.action == "complaints.file":
                entry.summary = numbers[entry.object_id]
        _write_back(AuditEntry, entries, ["at", "summary"])


def _write_back(model: type[models.Model], objects: list[models.Model], fields: list[str]) -> None:
    """Save these fields of `objects`: one statement run for every row (`bulk_update` builds a CASE per row and
    field, which costs more than the whole walk through the services)."""
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    rows = [
        [column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns] + [obj.pk]
        for obj in objects
    ]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s", rows
            )


class _Demo:
    """The cast (the complaints desk, the leader, inspectors), the enterprises complaints may concern, and the clock.

    Complaints concern active enterprises outside the brands demo (a substantiated one lowers the grade, and
    cultivation targets and applicants must keep theirs), without a grade override or a listing, and not the demo
    enterprise; at most POOL of them (the register's order is random already), so a big city costs no more."""

    def __init__(self, *, rng: random.Random, as_of: datetime.date) -> None:
        self.rng = rng
        self.clock = _Clock()
        self.on = self.clock.on
        self.as_of = min(as_of, timezone.localdate())  # nothing is received after the real today
        staff = {user.username: user for user in User.objects.filter(username__in=["leader", "supervisor"])}
        self.leader, self.desk = staff["leader"], staff["supervisor"]
        self.inspectors = list(User.objects.filter(role=Role.INSPECTOR).order_by("pk"))
        self.demo_inspector = next(user for user in self.inspectors if user.username == "inspector")
        self.districts = list(District.objects.filter(code__in=[code for code, _n, _t in city.DISTRICTS]))
        self.districts.sort(key=lambda d: [code for code, _n, _t in city.DISTRICTS].index(d.code))
        self.towns = {code: towns for code, _name, towns in city.DISTRICTS}
        excluded = {User.objects.get(username="enterprise").enterprise_id}
        for model in (Application, CultivationTarget, Honour, GradeOverride, BlacklistEntry):
            excluded.update(model.objects.values_list("enterprise_id", flat=True))
        self.pool = list(
            Enterprise.objects.filter(
                status=EnterpriseStatus.ACTIVE,
                credit__isnull=False,
                industry__code__in={code for story in STORIES for code in story.industries},
            )
            .exclude(pk__in=excluded)
            .select_related("district", "area", "industry", "credit")
            .order_by("pk")[:POOL]
        )
        self.products: dict[int, list[Product]] = {}
        pool_ids = [enterprise.pk for enterprise in self.pool]
        for product in Product.objects.filter(enterprise_id__in=pool_ids, discontinued_on__isnull=True).order_by("pk"):
            self.products.setdefault(product.enterprise_id, []).append(product)
        self.reserved: set[int] = set()  # the enterprises of the grade drop and the case: no other complaint
        self.linked: set[int] = set()

    def makers(self, story: Story) -> list[Enterprise]:
        """The enterprises of the story's industries, those whose names say they make it if there are any."""
        makers = [e for e in self.pool if e.industry.code in story.industries and e.pk not in self.reserved]
        return [e for e in makers if any(word in e.name for word in story.words)] or makers

    def maker(self, story: Story) -> Enterprise | None:
        """One of the makers, more likely one with the product on file (the complaint then names it too)."""
        makers = self.makers(story)
        if not makers:
            return None
        return self.rng.choices(makers, [3 if self.product_of(e, story) else 1 for e in makers])[0]

    def product_of(self, enterprise: Enterprise, story: Story) -> Product | None:
        return next((p for p in self.products.get(enterprise.pk, []) if story.label in p.name), None)

    def person(self) -> tuple[str, str]:
        given = "".join(self.rng.choice(city.GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        phone = f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"
        return self.rng.choice(city.SURNAMES) + given, phone

    def place(self, story_places: tuple[str, ...], district: District, enterprise: Enterprise | None) -> str:
        town = enterprise.area.name if enterprise is not None else self.rng.choice(self.towns[district.code])
        return f"{district.name}{town}{self.rng.choice(city.ROADS)}{self.rng.choice(story_places)}"

    def moment(self, day: datetime.date, first_hour: int = 8, last_hour: int = 21) -> datetime.datetime:
        return _at(day, self.rng.randint(first_hour, last_hour), self.rng.choice((0, 10, 20, 30, 40, 50)))

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.as_of - datetime.timedelta(days=self.rng.randint(low, high))

    # The steps, each on its day.

    def address(self) -> str:
        district = self.rng.choice(self.districts)
        town = self.rng.choice(self.towns[district.code])
        return f"{district.name}{town}{self.rng.choice(city.ROADS)}{self.rng.randint(1, 300)}号"

    def file(self, day: datetime.date, values: dict, *, anonymous: bool, reward_code: bool = False) -> Complaint:
        if anonymous:
            values = {**values, "anonymous": True, "reward_code": reward_code}
        else:
            name, phone = self.person()
            values = {**values, "contact_name": name, "contact_phone": phone, "contact_address": self.address()}
        if values["kind"] == C and not values.get("enterprise_name"):
            values["enterprise_name"] = values["place"]  # the shop complained about, as the consumer names it
        with self.on(self.moment(day)):
            return services.complaint_file(values=values)

    def notify(self, complaint: Complaint, day: datetime.date) -> None:
        """The desk tells a named tipster the decision."""
        if complaint.notice_due is None:
            return
        with self.on(self.moment(day, 9, 17)):
            services.tipster_notify(actor=self.desk, complaint=complaint, how="电话告知举报人处理决定")

    def accept(self, complaint: Complaint, day: datetime.date, enterprise, product, handler) -> Complaint:
        if enterprise is not None:
            self.linked.add(enterprise.pk)
        with self.on(self.moment(day, 9, 17)):
            return services.complaint_accept(
                actor=self.desk, complaint=complaint, enterprise=enterprise, product=product, assigned_to=handler
            )

    def resolve(self, complaint: Complaint, day: datetime.date, outcome: str, reply: str, **extra) -> Complaint:
        # The handler closes their own; the desk those it kept.
        actor = complaint.assigned_to or self.desk
        with self.on(self.moment(day, 9, 17)):
            complaint = services.complaint_resolve(
                actor=actor, complaint=complaint, outcome=outcome, reply=reply, **extra
            )
            if complaint.enterprise_id:  # its event moves the grade only once the seed commits: regrade it now
                recalculate_enterprises([complaint.enterprise_id], cause=GradeCause.EVENT, detail="complaints.resolve")
            return complaint


def seed_complaints(*, rng: random.Random, as_of: datetime.date) -> None:
    """Call after the brands demo: complaints keep clear of its enterprises, and a substantiated complaint moves a
    grade."""
    demo = _Demo(rng=rng, as_of=as_of)
    _grade_drop(demo)
    _counterfeit_case(demo)
    _complaints(demo)
    _clocks(demo)
    _nominations(demo)
    demo.clock.settle(rng)
    # The next nightly run, on the record as it now reads: open complaints count in the risk score too.
    if demo.linked:
        recalculate_enterprises(sorted(demo.linked), cause=GradeCause.SCHEDULED)
    _adopt(demo)


def _grade_drop(demo: _Demo) -> None:
    """A B enterprise close to grade C gets as many substantiated tips as take it below B, each resolved months
    ago: two when some enterprise scores so (the first leaves it at B, the second tips it to C), else as few
    as do it."""
    model = ScoringModel.objects.in_force(timezone.localdate())
    weight = (model.weights if model else {}).get("complaint_substantiated", {})
    points, cap = weight.get("points", 0), weight.get("cap")
    if points >= 0:
        return

    def needed(score: float) -> int | None:
        losses = [k * points if cap is None else max(k * points, -cap) for k in range(1, 5)]
        return next((k for k, loss in enumerate(losses, start=1) if score + loss < model.grade_b_min), None)

    candidates = [
        (needed(e.credit.score), e.credit.score, e.pk, e)
        for e in demo.pool
        if e.credit.grade == Grade.B == e.credit.computed_grade and _story_for(e)
    ]
    candidates = [candidate for candidate in candidates if candidate[0] is not None]
    if not candidates:
        return
    count, _score, _pk, enterprise = min(candidates, key=lambda c: (c[0] != 2, c[0], c[1], c[2]))
    demo.reserved.add(enterprise.pk)
    story = _story_for(enterprise)
    product = demo.product_of(enterprise, story)
    reports = story.reports  # what the tipsters saw, reported as violations
    for n in range(count):
        received = demo.days_ago(200 - 45 * n, 215 - 45 * n)
        _kind, text = reports[n % len(reports)]
        kind = F
        brand = demo.rng.choice(story.brands)
        place = demo.place(story.places, enterprise.district, enterprise)
        complaint = demo.file(
            received,
            {
                "kind": kind,
                "product_name": story.product,
                "brand": brand,
                "enterprise_name": enterprise.name,
                "place": place,
                "district": enterprise.district,
                "description": text.format(brand=brand, place=place),
            },
            anonymous=False,
        )
        triaged = received + datetime.timedelta(days=demo.rng.randint(1, 3))
        complaint = demo.accept(
            complaint, triaged, enterprise, product, demo.inspectors[(1 + n) % len(demo.inspectors)]
        )
        closed = triaged + datetime.timedelta(days=demo.rng.randint(5, 10))
        complaint = demo.resolve(
            complaint,
            closed,
            Outcome.SUBSTANTIATED,
            DROP_REPLY.format(product=story.product, party=enterprise.name),
            note=NOTES[Outcome.SUBSTANTIATED],
        )
        demo.notify(complaint, closed + datetime.timedelta(days=1))


def _story_for(enterprise: Enterprise) -> Story | None:
    """What people would complain about to this enterprise: the first story its name fits, else of its industry."""
    stories = [story for story in STORIES if enterprise.industry.code in story.industries]
    return next((story for story in stories if any(word in enterprise.name for word in story.words)), None) or next(
        iter(stories), None
    )


def _counterfeit_case(demo: _Demo) -> None:
    """A named tip about counterfeit cables (a major violation) that led to a case against their maker, the tipster
    told the decision, and the leader's reward."""
    cables = next(story for story in STORIES if story.product == CASE["product"])
    others = [e for e in demo.pool if e.pk not in demo.reserved]
    maker = demo.maker(cables) or (demo.rng.choice(others) if others else None)
    if maker is None:
        return
    demo.reserved.add(maker.pk)
    year = demo.as_of.year
    received = demo.days_ago(190, 210)
    place = demo.place(("五金建材市场",), maker.district, maker)
    tip = demo.file(
        received,
        {
            "kind": F,
            "product_name": CASE["product"],
            "brand": CASE["brand"],
            "enterprise_name": "",
            "place": place,
            "district": maker.district,
            "description": CASE["description"].format(place=place, maker=f"{maker.district.name}{maker.area.name}"),
        },
        anonymous=False,
    )
    tip = demo.accept(tip, received + datetime.timedelta(days=1), maker, None, None)
    closed = received + datetime.timedelta(days=demo.rng.randint(12, 18))
    tip = demo.resolve(
        tip,
        closed,
        Outcome.SUBSTANTIATED,
        CASE["reply"],
        led_to_case=True,
        major_violation=True,
        note=CASE["note"].format(year=year),
    )
    demo.notify(tip, closed + datetime.timedelta(days=2))
    with demo.on(demo.moment(closed + datetime.timedelta(days=30), 9, 17)):
        services.reward_record(
            actor=demo.leader, complaint=tip, amount=CASE["reward"], note=CASE["decision"].format(year=year)
        )


def _complaints(demo: _Demo) -> None:
    """Every story's complaints in a shuffled order, the newest received, then being handled, then closed."""
    rng = demo.rng
    entries = [(story, rng.choice(story.reports)) for story in STORIES for _n in range(story.count)]
    rng.shuffle(entries)
    states = [ComplaintStatus.RECEIVED] * RECEIVED + [ComplaintStatus.IN_PROGRESS] * IN_PROGRESS
    states += [ComplaintStatus.REJECTED] * REJECTED
    states += [ComplaintStatus.RESOLVED] * (len(entries) - len(states))
    handling = 0
    unseen = {C: list(MEDIATION_WEIGHTS), "tip": list(OUTCOME_WEIGHTS)}  # each outcome shown at least once
    for n, ((story, (kind, text)), state) in enumerate(zip(entries, states, strict=True)):
        weighted = MEDIATION_WEIGHTS if kind == C else OUTCOME_WEIGHTS
        outcome = ""
        if state == ComplaintStatus.RESOLVED:
            first = unseen[C if kind == C else "tip"]
            outcome = first.pop(0) if first else rng.choices(list(weighted), list(weighted.values()))[0]
        # Who it concerns: a maker of the register (named on the label), or a shop that is not on the register
        # (where the goods often turn out to be in order, or the case goes to another authority).
        enterprise = demo.maker(story) if rng.random() < LINKED.get(outcome, 0.9) else None
        if enterprise is not None:
            district = enterprise.district
        else:
            district = rng.choices(demo.districts, DISTRICT_WEIGHTS[: len(demo.districts)])[0]
        brand = rng.choice(story.brands)
        place = demo.place(story.places, district, enterprise)
        if state == ComplaintStatus.RECEIVED:
            received = demo.days_ago(1, 6)
        elif state == ComplaintStatus.IN_PROGRESS:  # a tip within its decision period, a complaint in mediation
            received = demo.days_ago(3, 12) if kind == F else demo.days_ago(8, 50)
        else:
            received = demo.days_ago(45, 362)
        complaint = demo.file(
            received,
            {
                "kind": kind,
                "product_name": story.product,
                "brand": brand,
                "enterprise_name": enterprise.name if enterprise is not None and rng.random() < 0.8 else "",
                "place": place,
                "district": district if rng.random() < 0.95 else None,
                "description": text.format(brand=brand, place=place),
            },
            anonymous=kind == F and n % 2 == 0,  # a complaint is named; about half the tipsters are not
        )
        if state == ComplaintStatus.RECEIVED:
            continue
        triaged = received + datetime.timedelta(days=rng.randint(1, 4))
        if state == ComplaintStatus.REJECTED:
            reason, reply = REJECTIONS[n % len(REJECTIONS)]
            with demo.on(demo.moment(triaged, 9, 17)):
                complaint = services.complaint_reject(actor=demo.desk, complaint=complaint, reply=reply, reason=reason)
            demo.notify(complaint, triaged + datetime.timedelta(days=1))
            continue
        if state == ComplaintStatus.IN_PROGRESS:
            handler = demo.demo_inspector if handling < ON_DEMO_INSPECTOR else rng.choice([*demo.inspectors, None])
            handling += 1
        else:
            handler = rng.choice([*demo.inspectors[:4], None])  # the demo inspector has closed some too
        product = demo.product_of(enterprise, story) if enterprise is not None else None
        complaint = demo.accept(complaint, triaged, enterprise, product, handler)
        if state == ComplaintStatus.IN_PROGRESS:
            continue
        party = enterprise.name if enterprise is not None else "销售者"
        closed = min(
            triaged + datetime.timedelta(days=rng.randint(6, 35) if kind == C else rng.randint(3, 12)),
            demo.as_of - datetime.timedelta(days=3),
        )
        complaint = demo.resolve(
            complaint,
            closed,
            outcome,
            rng.choice(REPLIES[outcome]).format(product=story.product, party=party),
            note=NOTES[outcome],
        )
        demo.notify(complaint, closed + datetime.timedelta(days=rng.randint(1, 3)))


def _clocks(demo: _Demo) -> None:
    """The clocks' states: a tip whose decision period a leader extended once with the reason, a tip left
    undecided past its period (overdue on the worklist and the dashboard), and an anonymous tip whose tipster
    claimed the reward code given at filing."""
    district = demo.districts[0]
    place = demo.place(("电动车专卖店",), district, None)
    received = demo.days_ago(16, 18)
    tip = demo.file(
        received,
        {
            "kind": F,
            "product_name": EXTENDED["product"],
            "brand": EXTENDED["brand"],
            "place": place,
            "district": district,
            "description": EXTENDED["description"].format(place=place),
        },
        anonymous=False,
    )
    tip = demo.accept(tip, received + datetime.timedelta(days=1), None, None, demo.demo_inspector)
    with demo.on(demo.moment(received + datetime.timedelta(days=14), 9, 17)):
        services.tip_extend(actor=demo.leader, complaint=tip, reason=EXTENDED["reason"])

    district = demo.districts[-1]
    place = demo.place(("液化气供应站",), district, None)
    received = demo.days_ago(30, 33)
    tip = demo.file(
        received,
        {
            "kind": F,
            "product_name": OVERDUE["product"],
            "brand": OVERDUE["brand"],
            "place": place,
            "district": district,
            "description": OVERDUE["description"].format(place=place),
        },
        anonymous=False,
    )
    demo.accept(tip, received + datetime.timedelta(days=2), None, None, demo.inspectors[-1])

    district = demo.districts[1 % len(demo.districts)]
    place = demo.place(("小商品批发市场",), district, None)
    received = demo.days_ago(5, 8)
    tip = demo.file(
        received,
        {
            "kind": F,
            "product_name": CLAIMED["product"],
            "brand": CLAIMED["brand"],
            "place": place,
            "district": district,
            "description": CLAIMED["description"].format(place=place),
        },
        anonymous=True,
        reward_code=True,
    )
    _name, phone = demo.person()
    with demo.on(demo.moment(received + datetime.timedelta(days=2))):
        services.reward_claim(number=tip.tracking_number, code=tip.reward_code, name=CLAIMED["claimant"], phone=phone)


def _nominations(demo: _Demo) -> None:
    """The public's nominations over the year, the popular products asked for again and again."""
    rng = demo.rng
    entries = [(product, reasons, place) for product, count, reasons, place in NOMINATIONS for _n in range(count)]
    rng.shuffle(entries)
    for product, reasons, place in entries:
        district = rng.choices(demo.districts, DISTRICT_WEIGHTS[: len(demo.districts)])[0]
        with demo.on(demo.moment(demo.days_ago(3, 360))):
            services.nomination_submit(
                values={"product_name": product, "reason": rng.choice(reasons), "place": f"{district.name}{place}"}
            )


def _adopt(demo: _Demo) -> None:
    """The supervisor takes the most wanted rice products into the draft "你点我检" plan (today, after it was drawn
    up)."""
    draft = (
        Campaign.objects.filter(status=CampaignStatus.DRAFT)
        .filter(Q(title__contains="你点我检") | Q(product_categories__contains=ADOPTED[0]))
        .order_by("pk")
        .first()
    )
    if draft is not None:
        services.nominations_adopt(actor=demo.desk, campaign=draft, product_names=list(ADOPTED))
