"""The API reference page renders the OpenAPI document in a browser from the app's own
files, asking nothing of any other host."""

from playwright.sync_api import expect


def test_the_reference_page_lists_the_operations_without_any_outside_request(phone_page):
    page = phone_page
    outside = []
    page.on(
        "request", lambda r: None if r.url.startswith("http://127.0.0.1") else outside.append(r.url)
    )
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Volunteer hours API")
    expect(page.get_by_text("/api/v1/scan", exact=True)).to_be_visible()
    assert outside == []
