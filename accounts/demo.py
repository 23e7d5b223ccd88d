"""Demo data for accounts: recommenders, units, QC groups, experts and the demo logins.

Everything is generated first, in memory, from `random.Random(2026)`, so a rerun produces exactly the same
people and organisations; then rows are matched on their natural keys (recommender and unit name, user email,
group name within its unit, expert user, membership tuple) and only the missing ones are inserted, in bulk.
A second run inserts nothing and changes nothing.

All names are fictional. Every seeded account signs in with `core.seeding.DEMO_PASSWORD`; the password is
hashed once and the hash reused, since Argon2 is deliberately slow.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from core.seeding import DEMO_PASSWORD

from .enums import ApprovalStatus, RecommenderKind, Role
from .models import Expert, GroupMember, Membership, QCGroup, Recommender, Unit, User
from .validators import credit_code_check_char

SEED = 2026
DOMAIN = "demo.saq.test"
UNIT_COUNT = 150
GROUP_COUNT = 400
EXPERT_COUNT = 40

# facts.md §8: Shanghai's 16 districts, with their administrative division codes (GB/T 2260).
DISTRICTS = [
    ("黄浦区", "310101"),
    ("徐汇区", "310104"),
    ("长宁区", "310105"),
    ("静安区", "310106"),
    ("普陀区", "310107"),
    ("虹口区", "310109"),
    ("杨浦区", "310110"),
    ("闵行区", "310112"),
    ("宝山区", "310113"),
    ("嘉定区", "310114"),
    ("浦东新区", "310115"),
    ("金山区", "310116"),
    ("松江区", "310117"),
    ("青浦区", "310118"),
    ("奉贤区", "310120"),
    ("崇明区", "310151"),
]
INDUSTRY_ASSOCIATIONS = ["上海市化工行业协会", "上海市机械工业协会", "上海市建筑施工行业协会", "上海市电子学会质量分会"]
# Fictional group companies.
GROUP_COMPANIES = ["上海申江电气集团有限公司", "上海浦联建设集团有限公司", "上海华晟汽车零部件集团有限公司"]
FEATURED_DISTRICT = "浦东新区"
# GB 11714 organisation code (characters 9-17 of a credit code): values and weights of its first eight characters.
ORG_CODE_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许邓冯韩曹曾彭蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任"
    "姚卢傅钟姜崔谭廖范汪陆金石戴贾夏邱方侯邹熊孟秦白江薛尹段雷史龙陶贺顾毛郝龚邵万钱严洪武孔"
)
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"  # noqa: E501
BRANDS = (
    "华瑞 申江 浦联 宏达 金桥 东方 新沪 汇盛 联创 振华 永盛 凯达 瑞丰 恒通 海昌 中拓 天成 鼎信 宝联 松华 "
    "嘉禾 青松 奉达 崇光 闵辉 徐申 长江 静远 杨帆 虹星 金山 明德 科隆 锦程 晨光 华泰 申宝 沪东 启明 卓越"
).split()
INDUSTRIES = [
    "精密机械",
    "电气",
    "汽车零部件",
    "化工",
    "建设工程",
    "电子科技",
    "医药",
    "食品",
    "纺织",
    "物流",
    "环保科技",
    "信息技术",
    "钢结构",
    "船舶配套",
    "新材料",
    "仪器仪表",
]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "股份有限公司"]
ROADS = "张江 金科 世纪 陆家嘴 龙阳 川沙 华夏 漕溪 虹桥 延安 中山 武宁 曹杨 江湾 国权 莘庄 友谊 曹安 沪闵 南亭".split()
GROUP_NAMES = (
    "精益求精 攻坚克难 追求卓越 星火 启航 匠心 先锋 智造 降本增效 质量提升 零缺陷 蓝天 创新 奋进 远航 砥砺 "
    "开拓者 求实 雄鹰 旭日 精工 卓越 同心 聚力 扬帆 破浪 绿色 安全卫士 节能 品质 铁军 飞翔 超越 腾飞 明珠 "
    "火炬 齐心 攀登 领航 新锐"
).split()
JOB_TITLES = [
    "工程师",
    "助理工程师",
    "高级工程师",
    "技术员",
    "质量工程师",
    "工艺员",
    "检验员",
    "班组长",
    "操作工",
    "车间主任",
]
EXPERT_TITLES = ["高级工程师", "教授级高级工程师", "研究员", "副教授", "高级经济师"]
SPECIALITIES = [
    "机械制造",
    "电气工程",
    "化工工艺",
    "建筑施工",
    "质量管理",
    "统计技术",
    "精益生产",
    "六西格玛",
    "软件工程",
]
EXPERT_EMPLOYERS = [
    "上海质量管理科学研究院",
    "上海大学管理学院",
    "同济大学",
    "上海市计量测试技术研究院",
    "华东理工大学",
]

# The logins shown to demo users: (key, email, full name, mobile, description).
FEATURED_LOGINS = {
    "staff": ("staff@demo.saq.test", "周雅琴", "13816000001", "秘书处工作人员 / secretariat staff (also Django admin)"),
    "group": ("group@demo.saq.test", "陈志明", "13816000002", "QC小组组长 / QC group leader (精益求精QC小组)"),
    "unit": (
        "unit@demo.saq.test",
        "李建华",
        "13816000003",
        "单位联系人，兼评审专家 / unit contact, also an expert (one person, two roles)",
    ),
    "recommender": (
        "recommender@demo.saq.test",
        "王慧敏",
        "13816000004",
        "推荐单位（浦东新区市场监督管理局） / recommending organisation (Pudong bureau)",
    ),
    "expert": ("expert@demo.saq.test", "孙立群", "13816000005", "评审专家 / expert reviewer"),
}
FEATURED_UNIT = "上海华瑞精密机械有限公司"
REJECTION_NOTE = "营业执照名称与统一社会信用代码不一致，请核对后重新提交。"
FEATURED_GROUP = "精益求精QC小组"


@dataclass
class Person:
    email: str
    full_name: str
    mobile: str


@dataclass
class UnitSpec:
    name: str
    credit_code: str
    address: str
    contact_phone: str
    recommender: str | None
    status: str
    contact: Person | None
    status_note: str = ""
    is_member: bool = False
    applies_directly: bool = False
    direct_confirmed: bool = False


@dataclass
class GroupSpec:
    unit: str
    name: str
    leader: Person
    founded_on: datetime.date
    status: str
    registration_number: str
    members: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, gender, job title, role


@dataclass
class ExpertSpec:
    person: Person
    organisation_name: str
    title: str
    specialities: str


@dataclass
class World:
    recommenders: list[tuple[str, str, Person]]  # name, kind, member
    units: list[UnitSpec]
    groups: list[GroupSpec]
    experts: list[ExpertSpec]
    staff: Person


class _Generator:
    """Draws every name, code and number from one seeded generator, in a fixed order."""

    def __init__(self):
        self.rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not a secret  # nosec B311
        self.names: set[str] = set()
        self.mobiles: set[str] = {mobile for _, _, mobile, _ in FEATURED_LOGINS.values()}
        self.codes: set[str] = set()
        self.serial = 0

    def full_name(self) -> str:
        while True:
            given = "".join(self.rng.choice(GIVEN_CHARS) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(SURNAMES) + given
            if name not in self.names:
                self.names.add(name)
                return name

    def mobile(self) -> str:
        while True:
            mobile = "1" + self.rng.choice("3456789") + "".join(self.rng.choice("0123456789") for _ in range(9))
            if mobile not in self.mobiles:
                self.mobiles.add(mobile)
                return mobile

    def person(self, prefix: str) -> Person:
        self.serial += 1
        return Person(f"{prefix}{self.serial:04d}@{DOMAIN}", self.full_name(), self.mobile())

    def credit_code(self, division: str) -> str:
        """91 (enterprise) + division + a GB 11714 organisation code + the GB 32100 check character."""
        while True:
            body = "MA1" + "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(5))
            remainder = 11 - sum(ORG_CODE_VALUES[c] * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True)) % 11
            first17 = "91" + division + body + {10: "X", 11: "0"}.get(remainder, str(remainder))
            code = first17 + credit_code_check_char(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def address(self, district: str) -> str:
        return f"上海市{district}{self.rng.choice(ROADS)}路{self.rng.randint(1, 2999)}号"

    def phone(self) -> str:
        return f"021-{self.rng.randint(5000, 6999)}{self.rng.randint(0, 9999):04d}"

    def members(self, leader: Person, count: int) -> list[tuple[str, str, str, str]]:
        rows = [(leader.full_name, self.rng.choice("MF"), self.rng.choice(JOB_TITLES), "组长")]
        for index in range(1, count):
            role = "副组长" if index == 1 else "组员"
            rows.append((self.full_name(), self.rng.choice("MF"), self.rng.choice(JOB_TITLES), role))
        return rows


def _person(key: str) -> Person:
    email, name, mobile, _ = FEATURED_LOGINS[key]
    return Person(email, name, mobile)


def build_world() -> World:
    """The whole demo data set, without touching the database."""
    gen = _Generator()
    rng = gen.rng

    recommenders = [(f"{d}市场监督管理局", RecommenderKind.DISTRICT, None) for d, _ in DISTRICTS]
    recommenders += [(n, RecommenderKind.INDUSTRY, None) for n in INDUSTRY_ASSOCIATIONS]
    recommenders += [(n, RecommenderKind.GROUP_COMPANY, None) for n in GROUP_COMPANIES]
    featured_recommender = f"{FEATURED_DISTRICT}市场监督管理局"
    recommenders = [
        (name, kind, _person("recommender") if name == featured_recommender else gen.person("rec"))
        for name, kind, _ in recommenders
    ]
    division_of = {f"{d}市场监督管理局": (d, code) for d, code in DISTRICTS}

    # Districts get most units; industry associations and group companies a few each.
    weights = [6 if kind == RecommenderKind.DISTRICT else 3 for _, kind, _ in recommenders]
    unit_names = {FEATURED_UNIT}
    units = [
        UnitSpec(
            name=FEATURED_UNIT,
            credit_code=gen.credit_code("310115"),
            address=gen.address(FEATURED_DISTRICT),
            contact_phone=gen.phone(),
            recommender=featured_recommender,
            status=ApprovalStatus.APPROVED,
            contact=_person("unit"),
        )
    ]
    # Four member units apply directly (two approved, one of them confirmed by staff); the featured
    # recommender's first unit waits for it, so its approval queue is never empty.
    direct_statuses = [ApprovalStatus.APPROVED, ApprovalStatus.APPROVED, ApprovalStatus.PENDING, ApprovalStatus.PENDING]
    while len(units) < UNIT_COUNT:
        district, division = rng.choice(DISTRICTS)
        name = f"上海{rng.choice(BRANDS)}{rng.choice(INDUSTRIES)}{rng.choice(SUFFIXES)}"
        if name in unit_names:
            continue
        unit_names.add(name)
        index = len(units)
        draw = rng.random()
        if index <= len(direct_statuses):
            recommender, status = None, direct_statuses[index - 1]
        elif index == len(direct_statuses) + 1:
            recommender, status = featured_recommender, ApprovalStatus.PENDING
        else:
            recommender = rng.choices([r[0] for r in recommenders], weights=weights)[0]
            status = (
                ApprovalStatus.PENDING
                if draw < 0.06
                else ApprovalStatus.REJECTED
                if draw < 0.075
                else ApprovalStatus.APPROVED
            )
        if recommender in division_of:
            district, division = division_of[recommender]
        units.append(
            UnitSpec(
                name=name,
                credit_code=gen.credit_code(division),
                address=gen.address(district),
                contact_phone=gen.phone(),
                recommender=recommender,
                status=status,
                # Some pending units were asked for by a group leader and have no contact yet.
                contact=None if status == ApprovalStatus.PENDING and index % 3 == 0 else gen.person("unit"),
                status_note=REJECTION_NOTE if status == ApprovalStatus.REJECTED else "",
                is_member=recommender is None or draw < 0.2,
                applies_directly=recommender is None,
                direct_confirmed=index == 1,
            )
        )

    groups: list[GroupSpec] = []

    def add_group(unit: UnitSpec, name: str, leader: Person, status: str, members: int) -> None:
        year = rng.randint(2015, 2025)
        groups.append(
            GroupSpec(
                unit=unit.name,
                name=name,
                leader=leader,
                founded_on=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                status=status,
                registration_number=f"SH-QC-{year}-{rng.randint(1, 9999):04d}",
                members=gen.members(leader, members),
            )
        )

    featured_unit = units[0]
    add_group(featured_unit, FEATURED_GROUP, _person("group"), ApprovalStatus.APPROVED, 6)
    add_group(featured_unit, "攻坚克难QC小组", gen.person("leader"), ApprovalStatus.PENDING, rng.randint(3, 10))
    names_used = {featured_unit.name: {FEATURED_GROUP, "攻坚克难QC小组"}}
    approved_units = [u for u in units if u.status == ApprovalStatus.APPROVED]
    # Units that a leader asked for (no contact, pending) carry that leader's pending group.
    for unit in units:
        if unit.status == ApprovalStatus.PENDING and unit.contact is None:
            name = f"{rng.choice(GROUP_NAMES)}QC小组"
            names_used[unit.name] = {name}
            add_group(unit, name, gen.person("leader"), ApprovalStatus.PENDING, rng.randint(3, 10))

    def add_random_group(unit: UnitSpec) -> None:
        taken = names_used.setdefault(unit.name, set())
        name = f"{rng.choice([n for n in GROUP_NAMES if f'{n}QC小组' not in taken])}QC小组"
        taken.add(name)
        status = ApprovalStatus.PENDING if rng.random() < 0.1 else ApprovalStatus.APPROVED
        add_group(unit, name, gen.person("leader"), status, rng.randint(3, 10))

    # Every approved unit has at least one group; the rest fall at random, at most eight per unit.
    for unit in approved_units[1:]:
        add_random_group(unit)
    while len(groups) < GROUP_COUNT:
        unit = rng.choice(approved_units)
        if len(names_used.get(unit.name, ())) < 8:
            add_random_group(unit)

    experts = [
        ExpertSpec(_person("expert"), "上海质量管理科学研究院", "教授级高级工程师", "质量管理, 统计技术"),
        ExpertSpec(_person("unit"), FEATURED_UNIT, "高级工程师", "机械制造, 精益生产"),
    ]
    while len(experts) < EXPERT_COUNT:
        experts.append(
            ExpertSpec(
                gen.person("expert"),
                rng.choice(EXPERT_EMPLOYERS),
                rng.choice(EXPERT_TITLES),
                ", ".join(rng.sample(SPECIALITIES, 2)),
            )
        )
    return World(recommenders=recommenders, units=units, groups=groups, experts=experts, staff=_person("staff"))


class _Writer:
    def __init__(self, stdout):
        self.stdout = stdout
        self.password_hash: str | None = None

    def hashed(self) -> str:
        if self.password_hash is None:
            self.password_hash = make_password(DEMO_PASSWORD)
        return self.password_hash

    def log(self, label: str, total: int, new: int) -> None:
        self.stdout.write(f"  {label:<14} {total:>5} ({new} new)")

    def featured_user(self, person: Person, **flags) -> User:
        """A demo login: created or corrected, and its password reset only if it no longer checks."""
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User(email=person.email, full_name=person.full_name, **flags)
            if not User.objects.filter(mobile=person.mobile).exists():
                user.mobile = person.mobile
            user.password = self.hashed()
            user.save()
            return user
        wanted = {"full_name": person.full_name, "is_active": True, **flags}
        changed = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, wanted[name])
        if not user.check_password(DEMO_PASSWORD):
            user.password = self.hashed()
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
        return user

    def users(self, people: list[Person]) -> dict[str, User]:
        """Users by email: existing ones are left alone, missing ones are inserted in one batch."""
        emails = {p.email for p in people}
        existing = {u.email: u for u in User.objects.filter(email__in=emails)}
        taken_mobiles = set(User.objects.filter(mobile__in=[p.mobile for p in people]).values_list("mobile", flat=True))
        new = []
        for person in {p.email: p for p in people}.values():
            if person.email in existing:
                continue
            mobile = None if person.mobile in taken_mobiles else person.mobile
            new.append(User(email=person.email, full_name=person.full_name, mobile=mobile, password=self.hashed()))
        User.objects.bulk_create(new, batch_size=500)
        if new:
            existing = {u.email: u for u in User.objects.filter(email__in=emails)}
        self.log("users", len(existing), len(new))
        return existing

    def recommenders(self, world: World) -> dict[str, Recommender]:
        existing = {r.name: r for r in Recommender.objects.filter(name__in=[n for n, _, _ in world.recommenders])}
        new = [
            Recommender(name=name, kind=kind, contact_name=person.full_name, contact_phone=person.mobile)
            for name, kind, person in world.recommenders
            if name not in existing
        ]
        Recommender.objects.bulk_create(new)
        if new:
            existing = {r.name: r for r in Recommender.objects.filter(name__in=[n for n, _, _ in world.recommenders])}
        self.log("recommenders", len(existing), len(new))
        return existing

    def units(self, world: World, recommenders: dict[str, Recommender]) -> dict[str, Unit]:
        names = [u.name for u in world.units]
        existing = {u.name: u for u in Unit.objects.filter(name__in=names)}
        taken_codes = set(
            Unit.objects.filter(credit_code__in=[u.credit_code for u in world.units]).values_list(
                "credit_code", flat=True
            )
        )
        now = timezone.now()
        new = []
        for spec in world.units:
            if spec.name in existing or spec.credit_code in taken_codes:
                continue
            new.append(
                Unit(
                    name=spec.name,
                    credit_code=spec.credit_code,
                    address=spec.address,
                    contact_name=spec.contact.full_name if spec.contact else "",
                    contact_phone=spec.contact_phone,
                    contact_email=spec.contact.email if spec.contact else "",
                    recommender=recommenders[spec.recommender] if spec.recommender else None,
                    is_member=spec.is_member,
                    applies_directly=spec.applies_directly,
                    direct_confirmed=spec.direct_confirmed,
                    status=spec.status,
                    status_note=spec.status_note,
                    approved_at=now if spec.status == ApprovalStatus.APPROVED else None,
                )
            )
        Unit.objects.bulk_create(new, batch_size=500)
        if new:
            existing = {u.name: u for u in Unit.objects.filter(name__in=names)}
        self.log("units", len(existing), len(new))
        return existing

    def groups(self, world: World, units: dict[str, Unit], users: dict[str, User]) -> dict[tuple[int, str], QCGroup]:
        specs = [g for g in world.groups if g.unit in units]
        unit_ids = {units[g.unit].pk for g in specs}

        def load():
            return {(g.unit_id, g.name): g for g in QCGroup.objects.filter(unit_id__in=unit_ids)}

        existing = load()
        now = timezone.now()
        new = [
            QCGroup(
                unit=units[spec.unit],
                name=spec.name,
                registration_number=spec.registration_number,
                founded_on=spec.founded_on,
                leader=users[spec.leader.email],
                status=spec.status,
                approved_at=now if spec.status == ApprovalStatus.APPROVED else None,
            )
            for spec in specs
            if (units[spec.unit].pk, spec.name) not in existing
        ]
        QCGroup.objects.bulk_create(new, batch_size=500)
        if new:
            existing = load()
        self.log("QC groups", len(existing), len(new))

        # Members only for groups that have none yet, so edits made in the demo survive a rerun.
        staffed = set(GroupMember.objects.filter(group__in=existing.values()).values_list("group_id", flat=True))
        members = [
            GroupMember(group=group, name=name, gender=gender, job_title=job, role_in_group=role, position=position)
            for spec in specs
            if (group := existing.get((units[spec.unit].pk, spec.name))) and group.pk not in staffed
            for position, (name, gender, job, role) in enumerate(spec.members)
        ]
        GroupMember.objects.bulk_create(members, batch_size=1000)
        self.log("group members", GroupMember.objects.filter(group__in=existing.values()).count(), len(members))
        return existing

    def memberships(self, wanted: list[Membership]) -> None:
        keys = {(m.user_id, m.role, m.recommender_id, m.unit_id, m.group_id) for m in wanted}
        user_ids = {m.user_id for m in wanted}
        existing = set(
            Membership.objects.filter(user_id__in=user_ids).values_list(
                "user_id", "role", "recommender_id", "unit_id", "group_id"
            )
        )
        new = [
            m
            for key, m in {(m.user_id, m.role, m.recommender_id, m.unit_id, m.group_id): m for m in wanted}.items()
            if key not in existing
        ]
        Membership.objects.bulk_create(new, batch_size=1000)
        self.log("memberships", len(keys), len(new))

    def experts(self, world: World, users: dict[str, User]) -> None:
        existing = set(Expert.objects.filter(user__in=users.values()).values_list("user_id", flat=True))
        new = [
            Expert(
                user=users[spec.person.email],
                organisation_name=spec.organisation_name,
                title=spec.title,
                specialities=spec.specialities,
            )
            for spec in world.experts
            if users[spec.person.email].pk not in existing
        ]
        Expert.objects.bulk_create(new)
        self.log("experts", len(existing) + len(new), len(new))


def seed(*, stdout) -> list[tuple[str, str]]:
    """Create (or complete) the accounts demo data; returns the demo logins. Idempotent."""
    world = build_world()
    writer = _Writer(stdout)

    featured = {
        key: writer.featured_user(_person(key), **({"is_staff": True, "is_superuser": True} if key == "staff" else {}))
        for key in FEATURED_LOGINS
    }
    people = [p for _, _, p in world.recommenders]
    people += [u.contact for u in world.units if u.contact]
    people += [g.leader for g in world.groups]
    people += [e.person for e in world.experts]
    users = writer.users([p for p in people if p.email not in {u.email for u in featured.values()}])
    users.update({u.email: u for u in featured.values()})

    recommenders = writer.recommenders(world)
    units = writer.units(world, recommenders)
    groups = writer.groups(world, units, users)

    wanted = [Membership(user=users[world.staff.email], role=Role.STAFF)]
    wanted += [
        # Each organisation's contact decides for it; recommenders/demo.py adds a second member who only reviews.
        Membership(user=users[person.email], role=Role.RECOMMENDER, recommender=recommenders[name], can_decide=True)
        for name, _, person in world.recommenders
    ]
    wanted += [
        Membership(user=users[spec.contact.email], role=Role.UNIT, unit=units[spec.name])
        for spec in world.units
        if spec.contact and spec.name in units
    ]
    wanted += [
        Membership(user=users[spec.leader.email], role=Role.GROUP, group=group)
        for spec in world.groups
        if spec.unit in units and (group := groups.get((units[spec.unit].pk, spec.name)))
    ]
    wanted += [Membership(user=users[spec.person.email], role=Role.EXPERT) for spec in world.experts]
    writer.memberships(wanted)
    writer.experts(world, users)

    return [(email, description) for email, _, _, description in FEATURED_LOGINS.values()]
