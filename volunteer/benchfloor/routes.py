"""/bench/floor: one indexed read, one insert, one commit; what a request costs at the least.

bench/bench_scan.py compares the real scan URL against it. The blueprint is
registered only when BENCH_FLOOR_ENDPOINT is set, never in production.
"""

from flask import Blueprint, request

from volunteer.access import PUBLIC, access
from volunteer.extensions import csrf, db
from volunteer.services import accounts, audit

bp = Blueprint("benchfloor", __name__, url_prefix="/bench")


@bp.route("/floor")
@access(PUBLIC)
@csrf.exempt
def floor():
    """One indexed read and one insert: what a request costs at the least."""
    user = accounts.user_with_phone(request.args.get("phone", ""))
    audit.record_audit(user, "bench.floor")
    db.session.commit()
    return {"ok": True}
