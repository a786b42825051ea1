"""One way to turn the portal's HTML into PDF: WeasyPrint, the portal's own fonts, no network.

Every PDF (reports, MoU versions, briefing packs) goes through `html_to_pdf`. It adds the faces a
fresh machine lacks: the Urdu faces the web pages use (static/vendor/fonts, built by
scripts/build-fonts.sh) as @font-face rules, so they are embedded in the PDF, and Debian's Noto
Sans CJK (fonts-noto-cjk, installed by scripts/system-deps.sh with Pango) for Chinese. The only
files WeasyPrint may open are those font files: a template cannot make the worker fetch a URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from weasyprint import CSS

# (family, weight, file under static/): the same files the pages load (portal.css).
URDU_FACES = (
    ("Noto Naskh Arabic", 400, "vendor/fonts/noto-naskh-arabic/noto-naskh-arabic-urdu-400.woff2"),
    ("Noto Naskh Arabic", 700, "vendor/fonts/noto-naskh-arabic/noto-naskh-arabic-urdu-700.woff2"),
    (
        "Noto Nastaliq Urdu",
        700,
        "vendor/fonts/noto-nastaliq-urdu/noto-nastaliq-urdu-urdu-700.woff2",
    ),
)
URDU_RANGE = "U+0600-06FF, U+200C-200F, U+2010-2011, U+FD3E-FD3F"
# Latin first (DejaVu ships with Pango's dependencies), then Urdu, then Chinese: each character
# takes the first face that has it.
BODY_FAMILIES = '"DejaVu Sans", "Noto Naskh Arabic", "Noto Sans CJK SC", sans-serif'


def font_file(relative: str) -> Path:
    """The file of a vendored font (the source static folder; present in the image as well)."""
    for folder in settings.STATICFILES_DIRS:
        path = Path(folder) / relative
        if path.is_file():
            return path
    raise FileNotFoundError(relative)


@cache
def _font_uris() -> dict[str, Path]:
    return {font_file(relative).as_uri(): font_file(relative) for _, _, relative in URDU_FACES}


def fonts_css() -> str:
    """@font-face rules for the Urdu faces and the language rules every PDF shares."""
    faces = "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
        f'src: url("{font_file(relative).as_uri()}") format("woff2"); unicode-range: {URDU_RANGE}; }}'
        for family, weight, relative in URDU_FACES
    )
    return (
        f"{faces}\n"
        f"body {{ font-family: {BODY_FAMILIES}; }}\n"
        # Urdu reads right to left: pages in Urdu mirror, as the web pages do (dir="rtl").
        "html:lang(ur) { direction: rtl; }\n"
        ':lang(ur) { font-family: "Noto Naskh Arabic", "DejaVu Sans", "Noto Sans CJK SC", sans-serif; '
        "line-height: 1.7; }\n"
        'html:lang(ur) h1, html:lang(ur) h2, html:lang(ur) h3 { font-family: "Noto Nastaliq Urdu", '
        '"Noto Naskh Arabic", "DejaVu Sans", sans-serif; line-height: 2; }\n'
        ':lang(zh) { font-family: "Noto Sans CJK SC", "DejaVu Sans", sans-serif; }\n'
    )


def _fetcher() -> Any:
    from weasyprint import URLFetcher

    allowed = _font_uris()

    class FontsOnly(URLFetcher):
        """Opens the vendored font files and nothing else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url not in allowed:
                raise ValueError(f"PDFs load no external resources: {url}")
            return super().fetch(url, headers)

    return FontsOnly()


def html_to_pdf(html: str, stylesheets: Iterable[CSS] = ()) -> bytes:
    """The PDF of `html`, with the portal's fonts first and then `stylesheets` (later rules win)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    fetcher = _fetcher()
    fonts = CSS(string=fonts_css(), font_config=font_config, url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[fonts, *stylesheets], font_config=font_config)
    return pdf
