"""The OpenAPI document and its browsable docs are public and served without a CDN."""

import json

from django.test import Client


def no_repeated_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), f"a key is given twice: {keys}"
    return dict(pairs)


def test_the_openapi_document_describes_every_operation_with_bearer_auth(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    # Swagger UI refuses a document with a key given twice (an int and a str 200, say).
    document = json.loads(response.content, object_pairs_hook=no_repeated_keys)
    assert document["info"]["title"] == "Stepwise API"
    assert document["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    paths = document["paths"]
    assert "/api/v1/schools/{code}/marks" in paths
    push = paths["/api/v1/schools/{code}/marks"]["post"]
    assert {"200", "401", "404", "409", "422", "429"} <= set(push["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in push["parameters"])
    events = paths["/api/v1/schools/{code}/edfi/student-school-attendance-events"]["post"]
    schema = events["requestBody"]["content"]["application/json"]["schema"]
    assert schema["items"]["title"] == "StudentSchoolAttendanceEvent"


def test_the_docs_page_loads_swagger_ui_from_stepwise_itself(db):
    client = Client()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/v1/openapi.json" in html
    assert "https://" not in html  # nothing from a CDN: the CSP allows only 'self'
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"):
        assert f"/api/v1/docs/assets/{asset}" in html
        response = client.get(f"/api/v1/docs/assets/{asset}")
        assert response.status_code == 200
        assert len(b"".join(response.streaming_content)) > 100
    assert client.get("/api/v1/docs/assets/..%2Fsettings.py").status_code == 404
    assert client.get("/api/v1/docs/assets/favicon.png").status_code == 404
