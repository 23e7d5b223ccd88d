"""Default configuration of a new edition, distilled from ../shared/domain (seed 001, facts §2-§4).

These are starting points staff change per edition, never rules in code.
"""

from .enums import PhaseKind, ProgrammeKind, QuestionKind

PDF = "application/pdf"
IMAGES = ["image/jpeg", "image/png"]
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# (kind, (month, day, hour, minute) start, end): the 2020 QC notice's calendar (seed 001) as the default.
PHASES = [
    (PhaseKind.APPLICATION, (6, 28, 9, 0), (7, 12, 22, 0)),
    (PhaseKind.UNIT_ENDORSEMENT, (6, 28, 9, 0), (7, 14, 17, 0)),
    (PhaseKind.RECOMMENDATION, (6, 28, 9, 0), (7, 17, 17, 0)),
    (PhaseKind.FORMAL_REVIEW, (7, 17, 17, 0), (7, 20, 17, 0)),
    (PhaseKind.DOCUMENT_REVIEW, (7, 20, 9, 0), (8, 10, 17, 0)),
    (PhaseKind.PRESENTATION, (8, 11, 9, 0), (8, 31, 17, 0)),
    (PhaseKind.PUBLIC_NOTICE, (11, 20, 9, 0), (11, 27, 17, 0)),
    (PhaseKind.RESULTS, (12, 1, 9, 0), (12, 31, 17, 0)),
]

# Programmes' names in English, by their Chinese name (the demo's programmes, process.md).
PROGRAMME_NAMES_EN = {
    "上海市质量管理小组活动成果": "Shanghai QC Group Activity Achievements",
    "上海市质量协会质量技术奖": "SAQ Quality Technology Award",
    "工业企业质量标杆": "Quality Benchmarks of Industrial Enterprises",
    "产业质量攻关": "Industrial Quality Tackling",
}


def edition_title(year: int, name: str) -> str:
    return f"{year}年{name}"


def edition_title_en(year: int, name_en: str) -> str:
    return f"{year} {name_en}" if name_en else ""


def question(code, label, label_en, kind, *, required=True, help_text="", help_text_en="", **options) -> dict:
    """A default question as the keyword arguments of `Question`: texts in Chinese and English, and the
    constraints checked on every save and at submission (max_length, min_value, max_value, on_or_after,
    choices and choices_en)."""
    return {
        "code": code,
        "label": label,
        "label_en": label_en,
        "kind": kind,
        "required": required,
        "help_text": help_text,
        "help_text_en": help_text_en,
        **options,
    }


# Questions every programme shares (facts §4.1), then the programme's own. Labels are data, in Chinese, with
# their English versions; the limits are the ones the help texts announce.
BASE_QUESTIONS = [
    question("contact_name", "联系人", "Contact person", QuestionKind.TEXT, max_length=30),
    question(
        "contact_phone",
        "联系电话",
        "Contact phone",
        QuestionKind.PHONE,
        max_length=30,
        help_text="手机号码或带区号的固定电话，如 13812345678、021-62345678。",
        help_text_en="A mobile number or a landline with its area code, e.g. 13812345678 or 021-62345678.",
    ),
    question(
        "summary",
        "成果简介",
        "Summary of the achievement",
        QuestionKind.LONG_TEXT,
        help_text="做了什么、取得了什么成效，800字以内。",
        help_text_en="What was done and what it achieved, in at most 800 characters.",
        max_length=800,
    ),
    question(
        "main_results",
        "取得的主要成果",
        "Main results",
        QuestionKind.LONG_TEXT,
        help_text="质量、成本、效率、安全等方面的实测效果；经济效益和社会效益。2000字以内。",
        help_text_en=(
            "Measured effects on quality, cost, efficiency, safety and the like; economic and social benefits. "
            "At most 2,000 characters."
        ),
        max_length=2000,
    ),
    question(
        "direct_benefit",
        "直接经济效益（万元）",
        "Direct economic benefit (10,000 yuan)",
        QuestionKind.NUMBER,
        required=False,
        help_text="以万元为单位，不能为负数。",
        help_text_en="In units of 10,000 yuan; it cannot be negative.",
        min_value=0,
    ),
]

LONG_ANSWER_HELP = ("2000字以内。", "At most 2,000 characters.")


def _long(code, label, label_en, *, max_length=2000, **options):
    """A long-text programme question, limited to 2000 characters unless told (and its help says so)."""
    help_text, help_text_en = LONG_ANSWER_HELP
    options.setdefault("help_text", help_text)
    options.setdefault("help_text_en", help_text_en)
    return question(code, label, label_en, QuestionKind.LONG_TEXT, max_length=max_length, **options)


PROGRAMME_QUESTIONS = {
    ProgrammeKind.QC_ACHIEVEMENT: [
        _long(
            "topic_reason",
            "选择课题理由",
            "Reasons for choosing the topic",
            max_length=1000,
            help_text="1000字以内。",
            help_text_en="At most 1,000 characters.",
        ),
        question("activity_start", "活动开始日期", "Start of the activity", QuestionKind.DATE),
        question(
            "activity_end",
            "活动结束日期",
            "End of the activity",
            QuestionKind.DATE,
            help_text="不早于活动开始日期。",
            help_text_en="Not earlier than the start of the activity.",
            on_or_after="activity_start",
        ),
        question(
            "target_kind",
            "目标类型",
            "Type of target",
            QuestionKind.CHOICE,
            required=False,
            help_text="仅问题解决型课题填写",
            help_text_en="Problem-solving topics only",
            choices=["指令性目标", "自定目标"],
            choices_en=["Mandated target", "Self-set target"],
        ),
        question(
            "members",
            "参加活动的小组成员",
            "Group members who took part",
            QuestionKind.MEMBER_TABLE,
            help_text="取自小组成员名单，请按实际参加情况调整。",
            help_text_en="Taken from the group's member list: adjust it to the people who actually took part.",
        ),
    ],
    ProgrammeKind.TECHNOLOGY_AWARD: [
        _long(
            "methods",
            "应用的质量技术方法",
            "Quality methods applied",
            help_text="如卓越绩效、六西格玛、精益管理、可靠性、标准化等，2000字以内。",
            help_text_en=(
                "For example performance excellence, Six Sigma, lean management, reliability or standardisation; "
                "at most 2,000 characters."
            ),
        ),
        _long("innovation", "创新性", "Innovation"),
        _long("promotion", "推广应用价值", "Value for wider use"),
    ],
    ProgrammeKind.BENCHMARK: [
        question(
            "profit_three_years",
            "近三年连续盈利",
            "Profitable in each of the last three years",
            QuestionKind.CHOICE,
            choices=["是", "否"],
            choices_en=["Yes", "No"],
        ),
        question(
            "no_violations",
            "近三年无重大质量、安全、环境违法违规",
            "No major quality, safety or environmental violation in the last three years",
            QuestionKind.CHOICE,
            choices=["是", "否"],
            choices_en=["Yes", "No"],
        ),
        _long("benchmark_practice", "标杆经验做法", "Benchmark practices"),
    ],
    ProgrammeKind.TACKLING: [
        _long("problem", "攻关的质量问题", "The quality problem tackled"),
        _long("technical_route", "技术路线和进度安排", "Technical route and schedule"),
        _long("expected_indicators", "攻关前后的质量指标", "Quality indicators before and after"),
    ],
}


def attachment(code, name, name_en, required, allowed_types, max_size_mb, help_text, help_text_en) -> dict:
    """A default attachment requirement as the keyword arguments of `AttachmentRequirement`."""
    return {
        "code": code,
        "name": name,
        "name_en": name_en,
        "required": required,
        "allowed_types": allowed_types,
        "max_size_mb": max_size_mb,
        "help_text": help_text,
        "help_text_en": help_text_en,
    }


STAMPED_FORM_EN = "Stamped application form (scan)"
ATTACHMENTS = {
    ProgrammeKind.QC_ACHIEVEMENT: [
        attachment(
            "report",
            "成果报告（PDF）",
            "Achievement report (PDF)",
            True,
            [PDF],
            20,
            "PDF格式，不超过20MB",
            "PDF, at most 20 MB",
        ),
        attachment(
            "stamped_form",
            "盖章申报表（扫描件）",
            STAMPED_FORM_EN,
            True,
            [PDF, *IMAGES],
            10,
            "签字并加盖公章后扫描，PDF、JPG或PNG格式，不超过10MB",
            "Signed, stamped with the unit's official seal and scanned; PDF, JPG or PNG, at most 10 MB",
        ),
        attachment(
            "editable_report",
            "成果报告（可编辑版）",
            "Achievement report (editable)",
            False,
            [WORD],
            20,
            "Word文件，选填",
            "A Word file, optional",
        ),
    ],
}
DEFAULT_ATTACHMENTS = [
    attachment(
        "report",
        "申报材料（PDF）",
        "Application documents (PDF)",
        True,
        [PDF],
        20,
        "PDF格式，不超过20MB",
        "PDF, at most 20 MB",
    ),
    attachment(
        "stamped_form",
        "盖章申报表（扫描件）",
        STAMPED_FORM_EN,
        True,
        [PDF, *IMAGES],
        10,
        "PDF、JPG或PNG格式，不超过10MB",
        "PDF, JPG or PNG, at most 10 MB",
    ),
    attachment(
        "supporting",
        "证明材料",
        "Supporting evidence",
        False,
        [PDF, *IMAGES],
        20,
        "证书、检测报告、用户评价等",
        "Certificates, test reports, customer feedback and the like",
    ),
]

# Categories: (code, name, English name, sub-types as (code, name, English name), rubric code).
CATEGORIES = {
    ProgrammeKind.QC_ACHIEVEMENT: [
        (
            "problem_solving",
            "问题解决型",
            "Problem-solving",
            [
                ("onsite", "现场型", "On-site"),
                ("tackling", "攻关型", "Tackling"),
                ("management", "管理型", "Management"),
                ("service", "服务型", "Service"),
            ],
            "problem_solving",
        ),
        ("innovation", "创新型", "Innovation", [], "innovation"),
    ],
    ProgrammeKind.TECHNOLOGY_AWARD: [
        ("manufacturing", "制造", "Manufacturing", [], "technology"),
        ("non_profit_service", "非营利性服务", "Non-profit services", [], "technology"),
        ("market_service", "市场服务", "Market services", [], "technology"),
        ("construction", "建造", "Construction", [], "technology"),
        ("sme", "中小企业", "Small and medium-sized enterprises", [], "technology"),
    ],
    ProgrammeKind.BENCHMARK: [("benchmark", "质量标杆", "Quality benchmark", [], "benchmark")],
    ProgrammeKind.TACKLING: [
        ("chain_collaboration", "产业链协同质量提升", "Quality improvement along the industrial chain", [], "tackling"),
        ("common_technology", "共性质量技术突破", "Breakthroughs in shared quality technologies", [], "tackling"),
        ("key_performance", "产品关键质量性能提升", "Better key quality characteristics of products", [], "tackling"),
    ],
}

# Rubrics (facts §2.1, §2.2); the others are our configurable defaults.
# code: (name, English name, items as (code, name, English name, points, what is assessed, the same in English)).
RUBRICS = {
    "problem_solving": (
        "问题解决型课题成果评价表",
        "Assessment of problem-solving topics",
        [
            (
                "topic",
                "选题",
                "Choice of topic",
                15,
                "与上级方针目标结合或现场急需；选题理由明确，用数据说明；现状调查或目标可行性论证为原因分析提供依据；"
                "目标可测量、可检查",
                "Serves the policy and targets of higher levels or an urgent need on site; the reasons are clear and "
                "backed by data; the survey of the current state or the feasibility study of the target supports the "
                "cause analysis; the target can be measured and checked",
            ),
            (
                "cause",
                "原因分析",
                "Cause analysis",
                30,
                "针对问题或症结分析，逻辑清晰；逐层分析到末端；逐条确认末端原因，以影响程度判断主要原因；"
                "判断方式为现场测量、试验、调查分析",
                "Analyses the problem or its crux with clear logic, level by level down to the root causes; confirms "
                "each root cause and judges the main causes by their impact, through measurement on site, tests or "
                "surveys",
            ),
            (
                "measures",
                "对策与实施",
                "Countermeasures and implementation",
                20,
                "针对主要原因逐条制订对策，多对策选择有数据依据；5W1H对策表；逐条实施并与对策目标比较；"
                "未达标有修改措施",
                "A countermeasure for each main cause, chosen on data where there are several; a 5W1H table; each "
                "countermeasure implemented and compared with its target, with corrections where it fell short",
            ),
            (
                "effect",
                "效果",
                "Effect",
                20,
                "课题目标完成；经济、社会效益实事求是；有效措施纳入标准或制度；成员素质提升并提出下一步打算",
                "The target is met; economic and social benefits are stated truthfully; effective measures enter "
                "standards or rules; the members grew and plan their next steps",
            ),
            (
                "report",
                "成果报告",
                "Report",
                5,
                "真实、有逻辑；通俗易懂，以图表数据为主",
                "Truthful and logical; easy to follow, mainly with charts and data",
            ),
            (
                "feature",
                "特点",
                "Distinctive features",
                10,
                "统计方法运用适宜、正确",
                "Statistical methods used suitably and correctly",
            ),
        ],
    ),
    "innovation": (
        "创新型课题成果评价表",
        "Assessment of innovation topics",
        [
            (
                "topic",
                "选题",
                "Choice of topic",
                20,
                "来自内外部顾客及相关方需求；广泛借鉴；目标与课题需求一致、可测量；依据借鉴数据论证目标可行性",
                "Comes from the needs of internal and external customers and other parties; draws widely on existing "
                "knowledge; the target matches the need and can be measured; its feasibility is shown with the data "
                "drawn on",
            ),
            (
                "best_plan",
                "提出方案并确定最佳方案",
                "Proposing options and choosing the best",
                30,
                "总体方案创新且相对独立，分级方案可比；逐层分解到可实施；用事实数据逐一评价选择；"
                "数据来自现场测量、试验、调查",
                "The overall options are innovative and distinct, the detailed options comparable; broken down level "
                "by level until they can be implemented; each assessed on facts and data from measurement on site, "
                "tests or surveys",
            ),
            (
                "measures",
                "对策与实施",
                "Countermeasures and implementation",
                20,
                "对选定的具体方案逐项制定对策；5W1H；逐条实施；确认目标完成，未达标有修改措施",
                "Countermeasures for each part of the chosen option; 5W1H; implemented one by one; the target is "
                "confirmed, with corrections where it fell short",
            ),
            (
                "effect",
                "效果",
                "Effect",
                15,
                "检查目标完成；效益实事求是；有推广价值的成果形成标准或制度，一次性成果资料存档；能力提升及下一步打算",
                "The target is checked; benefits are stated truthfully; results worth spreading become standards or "
                "rules, one-off results are archived; the members grew and plan their next steps",
            ),
            (
                "report",
                "成果报告",
                "Report",
                5,
                "真实、有逻辑；通俗易懂，以图表数据为主",
                "Truthful and logical; easy to follow, mainly with charts and data",
            ),
            (
                "feature",
                "特点",
                "Distinctive features",
                10,
                "充分考虑成员创造性；具有推广应用价值；统计方法运用适宜、正确",
                "Makes full use of the members' creativity; worth applying elsewhere; statistical methods used "
                "suitably and correctly",
            ),
        ],
    ),
    "technology": (
        "质量技术奖评价表",
        "Assessment of the Quality Technology Award",
        [
            ("innovation", "创新性", "Innovation", 30, "", ""),
            ("method", "方法应用", "Use of methods", 25, "", ""),
            ("effect", "实施效果", "Results achieved", 30, "", ""),
            ("promotion", "推广价值", "Value for wider use", 15, "", ""),
        ],
    ),
    "benchmark": (
        "质量标杆评价表",
        "Assessment of quality benchmarks",
        [
            ("practice", "标杆做法", "Benchmark practice", 35, "", ""),
            ("effect", "实施成效", "Results achieved", 35, "", ""),
            ("promotion", "示范推广", "Value as an example", 30, "", ""),
        ],
    ),
    "tackling": (
        "产业质量攻关评价表",
        "Assessment of industrial quality tackling",
        [
            ("problem", "攻关难度", "Difficulty of the problem", 25, "", ""),
            ("route", "技术路线", "Technical route", 25, "", ""),
            ("effect", "攻关成效", "Results achieved", 35, "", ""),
            ("collaboration", "协同", "Collaboration", 15, "", ""),
        ],
    ),
}

# 活动统计表 (facts §4.4): (code, label, kind) of the figures a recommender reports per edition.
STATISTICS_FIELDS = [
    ("employees", "企业职工总数", "int"),
    ("groups_registered_total", "历年注册QC小组累计数", "int"),
    ("groups_registered_year", "本年度注册QC小组数", "int"),
    ("groups_active_year", "本年度开展活动小组数", "int"),
    ("achievements_year", "当年取得成果数", "int"),
    ("direct_benefit", "直接效益（万元）", "decimal"),
    ("participants", "参加活动人数", "int"),
    ("trained", "参加培训人数", "int"),
    ("suggestions", "合理化建议数", "int"),
    ("promoters", "具有中国质协QC小组活动推进者资格人数", "int"),
]


def statistics_fields():
    return [{"code": code, "label": label, "kind": kind} for code, label, kind in STATISTICS_FIELDS]
