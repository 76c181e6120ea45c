"""The OpenAPI document: every /api/v1 rule is in it, it validates, and a property-based
run (schemathesis, in-process over WSGI) finds no 5xx and no answer that breaks it."""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer
from volunteer.extensions import db
from volunteer.models import Role
from volunteer.services import grants


def _document_path(rule: str) -> str:
    """Werkzeug's /units/<int:unit_id> as OpenAPI's /units/{unit_id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_every_api_rule_and_method_is_in_the_document(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    api_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")]
    assert len(api_rules) > 20
    for rule in api_rules:
        operations = document["paths"].get(_document_path(rule.rule))
        assert operations is not None, rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in operations, (rule.rule, method)
    assert set(document["paths"]) == {_document_path(r.rule) for r in api_rules}


def test_the_document_validates_and_declares_its_security(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert document["paths"]["/api/v1/tokens"]["post"]["security"] == []
    assert document["paths"]["/api/v1/scan"]["post"]["security"] == [{"bearerAuth": []}]
    declared = {tag["name"] for tag in document["tags"]}
    for operations in document["paths"].values():
        for method, operation in operations.items():
            if method == "parameters":  # the path's own parameters, not an operation
                continue
            assert set(operation["tags"]) <= declared, operation["summary"]


@pytest.fixture
def everyone(world):
    """A volunteer who is also an admin: every rule lets them in, so the run goes deep."""
    user = world["volunteer"]
    grants.grant_role(user, Role.ADMIN, actor=None)
    db.session.commit()
    return bearer(user)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
RUN = settings(
    max_examples=5,  # per operation and mode: bounded, so the suite stays quick
    deadline=None,
    derandomize=True,  # the same examples on every run and in CI
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_no_server_error_and_no_answer_outside_the_document(app, everyone):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Revoking tokens at random would revoke the run's own token and leave only 401s.
    schema = schema.exclude(method="DELETE", path_regex=r"/tokens/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @RUN
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case):
                with app.app_context():  # each call its own context and session
                    case.call_and_validate(headers=everyone, checks=CHECKS)

            try:
                call()
            except Unsatisfiable:
                # Nothing to make invalid: the operation takes no parameters and no body.
                assert mode == GenerationMode.NEGATIVE, operation.label
