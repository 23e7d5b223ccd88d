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

# Questions every programme shares (facts §4.1), then the programme's own. Labels are data, in Chinese.
BASE_QUESTIONS = [
    ("contact_name", "联系人", QuestionKind.TEXT, True, "", []),
    ("contact_phone", "联系电话", QuestionKind.TEXT, True, "", []),
    ("summary", "成果简介", QuestionKind.LONG_TEXT, True, "做了什么、取得了什么成效，800字以内。", []),
    (
        "main_results",
        "取得的主要成果",
        QuestionKind.LONG_TEXT,
        True,
        "质量、成本、效率、安全等方面的实测效果；经济效益和社会效益。",
        [],
    ),
    ("direct_benefit", "直接经济效益（万元）", QuestionKind.NUMBER, False, "", []),
]

PROGRAMME_QUESTIONS = {
    ProgrammeKind.QC_ACHIEVEMENT: [
        ("topic_reason", "选择课题理由", QuestionKind.LONG_TEXT, True, "", []),
        ("activity_start", "活动开始日期", QuestionKind.DATE, True, "", []),
        ("activity_end", "活动结束日期", QuestionKind.DATE, True, "", []),
        ("target_kind", "目标类型", QuestionKind.CHOICE, False, "仅问题解决型课题填写", ["指令性目标", "自定目标"]),
        (
            "members",
            "参加活动的小组成员",
            QuestionKind.MEMBER_TABLE,
            True,
            "取自小组成员名单，请按实际参加情况调整。",
            [],
        ),
    ],
    ProgrammeKind.TECHNOLOGY_AWARD: [
        (
            "methods",
            "应用的质量技术方法",
            QuestionKind.LONG_TEXT,
            True,
            "如卓越绩效、六西格玛、精益管理、可靠性、标准化等",
            [],
        ),
        ("innovation", "创新性", QuestionKind.LONG_TEXT, True, "", []),
        ("promotion", "推广应用价值", QuestionKind.LONG_TEXT, True, "", []),
    ],
    ProgrammeKind.BENCHMARK: [
        ("profit_three_years", "近三年连续盈利", QuestionKind.CHOICE, True, "", ["是", "否"]),
        ("no_violations", "近三年无重大质量、安全、环境违法违规", QuestionKind.CHOICE, True, "", ["是", "否"]),
        ("benchmark_practice", "标杆经验做法", QuestionKind.LONG_TEXT, True, "", []),
    ],
    ProgrammeKind.TACKLING: [
        ("problem", "攻关的质量问题", QuestionKind.LONG_TEXT, True, "", []),
        ("technical_route", "技术路线和进度安排", QuestionKind.LONG_TEXT, True, "", []),
        ("expected_indicators", "攻关前后的质量指标", QuestionKind.LONG_TEXT, True, "", []),
    ],
}

ATTACHMENTS = {
    ProgrammeKind.QC_ACHIEVEMENT: [
        ("report", "成果报告（PDF）", True, [PDF], 20, "PDF格式，不超过20MB"),
        (
            "stamped_form",
            "盖章申报表（扫描件）",
            True,
            [PDF, *IMAGES],
            10,
            "签字并加盖公章后扫描，PDF、JPG或PNG格式，不超过10MB",
        ),
        ("editable_report", "成果报告（可编辑版）", False, [WORD], 20, "Word文件，选填"),
    ],
}
DEFAULT_ATTACHMENTS = [
    ("report", "申报材料（PDF）", True, [PDF], 20, "PDF格式，不超过20MB"),
    ("stamped_form", "盖章申报表（扫描件）", True, [PDF, *IMAGES], 10, "PDF、JPG或PNG格式，不超过10MB"),
    ("supporting", "证明材料", False, [PDF, *IMAGES], 20, "证书、检测报告、用户评价等"),
]

# Categories: (code, name, children, rubric code).
CATEGORIES = {
    ProgrammeKind.QC_ACHIEVEMENT: [
        (
            "problem_solving",
            "问题解决型",
            [("onsite", "现场型"), ("tackling", "攻关型"), ("management", "管理型"), ("service", "服务型")],
            "problem_solving",
        ),
        ("innovation", "创新型", [], "innovation"),
    ],
    ProgrammeKind.TECHNOLOGY_AWARD: [
        ("manufacturing", "制造", [], "technology"),
        ("non_profit_service", "非营利性服务", [], "technology"),
        ("market_service", "市场服务", [], "technology"),
        ("construction", "建造", [], "technology"),
        ("sme", "中小企业", [], "technology"),
    ],
    ProgrammeKind.BENCHMARK: [("benchmark", "质量标杆", [], "benchmark")],
    ProgrammeKind.TACKLING: [
        ("chain_collaboration", "产业链协同质量提升", [], "tackling"),
        ("common_technology", "共性质量技术突破", [], "tackling"),
        ("key_performance", "产品关键质量性能提升", [], "tackling"),
    ],
}

# Rubrics (facts §2.1, §2.2); the others are our configurable defaults.
RUBRICS = {
    "problem_solving": (
        "问题解决型课题成果评价表",
        [
            (
                "topic",
                "选题",
                15,
                "与上级方针目标结合或现场急需；选题理由明确，用数据说明；现状调查或目标可行性论证为原因分析提供依据；"
                "目标可测量、可检查",
            ),
            (
                "cause",
                "原因分析",
                30,
                "针对问题或症结分析，逻辑清晰；逐层分析到末端；逐条确认末端原因，以影响程度判断主要原因；"
                "判断方式为现场测量、试验、调查分析",
            ),
            (
                "measures",
                "对策与实施",
                20,
                "针对主要原因逐条制订对策，多对策选择有数据依据；5W1H对策表；逐条实施并与对策目标比较；"
                "未达标有修改措施",
            ),
            (
                "effect",
                "效果",
                20,
                "课题目标完成；经济、社会效益实事求是；有效措施纳入标准或制度；成员素质提升并提出下一步打算",
            ),
            ("report", "成果报告", 5, "真实、有逻辑；通俗易懂，以图表数据为主"),
            ("feature", "特点", 10, "统计方法运用适宜、正确"),
        ],
    ),
    "innovation": (
        "创新型课题成果评价表",
        [
            (
                "topic",
                "选题",
                20,
                "来自内外部顾客及相关方需求；广泛借鉴；目标与课题需求一致、可测量；依据借鉴数据论证目标可行性",
            ),
            (
                "best_plan",
                "提出方案并确定最佳方案",
                30,
                "总体方案创新且相对独立，分级方案可比；逐层分解到可实施；用事实数据逐一评价选择；"
                "数据来自现场测量、试验、调查",
            ),
            (
                "measures",
                "对策与实施",
                20,
                "对选定的具体方案逐项制定对策；5W1H；逐条实施；确认目标完成，未达标有修改措施",
            ),
            (
                "effect",
                "效果",
                15,
                "检查目标完成；效益实事求是；有推广价值的成果形成标准或制度，一次性成果资料存档；能力提升及下一步打算",
            ),
            ("report", "成果报告", 5, "真实、有逻辑；通俗易懂，以图表数据为主"),
            ("feature", "特点", 10, "充分考虑成员创造性；具有推广应用价值；统计方法运用适宜、正确"),
        ],
    ),
    "technology": (
        "质量技术奖评价表",
        [
            ("innovation", "创新性", 30, ""),
            ("method", "方法应用", 25, ""),
            ("effect", "实施效果", 30, ""),
            ("promotion", "推广价值", 15, ""),
        ],
    ),
    "benchmark": (
        "质量标杆评价表",
        [("practice", "标杆做法", 35, ""), ("effect", "实施成效", 35, ""), ("promotion", "示范推广", 30, "")],
    ),
    "tackling": (
        "产业质量攻关评价表",
        [
            ("problem", "攻关难度", 25, ""),
            ("route", "技术路线", 25, ""),
            ("effect", "攻关成效", 35, ""),
            ("collaboration", "协同", 15, ""),
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
