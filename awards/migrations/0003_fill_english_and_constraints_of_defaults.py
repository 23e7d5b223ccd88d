"""Existing default rows get their English texts and the answer constraints of awards/defaults.py.

Only rows that still hold the default text are touched (a label or help text staff changed keeps its own and gets
no English version); constraints already set are kept; the base question 联系电话 becomes a phone question.
"""

from decimal import Decimal

from django.db import migrations

# The defaults of awards/defaults.py when this migration was written (frozen: later changes of the defaults
# must not change what this migration does).
# Question code: its default texts (and the help text it had before this change) and constraints.
QUESTIONS = {
    "contact_name": {
        "label": "联系人",
        "label_en": "Contact person",
        "kind": "text",
        "help_text": "",
        "max_length": 30,
        "old_help_text": "",
    },
    "contact_phone": {
        "label": "联系电话",
        "label_en": "Contact phone",
        "kind": "phone",
        "help_text": "手机号码或带区号的固定电话，如 13812345678、021-62345678。",
        "help_text_en": "A mobile number or a landline with its area code, e.g. 13812345678 or 021-62345678.",
        "max_length": 30,
        "old_help_text": "",
    },
    "summary": {
        "label": "成果简介",
        "label_en": "Summary of the achievement",
        "kind": "long_text",
        "help_text": "做了什么、取得了什么成效，800字以内。",
        "help_text_en": "What was done and what it achieved, in at most 800 characters.",
        "max_length": 800,
        "old_help_text": "做了什么、取得了什么成效，800字以内。",
    },
    "main_results": {
        "label": "取得的主要成果",
        "label_en": "Main results",
        "kind": "long_text",
        "help_text": "质量、成本、效率、安全等方面的实测效果；经济效益和社会效益。2000字以内。",
        "help_text_en": "Measured effects on quality, cost, efficiency, safety and the like; "
        "economic and social benefits. At most 2,000 characters.",
        "max_length": 2000,
        "old_help_text": "质量、成本、效率、安全等方面的实测效果；经济效益和社会效益。",
    },
    "direct_benefit": {
        "label": "直接经济效益（万元）",
        "label_en": "Direct economic benefit (10,000 yuan)",
        "kind": "number",
        "help_text": "以万元为单位，不能为负数。",
        "help_text_en": "In units of 10,000 yuan; it cannot be negative.",
        "min_value": 0,
        "old_help_text": "",
    },
    "topic_reason": {
        "label": "选择课题理由",
        "label_en": "Reasons for choosing the topic",
        "kind": "long_text",
        "help_text": "1000字以内。",
        "help_text_en": "At most 1,000 characters.",
        "max_length": 1000,
        "old_help_text": "",
    },
    "activity_start": {
        "label": "活动开始日期",
        "label_en": "Start of the activity",
        "kind": "date",
        "help_text": "",
        "old_help_text": "",
    },
    "activity_end": {
        "label": "活动结束日期",
        "label_en": "End of the activity",
        "kind": "date",
        "help_text": "不早于活动开始日期。",
        "help_text_en": "Not earlier than the start of the activity.",
        "on_or_after": "activity_start",
        "old_help_text": "",
    },
    "target_kind": {
        "label": "目标类型",
        "label_en": "Type of target",
        "kind": "choice",
        "help_text": "仅问题解决型课题填写",
        "help_text_en": "Problem-solving topics only",
        "choices": ["指令性目标", "自定目标"],
        "choices_en": ["Mandated target", "Self-set target"],
        "old_help_text": "仅问题解决型课题填写",
    },
    "members": {
        "label": "参加活动的小组成员",
        "label_en": "Group members who took part",
        "kind": "member_table",
        "help_text": "取自小组成员名单，请按实际参加情况调整。",
        "help_text_en": "Taken from the group's member list: adjust it to the people who actually took part.",
        "old_help_text": "取自小组成员名单，请按实际参加情况调整。",
    },
    "methods": {
        "label": "应用的质量技术方法",
        "label_en": "Quality methods applied",
        "kind": "long_text",
        "help_text": "如卓越绩效、六西格玛、精益管理、可靠性、标准化等，2000字以内。",
        "help_text_en": "For example performance excellence, Six Sigma, lean management, reliability or "
        "standardisation; at most 2,000 characters.",
        "max_length": 2000,
        "old_help_text": "如卓越绩效、六西格玛、精益管理、可靠性、标准化等",
    },
    "innovation": {
        "label": "创新性",
        "label_en": "Innovation",
        "kind": "long_text",
        "help_text": "2000字以内。",
        "help_text_en": "At most 2,000 characters.",
        "max_length": 2000,
        "old_help_text": "",
    },
    "promotion": {
        "label": "推广应用价值",
        "label_en": "Value for wider use",
        "kind": "long_text",
        "help_text": "2000字以内。",
        "help_text_en": "At most 2,000 characters.",
        "max_length": 2000,
        "old_help_text": "",
    },
    "profit_three_years": {
        "label": "近三年连续盈利",
        "label_en": "Profitable in each of the last three years",
        "kind": "choice",
        "help_text": "",
        "choices": ["是", "否"],
        "choices_en": ["Yes", "No"],
        "old_help_text": "",
    },
    "no_violations": {
        "label": "近三年无重大质量、安全、环境违法违规",
        "label_en": "No major quality, safety or environmental violation in the last three years",
        "kind": "choice",
        "help_text": "",
        "choices": ["是", "否"],
        "choices_en": ["Yes", "No"],
        "old_help_text": "",
    },
    "benchmark_practice": {
        "label": "标杆经验做法",
        "label_en": "Benchmark practices",
        "kind": "long_text",
        "help_text": "2000字以内。",
        "help_text_en": "At most 2,000 characters.",
        "max_length": 2000,
        "old_help_text": "",
    },
    "problem": {
        "label": "攻关的质量问题",
        "label_en": "The quality problem tackled",
        "kind": "long_text",
        "help_text": "2000字以内。",
        "help_text_en": "At most 2,000 characters.",
        "max_length": 2000,
        "old_help_text": "",
    },
    "technical_route": {
        "label": "技术路线和进度安排",
        "label_en": "Technical route and schedule",
        "kind": "long_text",
        "help_text": "2000字以内。",
        "help_text_en": "At most 2,000 characters.",
        "max_length": 2000,
        "old_help_text": "",
    },
    "expected_indicators": {
        "label": "攻关前后的质量指标",
        "label_en": "Quality indicators before and after",
        "kind": "long_text",
        "help_text": "2000字以内。",
        "help_text_en": "At most 2,000 characters.",
        "max_length": 2000,
        "old_help_text": "",
    },
}
# (name, help text): (English name, English help text) of the default attachment requirements.
ATTACHMENTS = {
    ("申报材料（PDF）", "PDF格式，不超过20MB"): ("Application documents (PDF)", "PDF, at most 20 MB"),
    ("盖章申报表（扫描件）", "PDF、JPG或PNG格式，不超过10MB"): (
        "Stamped application form (scan)",
        "PDF, JPG or PNG, at most 10 MB",
    ),
    ("证明材料", "证书、检测报告、用户评价等"): (
        "Supporting evidence",
        "Certificates, test reports, customer feedback and the like",
    ),
    ("成果报告（PDF）", "PDF格式，不超过20MB"): ("Achievement report (PDF)", "PDF, at most 20 MB"),
    ("盖章申报表（扫描件）", "签字并加盖公章后扫描，PDF、JPG或PNG格式，不超过10MB"): (
        "Stamped application form (scan)",
        "Signed, stamped with the unit's official seal and scanned; PDF, JPG or PNG, at most 10 MB",
    ),
    ("成果报告（可编辑版）", "Word文件，选填"): ("Achievement report (editable)", "A Word file, optional"),
}
# Category and sub-type names: their English names.
CATEGORIES = {
    "问题解决型": "Problem-solving",
    "现场型": "On-site",
    "攻关型": "Tackling",
    "管理型": "Management",
    "服务型": "Service",
    "创新型": "Innovation",
    "制造": "Manufacturing",
    "非营利性服务": "Non-profit services",
    "市场服务": "Market services",
    "建造": "Construction",
    "中小企业": "Small and medium-sized enterprises",
    "质量标杆": "Quality benchmark",
    "产业链协同质量提升": "Quality improvement along the industrial chain",
    "共性质量技术突破": "Breakthroughs in shared quality technologies",
    "产品关键质量性能提升": "Better key quality characteristics of products",
}
# Rubric names: their English names.
RUBRICS = {
    "问题解决型课题成果评价表": "Assessment of problem-solving topics",
    "创新型课题成果评价表": "Assessment of innovation topics",
    "质量技术奖评价表": "Assessment of the Quality Technology Award",
    "质量标杆评价表": "Assessment of quality benchmarks",
    "产业质量攻关评价表": "Assessment of industrial quality tackling",
}
# (rubric name, item code, item name): (English name, description, English description).
RUBRIC_ITEMS = {
    ("问题解决型课题成果评价表", "topic", "选题"): (
        "Choice of topic",
        "与上级方针目标结合或现场急需；选题理由明确，用数据说明；现状调查或目标可行性论证为原因分析提供依据；目标可测量、可检查",
        "Serves the policy and targets of higher levels or an urgent need on "
        "site; the reasons are clear and backed by data; the survey of the "
        "current state or the feasibility study of the target supports the cause "
        "analysis; the target can be measured and checked",
    ),
    ("问题解决型课题成果评价表", "cause", "原因分析"): (
        "Cause analysis",
        "针对问题或症结分析，逻辑清晰；逐层分析到末端；逐条确认末端原因，以影响程度判断主要原因；判断方式为现场测量、试验、调查分析",
        "Analyses the problem or its crux with clear logic, level by level down "
        "to the root causes; confirms each root cause and judges the main "
        "causes by their impact, through measurement on site, tests or surveys",
    ),
    ("问题解决型课题成果评价表", "measures", "对策与实施"): (
        "Countermeasures and implementation",
        "针对主要原因逐条制订对策，多对策选择有数据依据；5W1H对策表；逐条实施并与对策目标比较；未达标有修改措施",
        "A countermeasure for each main cause, chosen on data where there "
        "are several; a 5W1H table; each countermeasure implemented and "
        "compared with its target, with corrections where it fell short",
    ),
    ("问题解决型课题成果评价表", "effect", "效果"): (
        "Effect",
        "课题目标完成；经济、社会效益实事求是；有效措施纳入标准或制度；成员素质提升并提出下一步打算",
        "The target is met; economic and social benefits are stated truthfully; "
        "effective measures enter standards or rules; the members grew and plan "
        "their next steps",
    ),
    ("问题解决型课题成果评价表", "report", "成果报告"): (
        "Report",
        "真实、有逻辑；通俗易懂，以图表数据为主",
        "Truthful and logical; easy to follow, mainly with charts and data",
    ),
    ("问题解决型课题成果评价表", "feature", "特点"): (
        "Distinctive features",
        "统计方法运用适宜、正确",
        "Statistical methods used suitably and correctly",
    ),
    ("创新型课题成果评价表", "topic", "选题"): (
        "Choice of topic",
        "来自内外部顾客及相关方需求；广泛借鉴；目标与课题需求一致、可测量；依据借鉴数据论证目标可行性",
        "Comes from the needs of internal and external customers and other parties; "
        "draws widely on existing knowledge; the target matches the need and can be "
        "measured; its feasibility is shown with the data drawn on",
    ),
    ("创新型课题成果评价表", "best_plan", "提出方案并确定最佳方案"): (
        "Proposing options and choosing the best",
        "总体方案创新且相对独立，分级方案可比；逐层分解到可实施；用事实数据逐一评价选择；数据来自现场测量、试验、调查",
        "The overall options are innovative and distinct, the detailed "
        "options comparable; broken down level by level until they can "
        "be implemented; each assessed on facts and data from "
        "measurement on site, tests or surveys",
    ),
    ("创新型课题成果评价表", "measures", "对策与实施"): (
        "Countermeasures and implementation",
        "对选定的具体方案逐项制定对策；5W1H；逐条实施；确认目标完成，未达标有修改措施",
        "Countermeasures for each part of the chosen option; 5W1H; "
        "implemented one by one; the target is confirmed, with corrections "
        "where it fell short",
    ),
    ("创新型课题成果评价表", "effect", "效果"): (
        "Effect",
        "检查目标完成；效益实事求是；有推广价值的成果形成标准或制度，一次性成果资料存档；能力提升及下一步打算",
        "The target is checked; benefits are stated truthfully; results worth "
        "spreading become standards or rules, one-off results are archived; the "
        "members grew and plan their next steps",
    ),
    ("创新型课题成果评价表", "report", "成果报告"): (
        "Report",
        "真实、有逻辑；通俗易懂，以图表数据为主",
        "Truthful and logical; easy to follow, mainly with charts and data",
    ),
    ("创新型课题成果评价表", "feature", "特点"): (
        "Distinctive features",
        "充分考虑成员创造性；具有推广应用价值；统计方法运用适宜、正确",
        "Makes full use of the members' creativity; worth applying elsewhere; "
        "statistical methods used suitably and correctly",
    ),
    ("质量技术奖评价表", "innovation", "创新性"): ("Innovation", "", ""),
    ("质量技术奖评价表", "method", "方法应用"): ("Use of methods", "", ""),
    ("质量技术奖评价表", "effect", "实施效果"): ("Results achieved", "", ""),
    ("质量技术奖评价表", "promotion", "推广价值"): ("Value for wider use", "", ""),
    ("质量标杆评价表", "practice", "标杆做法"): ("Benchmark practice", "", ""),
    ("质量标杆评价表", "effect", "实施成效"): ("Results achieved", "", ""),
    ("质量标杆评价表", "promotion", "示范推广"): ("Value as an example", "", ""),
    ("产业质量攻关评价表", "problem", "攻关难度"): ("Difficulty of the problem", "", ""),
    ("产业质量攻关评价表", "route", "技术路线"): ("Technical route", "", ""),
    ("产业质量攻关评价表", "effect", "攻关成效"): ("Results achieved", "", ""),
    ("产业质量攻关评价表", "collaboration", "协同"): ("Collaboration", "", ""),
}
# The demo's programme names: their English names.
PROGRAMMES = {
    "上海市质量管理小组活动成果": "Shanghai QC Group Activity Achievements",
    "上海市质量协会质量技术奖": "SAQ Quality Technology Award",
    "工业企业质量标杆": "Quality Benchmarks of Industrial Enterprises",
    "产业质量攻关": "Industrial Quality Tackling",
}


def fill(apps, schema_editor):
    Programme = apps.get_model("awards", "Programme")
    Edition = apps.get_model("awards", "Edition")
    Question = apps.get_model("awards", "Question")
    AttachmentRequirement = apps.get_model("awards", "AttachmentRequirement")
    Category = apps.get_model("awards", "Category")
    Rubric = apps.get_model("awards", "Rubric")
    RubricItem = apps.get_model("awards", "RubricItem")

    for programme in Programme.objects.filter(name__in=PROGRAMMES, name_en=""):
        programme.name_en = PROGRAMMES[programme.name]
        programme.save(update_fields=["name_en"])
    for edition in Edition.objects.filter(title_en="").exclude(programme__name_en="").select_related("programme"):
        if edition.title == f"{edition.year}年{edition.programme.name}":
            edition.title_en = f"{edition.year} {edition.programme.name_en}"
            edition.save(update_fields=["title_en"])

    dates = set(Question.objects.filter(kind="date").values_list("edition_id", "code"))
    for row in Question.objects.filter(code__in=QUESTIONS):
        spec = QUESTIONS[row.code]
        if row.label == spec["label"] and not row.label_en:
            row.label_en = spec["label_en"]
        if row.help_text == spec["old_help_text"]:
            row.help_text = spec["help_text"]
        if row.help_text == spec["help_text"] and spec.get("help_text_en") and not row.help_text_en:
            row.help_text_en = spec["help_text_en"]
        if row.code == "contact_phone" and row.kind == "text" and spec["kind"] == "phone":
            row.kind = "phone"
        if row.kind == spec["kind"]:
            if row.max_length is None and spec.get("max_length"):
                row.max_length = spec["max_length"]
            if row.min_value is None and spec.get("min_value") is not None:
                row.min_value = Decimal(spec["min_value"])
            if row.max_value is None and spec.get("max_value") is not None:
                row.max_value = Decimal(spec["max_value"])
            other = spec.get("on_or_after")
            if not row.on_or_after and other and (row.edition_id, other) in dates:
                row.on_or_after = other
            if row.choices == spec.get("choices") and not row.choices_en:
                row.choices_en = spec["choices_en"]
        row.save()

    for row in AttachmentRequirement.objects.filter(name_en=""):
        english = ATTACHMENTS.get((row.name, row.help_text))
        if english:
            row.name_en, help_text_en = english
            row.help_text_en = row.help_text_en or help_text_en
            row.save(update_fields=["name_en", "help_text_en"])
    for row in Category.objects.filter(name__in=CATEGORIES, name_en=""):
        row.name_en = CATEGORIES[row.name]
        row.save(update_fields=["name_en"])
    for row in Rubric.objects.filter(name__in=RUBRICS, name_en=""):
        row.name_en = RUBRICS[row.name]
        row.save(update_fields=["name_en"])
    for row in RubricItem.objects.filter(name_en="", rubric__name__in=RUBRICS).select_related("rubric"):
        english = RUBRIC_ITEMS.get((row.rubric.name, row.code, row.name))
        if english:
            row.name_en, description, description_en = english
            if row.description == description and not row.description_en:
                row.description_en = description_en
            row.save(update_fields=["name_en", "description_en"])


class Migration(migrations.Migration):
    dependencies = [("awards", "0002_english_texts_and_answer_constraints")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
