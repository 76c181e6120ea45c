"""Demo data of the volunteer network: kinds, a station, a project, nominations.

Shows each part of issue 17: 嘎鲁图镇 has its practice institute, 萨如拉嘎查 a station
with no activity yet (idle), 巴音敖包嘎查 no station at all; departments' teams; a project
(关爱空巢老人) grouping the civilization office team's past activities; this year's top
volunteer candidate approved, the next one nominated and waiting.
"""

from datetime import date

from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import (
    Activity,
    HonourCategory,
    Organization,
    OrganizationKind,
    Unit,
    User,
    utcnow,
)
from volunteer.services.network import nominations, projects, recognition

TEAM_KINDS = {
    "WS-GLT": OrganizationKind.PRACTICE_INSTITUTE,
    "WS-WMB": OrganizationKind.UNIT_TEAM,
    "WS-JYJ": OrganizationKind.UNIT_TEAM,
    "WS-WJJ": OrganizationKind.UNIT_TEAM,
}
DEMO_CRITERIA = recognition.Criteria(
    min_hours=2, min_participations=1, group_min_hours=2, list_size=10
)


def load_network_demo(
    units_by_code: dict[str, Unit],
    teams: list[Organization],
    admin: User,
    today: date,
    year: int,
) -> dict[str, int]:
    """Kinds, a station, a project and two nominations for `year`; returns what it made."""
    for team in teams:
        team.kind = TEAM_KINDS.get(team.unit.code, OrganizationKind.OTHER)
    station = Organization(
        name="萨如拉嘎查新时代文明实践站",
        unit=units_by_code["WS-GLT-SRL"],
        kind=OrganizationKind.PRACTICE_STATION,
        description="演示数据：尚未开展活动",
    )
    db.session.add(station)
    db.session.flush()
    activities = _load_project(teams[0], admin, today)
    nominated = _load_nominations(units_by_code["WS"], admin, year)
    return {"projects": 1, "project_activities": activities, "nominations": nominated}


def _load_project(team: Organization, admin: User, today: date) -> int:
    """关爱空巢老人 with the team's past activities."""
    project = projects.save_project(
        None,
        team,
        name="关爱空巢老人",
        description="演示项目：定期探访空巢老人，陪伴聊天、打扫卫生、代购生活用品。",
        starts_on=date(today.year - 1, 9, 1),
        ends_on=None,
        actor=admin,
    )
    past = db.session.scalars(
        select(Activity)
        .where(Activity.organization_id == team.id, Activity.ends_at < utcnow())
        .order_by(Activity.starts_at)
    ).all()
    for index, activity in enumerate(past):
        projects.attach_activity(project, activity, 10 + 3 * index, admin)
    return len(past)


def _load_nominations(banner: Unit, admin: User, year: int) -> int:
    """The year's first candidate approved, the second nominated and waiting."""
    recognition.save_criteria(year, DEMO_CRITERIA, admin)
    candidates = recognition.ranking(HonourCategory.VOLUNTEER, year, DEMO_CRITERIA, banner)
    reasons = (
        "全年志愿服务时长位居全旗前列，带动身边人参与文明创建。",
        "长期参与关爱空巢老人项目。",
    )
    made = []
    for candidate, reason in zip(candidates[:2], reasons, strict=False):
        made.append(
            nominations.nominate(
                HonourCategory.VOLUNTEER, candidate.subject_id, year, banner, reason, admin
            )
        )
    if made:
        nominations.decide(made[0], True, "演示：已批准", admin)
    return len(made)
