"""`flask certificate issue` and `batch` (queued jobs: tests/test_jobs.py)."""

from sqlalchemy import func, select

from tests import certificate_support as support
from tests import factories
from volunteer.extensions import db
from volunteer.models import Activity, utcnow
from volunteer.services import certificates, periods


def _world():
    support.set_issuer()
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner)
    team = factories.make_organization()
    activity = factories.make_activity(team, starts_at=support.this_year_moment())
    people = [factories.make_volunteer(name) for name in ("其木格", "巴图", "乌兰")]
    for person, unit in zip(people, (banner, town, town), strict=True):
        factories.make_roster_entry(unit, person)
        factories.make_record(person, activity, 90)
    db.session.commit()
    return people


def test_issue_writes_one_certificate_found_by_phone_or_id(app, runner, tmp_path):
    app.config["PUBLIC_BASE_URL"] = "https://zyz.wsq.gov.cn"
    person = _world()[0]
    output = tmp_path / "one.pdf"
    result = runner.invoke(
        args=["certificate", "issue", "--volunteer", person.user.phone, "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    (certificate,) = certificates.certificates_of(person)
    assert certificate.serial in result.output
    assert "其木格" in support.pdf_text(output.read_bytes())
    assert support.qr_texts(output.read_bytes()) == [
        f"https://zyz.wsq.gov.cn/verify/{certificate.serial}"
    ]
    last_year = periods.local_today().year - 1
    result = runner.invoke(
        args=[
            "certificate",
            "issue",
            "--volunteer",
            person.id_number.lower(),
            "--year",
            str(last_year),
            "--output",
            str(tmp_path / "last.pdf"),
        ]
    )
    # A year without credited time gets no certificate, and the CLI says why.
    assert result.exit_code != 0
    assert "no credited service time" in result.output or "没有" in result.output
    assert not (tmp_path / "last.pdf").exists()


def test_issue_refuses_unknown_people(app, runner, tmp_path):
    _world()
    result = runner.invoke(
        args=["certificate", "issue", "--volunteer", "13000000000", "--output", "x.pdf"]
    )
    assert result.exit_code != 0 and "No volunteer" in result.output


def test_batch_writes_one_certificate_per_person_of_the_unit(app, runner, tmp_path):
    _world()
    output = tmp_path / "batch.pdf"
    result = runner.invoke(args=["certificate", "batch", "--unit", "ws", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "3 certificates" in result.output
    assert len(support.pdf_reader(output.read_bytes()).pages) == 6
    result = runner.invoke(
        args=["certificate", "batch", "--unit", "WS", "--no-subunits", "--output", str(output)]
    )
    assert "1 certificates" in result.output
    assert len(support.pdf_reader(output.read_bytes()).pages) == 2
    result = runner.invoke(args=["certificate", "batch", "--unit", "NOPE", "--output", "x.pdf"])
    assert result.exit_code != 0


def test_the_readme_command_issues_a_certificate_on_a_fresh_demo_database(app, runner, tmp_path):
    assert runner.invoke(args=["demo"]).exit_code == 0
    output = tmp_path / "cert.pdf"
    # The demo's hours end in the year of its latest activity: last year in early January.
    with app.app_context():
        finished = select(func.max(Activity.ends_at)).where(Activity.ends_at < utcnow())
        year = str(periods.local_date(db.session.scalar(finished)).year)
    result = runner.invoke(
        args=[
            "certificate",
            "issue",
            "--volunteer",
            "13800000003",
            "--year",
            year,
            "--output",
            str(output),
        ]
    )
    assert result.exit_code == 0, result.output
    text = support.pdf_text(output.read_bytes())
    assert "演示志愿者" in text
    assert "演示主任" in text and "演示经办人" in text
