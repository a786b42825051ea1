"""The demo MoU, built through services (idempotent): a realistic draft of twelve clauses in
English and Chinese, version 1 published and shared with BGI, BGI's comments on it, and
version 2 in drafting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collaboration.models import PriorityArea, Programme, Recommendation

from . import services
from .models import Mou
from .services import ClauseData

if TYPE_CHECKING:
    from portal.models import User

TITLE = (
    "Memorandum of Understanding between the Government of the Islamic Republic of Pakistan "
    "and BGI Group on cooperation in genomics and genetic health"
)
TITLE_ZH = "巴基斯坦伊斯兰共和国政府与华大集团关于基因组学与遗传健康合作的谅解备忘录"

# heading_en, text_en, heading_zh, text_zh, priority-area slugs
CLAUSES = [
    ("Purpose",
     "This Memorandum sets out the framework for cooperation between the Government of the Islamic "
     "Republic of Pakistan, acting through the Ministry of National Health Services, Regulations and "
     "Coordination, and BGI Group in genetic testing, rare-disease research and advanced diagnostics.",
     "宗旨",
     "本备忘录确立巴基斯坦伊斯兰共和国政府（通过国家卫生服务、法规与协调部）与华大集团在基因检测、"
     "罕见病研究和先进诊断领域开展合作的框架。", []),
    ("Areas of cooperation",
     "The Parties shall cooperate in thalassemia prevention, reproductive health, cancer research and "
     "rare diseases, and in establishing a national gene bank of Pakistan.",
     "合作领域",
     "双方将在地中海贫血预防、生殖健康、癌症研究和罕见病领域开展合作，并合作建立巴基斯坦国家基因库。",
     ["thalassemia", "reproductive-health", "cancer-research", "rare-diseases", "national-gene-bank"]),
    ("Capacity building",
     "BGI Group shall support training of Pakistani scientists and laboratory staff, including "
     "fellowships at its facilities, and the transfer of sequencing and bioinformatics know-how.",
     "能力建设",
     "华大集团将支持巴基斯坦科学家和实验室人员的培训，包括在其机构开展进修，并转让测序和生物信息学技术。",
     ["genetic-testing-and-diagnostics"]),
    ("Implementation",
     "The Parties shall establish a Joint Working Group, led on the Pakistani side by the National "
     "Institutes of Health, to prepare annual work plans and review progress.",
     "实施",
     "双方将成立联合工作组，巴方由国家卫生研究院牵头，负责制定年度工作计划并审查进展。", []),
    ("Genetic data and samples",
     "Genetic data and biological samples collected in Pakistan remain subject to the laws of Pakistan. "
     "No data or samples shall be transferred outside Pakistan without the prior written approval of "
     "the competent Pakistani authority.",
     "遗传数据和样本",
     "在巴基斯坦采集的遗传数据和生物样本受巴基斯坦法律管辖。未经巴基斯坦主管部门事先书面批准，"
     "任何数据或样本不得转移出境。", ["national-gene-bank"]),
    ("Intellectual property",
     "Intellectual property arising from joint activities shall be addressed in specific agreements "
     "concluded for each project, in accordance with the laws of both countries.",
     "知识产权",
     "联合活动产生的知识产权应在针对各项目签订的具体协议中依照两国法律予以规定。", []),
    ("Confidentiality",
     "Each Party shall keep confidential the information received from the other Party and designated "
     "as confidential, and use it only for the purposes of this Memorandum.",
     "保密",
     "各方应对从另一方获得并被指定为保密的信息予以保密，且仅用于本备忘录之目的。", []),
    ("Funding",
     "Each Party shall bear its own costs unless otherwise agreed in writing for a specific activity.",
     "经费",
     "除就具体活动另有书面约定外，各方自行承担其费用。", []),
    ("Duration, renewal and termination",
     "This Memorandum shall remain in force for five years and may be renewed by mutual written "
     "consent. Either Party may terminate it by giving six months' written notice.",
     "期限、续期和终止",
     "本备忘录有效期为五年，经双方书面同意可以续期。任何一方可提前六个月书面通知终止本备忘录。", []),
    ("Settlement of disputes",
     "Any dispute arising from the interpretation or implementation of this Memorandum shall be settled "
     "amicably through consultation between the Parties.",
     "争议解决",
     "因本备忘录的解释或执行产生的任何争议，应由双方通过友好协商解决。", []),
    ("Amendments",
     "This Memorandum may be amended by mutual written consent of the Parties.",
     "修订",
     "经双方书面同意，可对本备忘录进行修订。", []),
    ("Entry into force and languages",
     "This Memorandum shall enter into force on the date of its signature by both Parties. It is done in "
     "English and Chinese, both texts being equally authentic.",
     "生效和文字",
     "本备忘录自双方签署之日起生效。本备忘录以英文和中文写成，两种文本同等作准。", []),
]  # fmt: skip


def seed_mou(*, programme: Programme, users: dict[str, User]) -> Mou:
    existing = Mou.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing
    ministry = users["ministry"]
    mou = services.mou_create(
        programme=programme,
        title=TITLE,
        title_zh=TITLE_ZH,
        actor=ministry,
        responsible_officer=ministry,
    )
    areas = {a.slug: a for a in PriorityArea.objects.all()}
    for heading_en, text_en, heading_zh, text_zh, slugs in CLAUSES:
        services.clause_add(
            mou=mou, actor=ministry,
            data=ClauseData(heading_en=heading_en, text_en=text_en, heading_zh=heading_zh, text_zh=text_zh,
                            priority_areas=[areas[s] for s in slugs if s in areas]),
        )  # fmt: skip
    version = services.mou_version_publish(
        mou=mou, actor=ministry, note="First draft for discussion with BGI"
    )
    version = services.mou_version_share(version=version, actor=ministry)
    clauses = {c.heading_en: c for c in version.clauses.all()}
    liaison = users["bgi_liaison"]
    services.clause_comment_add(
        version=version, clause=clauses["Genetic data and samples"], actor=liaison,
        body="BGI proposes that anonymised data may be analysed on BGI's platforms hosted in Pakistan.",
    )  # fmt: skip
    services.clause_comment_add(
        version=version, clause=clauses["Funding"], actor=liaison,
        body="BGI would like the first year's training fellowships to be named in an annex.",
    )  # fmt: skip
    services.clause_comment_add(
        version=version, clause=clauses["Genetic data and samples"], actor=users["nih_lead"],
        body="Internal: keep the prior written approval; hosting in Pakistan is acceptable.",
    )  # fmt: skip
    # Version 2 in drafting: the data clause answers BGI, and an approved recommendation is proposed.
    draft = {c.heading_en: c for c in mou.clauses.all()}
    data_clause = draft["Genetic data and samples"]
    services.clause_update(
        clause=data_clause, actor=ministry, expected_version=data_clause.version,
        data=ClauseData(
            heading_en=data_clause.heading_en, heading_zh=data_clause.heading_zh, text_zh=data_clause.text_zh,
            text_en=data_clause.text_en + " Analysis of anonymised data may take place on platforms hosted "
            "in Pakistan.",
            priority_areas=list(data_clause.priority_areas.all()),
        ),
    )  # fmt: skip
    approved = Recommendation.objects.filter(status=Recommendation.Status.APPROVED).first()
    if approved is not None:
        services.clause_from_recommendation(mou=mou, recommendation=approved, actor=ministry)
    return mou
