"""The demo data shows the network: institute, village without a station, project, honours."""

from volunteer.models import NominationStatus
from volunteer.services import demo
from volunteer.services.compliance import root_unit
from volunteer.services.network import coverage, nominations, projects


def test_the_demo_shows_each_part_of_the_network(app):
    summary = demo.load_demo_data()
    board = coverage.coverage_board(root_unit())
    gaps = {(gap.unit.code, gap.missing.value) for gap in board.gaps}
    assert ("WS-GLT", "practice_institute") not in gaps  # 嘎鲁图镇 has its institute
    assert ("WS-GLT-BYAB", "practice_station") in gaps  # 巴音敖包嘎查 has no station
    assert "萨如拉嘎查新时代文明实践站" in {item.name for item in board.idle}
    [(project, count)] = projects.project_page("", None).items
    assert project.name == "关爱空巢老人" and count >= 3
    assert projects.project_figures(project).total.minutes > 0
    statuses = sorted(n.status for n in nominations.nomination_page(summary.year, None).items)
    assert statuses == [NominationStatus.APPROVED, NominationStatus.NOMINATED]
