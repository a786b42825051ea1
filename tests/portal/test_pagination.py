"""The pager shared by every list page stays short however long the list is."""

import re

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def _pager(number: int, count: int = 10_000) -> str:
    page = Paginator(range(count), 25).page(number)
    request = RequestFactory().get("/recommendations/", {"status": "draft", "page": number})
    return render_to_string("includes/_pagination.html", {"page_obj": page}, request)


def _numbers(html: str) -> list[str]:
    return re.findall(r'<span class="visually-hidden">Page </span>(\d+)</a>', html)


def test_a_long_list_shows_the_ends_and_the_pages_around_the_current_one():
    html = _pager(200)

    assert _numbers(html) == ["1", "198", "199", "200", "201", "202", "400"]
    assert html.count("…") == 2
    assert 'href="?status=draft&amp;page=201"' in html
    assert 'aria-current="page"><span class="visually-hidden">Page </span>200<' in html


def test_a_short_list_shows_every_page():
    assert _numbers(_pager(2, count=100)) == ["1", "2", "3", "4"]


def test_the_api_refuses_a_page_size_outside_1_to_200(db, api_as):
    from django.urls import reverse

    from tests.conftest import make_persona

    client = api_as(make_persona("ministry"))
    url = reverse("api:visit-list")

    for bad in ["0", "-1", "201", "abc", "1.5", ""]:
        response = client.get(url, {"page_size": bad})
        assert response.status_code == 400, bad
        assert response.json()["error"]["fields"]["page_size"]
    assert client.get(url, {"page_size": "200"}).status_code == 200
    assert client.get(url, {"page_size": "1"}).status_code == 200


def test_the_schema_declares_page_size_bounds():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    parameters = schema["paths"]["/api/v1/visits/"]["get"]["parameters"]
    page_size = next(p for p in parameters if p["name"] == "page_size")

    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 25}
