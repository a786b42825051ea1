"""The server-drawn SVG charts: accessible, escaped, clamped, CSP-safe, and drawable by WeasyPrint."""

import re
import xml.etree.ElementTree as ET

import pytest

from portal.charts import BAR_FILL, bar_chart_svg, progress_bar_svg

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - our own output


def _filled_width(svg: str) -> float:
    root = _parse(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == BAR_FILL]
    return sum(float(r.get("width")) for r in bars)


def test_progress_bar_is_an_accessible_image_that_names_its_value():
    root = _parse(progress_bar_svg(percent=42, label="Carrier screening coverage"))

    assert root.get("role") == "img"
    assert root.get("aria-label") == "Carrier screening coverage: 42% complete"
    title = root.find(f"{SVG}title")
    assert title.text == "Carrier screening coverage: 42% complete"
    assert root.get("aria-labelledby") == title.get("id")


@pytest.mark.parametrize(
    ("percent", "expected_width", "spoken"),
    [(-20, 0, "0%"), (0, 0, "0%"), (50, 119, "50%"), (100, 238, "100%"), (250, 238, "100%")],
)
def test_progress_bar_clamps_to_0_100(percent, expected_width, spoken):
    svg = progress_bar_svg(percent=percent, label="X", width=240)

    assert _filled_width(svg) == pytest.approx(expected_width)
    assert f"X: {spoken} complete" in svg


def test_progress_bar_without_data_says_so_and_draws_no_bar():
    svg = progress_bar_svg(percent=None, label="Gene bank samples")

    assert _parse(svg).get("aria-label") == "Gene bank samples: no data yet"
    assert _filled_width(svg) == 0


def test_labels_are_escaped():
    svg = progress_bar_svg(percent=10, label='<script>alert("x")</script> & co')
    chart = bar_chart_svg(bars=[("<b>draft</b>", 3)], title="A & B <i>")

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "<b>" not in chart
    assert "&lt;b&gt;draft&lt;/b&gt;" in chart
    assert "A &amp; B &lt;i&gt;" in chart
    _parse(svg), _parse(chart)  # still well-formed XML


def test_charts_have_no_style_attributes_or_scripts():
    for svg in (
        progress_bar_svg(percent=30, label="a"),
        bar_chart_svg(bars=[("Draft", 2), ("Approved", 5)], title="Pipeline"),
    ):
        assert "style" not in svg
        assert "<script" not in svg
        assert not re.search(r"\son\w+=", svg)


def test_bar_chart_scales_bars_to_the_largest_and_writes_values():
    svg = bar_chart_svg(bars=[("Draft", 2), ("Approved", 4), ("Rejected", 0)], title="Pipeline")
    root = _parse(svg)

    bars = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("fill") == BAR_FILL]
    assert len(bars) == 2  # a zero draws no bar
    assert bars[0] * 2 == pytest.approx(bars[1])
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["Draft", "2", "Approved", "4", "Rejected", "0"]
    assert root.get("aria-label") == "Pipeline. Draft: 2; Approved: 4; Rejected: 0"


def test_bar_chart_without_bars_says_no_data():
    svg = bar_chart_svg(bars=[], title="Pipeline")

    assert "No data yet." in svg
    assert _parse(svg).get("aria-label") == "Pipeline. no data"


def test_each_chart_has_its_own_title_id():
    first = _parse(progress_bar_svg(percent=1, label="a")).get("aria-labelledby")
    second = _parse(progress_bar_svg(percent=1, label="a")).get("aria-labelledby")

    assert first != second


def test_weasyprint_draws_the_charts_into_a_pdf():
    import weasyprint

    html = (
        "<html><body><p>Progress</p>"
        + progress_bar_svg(percent=60, label="Screening")
        + bar_chart_svg(bars=[("Draft", 1), ("Approved", 3)], title="Pipeline")
        + "</body></html>"
    )

    pdf = weasyprint.HTML(string=html).write_pdf()

    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 1000
