"""Full-text search across the programme, one query per kind of record.

Every source starts from its model's `visible_to(viewer)` and leaves archived records out,
as the lists do. On PostgreSQL English text is matched with a weighted `SearchVector`
(`websearch` syntax, ranked, title first) and highlighted with `SearchHeadline`; Chinese text
has no word splitting in PostgreSQL, so Chinese fields (and any query with CJK characters)
are matched with `icontains` and excerpted in Python. Other databases (SQLite for `make run`)
use `icontains` throughout. Each kind's query also returns the kind's total (a window count),
so a search costs one query per kind whatever the data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from collaboration.models import ActionItem, Meeting, Recommendation
from delegations import policies as visit_policies
from delegations.models import Visit
from genebank import policies as genebank_policies
from genebank.models import Agreement, Cohort, Transfer
from mou.models import Clause, ClauseSnapshot, Mou, MouVersion
from portal import policies as roles
from portal.formatting import markdown_to_text

# The shortest query worth running, and how many hits each kind shows on the overview.
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200
OVERVIEW_LIMIT = 5
PAGE_SIZE = 20
SNIPPET_CHARS = 90
CONFIG = "english"

# Markers PostgreSQL puts around matches; the text is escaped before they become <mark>.
_START = "\x02"
_STOP = "\x03"
# The same markers while the snippet's Markdown is turned into plain text (the Markdown library
# uses the two control characters above itself).
_TEXT_START = "\ue000"
_TEXT_STOP = "\ue001"
_CJK_CHARACTERS = r"\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK = re.compile(f"[{_CJK_CHARACTERS}]")
#: `is_too_short`'s rule as a pattern for the API schema: two characters that are not spaces,
#: or a CJK character (ECMAScript and Python read it alike); and no NUL character anywhere,
#: which the API refuses in every string (portal/api/schema.py `NO_NUL_PATTERN`).
QUERY_PATTERN = rf"^[^\u0000]*?([^\s\u0000]\s*[^\s\u0000]|[{_CJK_CHARACTERS}])[^\u0000]*$"

KIND_LABELS: dict[str, Promise] = {
    "recommendation": _("Recommendations"),
    "visit": _("Visits"),
    "clause": _("MoU clauses"),
    "meeting": _("Meetings"),
    "action-item": _("Action items"),
    "cohort": _("Gene bank cohorts"),
    "agreement": _("Transfer agreements"),
    "transfer": _("Transfers"),
}
KINDS: tuple[str, ...] = tuple(KIND_LABELS)


@dataclass(frozen=True)
class SearchHit:
    kind: str
    id: int
    title: str
    snippet: SafeString
    url: str
    status: str = ""

    @property
    def snippet_text(self) -> str:
        """The snippet without markup, for the API."""
        text = str(self.snippet).replace("<mark>", "").replace("</mark>", "")
        return (
            text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", '"')
            .replace("&#x27;", "'")
            .replace("&amp;", "&")
        )


@dataclass
class KindResult:
    kind: str
    label: Promise
    total: int
    hits: list[SearchHit] = field(default_factory=list)


@dataclass
class SearchResults:
    query: str
    kinds: list[KindResult]
    too_short: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return {result.kind: result.total for result in self.kinds}

    @property
    def total(self) -> int:
        return sum(result.total for result in self.kinds)


@dataclass(frozen=True)
class _Source:
    """What one kind searches: its visible rows and which fields, with how much weight."""

    queryset: QuerySet[Any]
    title: str
    weighted: Sequence[tuple[str, str]]  # English fields and their weights (A–D)
    plain: Sequence[str] = ()  # matched with icontains only (Chinese text)
    url: Callable[[Any], str] = lambda obj: obj.get_absolute_url()
    status: Callable[[Any], str] = lambda obj: ""
    # On PostgreSQL, the table's generated column holding exactly the `weighted` vector
    # (search/migrations/0001), matched through its GIN index and ranked without recomputing.
    stored_vector: bool = False

    @property
    def text_fields(self) -> list[str]:
        """The fields a snippet is cut from (not the title, which is shown anyway)."""
        return [name for name, _weight in self.weighted if name != self.title] + list(self.plain)


def _status(obj: Any) -> str:
    return str(obj.get_status_display()) if hasattr(obj, "get_status_display") else ""


# The sources ------------------------------------------------------------------------------


def _recommendations(viewer: Any) -> _Source:
    return _Source(
        queryset=Recommendation.objects.visible_to(viewer).active(),
        title="title",
        weighted=[
            ("title", "A"),
            ("summary", "B"),
            ("body", "C"),
            ("rationale", "C"),
            ("expected_outcomes", "D"),
            ("official_reference", "B"),
        ],
        status=_status,
        stored_vector=True,
    )


def _visits(viewer: Any) -> _Source:
    weighted = [("title", "A"), ("purpose", "B"), ("destination", "C")]
    if visit_policies.can_view_visit_internals(viewer):
        weighted += [("internal_notes", "D"), ("official_reference", "B")]
    return _Source(
        queryset=Visit.objects.visible_to(viewer).active(),
        title="title",
        weighted=weighted,
        status=_status,
    )


def _clause_url(clause: Clause) -> str:
    return reverse("mou:clause-list", args=[clause.mou_id]) + f"#clause-{clause.pk}"


def _snapshot_url(snapshot: ClauseSnapshot) -> str:
    version = snapshot.version
    return reverse("mou:version-detail", args=[version.mou_id, version.number]) + (
        f"#clause-{snapshot.pk}"
    )


def _clauses(viewer: Any) -> _Source:
    """Inside government: the working draft. BGI's liaison: clauses of versions shared with BGI.

    The mou app shows BGI only shared versions of MoUs that are not archived (never the
    working draft), so search follows the same rule.
    """
    if roles.is_internal(viewer):
        return _Source(
            queryset=Clause.objects.active()
            .filter(mou__in=Mou.objects.visible_to(viewer).active())
            .select_related("mou"),
            title="heading_en",
            weighted=[("heading_en", "A"), ("text_en", "B")],
            plain=["heading_zh", "text_zh"],
            url=_clause_url,
        )
    versions = MouVersion.objects.visible_to(viewer).filter(
        mou__in=Mou.objects.visible_to(viewer).active()
    )
    return _Source(
        queryset=ClauseSnapshot.objects.filter(version__in=versions).select_related("version"),
        title="heading_en",
        weighted=[("heading_en", "A"), ("text_en", "B")],
        plain=["heading_zh", "text_zh"],
        url=_snapshot_url,
    )


def _meetings(viewer: Any) -> _Source:
    return _Source(
        queryset=Meeting.objects.visible_to(viewer).active(),
        title="title",
        weighted=[
            ("title", "A"),
            ("minutes", "B"),
            ("location", "C"),
            ("chair", "C"),
            ("official_reference", "B"),
        ],
    )


def _action_items(viewer: Any) -> _Source:
    return _Source(
        queryset=ActionItem.objects.visible_to(viewer).active(),
        title="title",
        weighted=[("title", "A"), ("description", "B")],
        status=_status,
        stored_vector=True,
    )


def _cohorts(viewer: Any) -> _Source:
    return _Source(
        queryset=Cohort.objects.visible_to(viewer).active(),
        title="name",
        weighted=[("name", "A"), ("description", "B"), ("collection_sites", "C")],
    )


def _agreements(viewer: Any) -> _Source:
    return _Source(
        queryset=Agreement.objects.visible_to(viewer).active(),
        title="title",
        weighted=[("title", "A"), ("reference", "A"), ("scope", "B"), ("parties", "C")],
    )


def _transfers(viewer: Any) -> _Source:
    weighted = [("reference", "A"), ("purpose", "B"), ("destination_site", "C")]
    if genebank_policies.can_view_transfer_internals(viewer):
        weighted.append(("internal_notes", "D"))
    return _Source(
        queryset=Transfer.objects.visible_to(viewer).active(),
        title="reference",
        weighted=weighted,
        status=_status,
    )


_SOURCES: dict[str, Callable[[Any], _Source]] = {
    "recommendation": _recommendations,
    "visit": _visits,
    "clause": _clauses,
    "meeting": _meetings,
    "action-item": _action_items,
    "cohort": _cohorts,
    "agreement": _agreements,
    "transfer": _transfers,
}


def kinds_for(viewer: Any) -> list[str]:
    """The kinds this viewer can find anything in (BGI's liaison: visits and clauses)."""
    if roles.is_internal(viewer):
        return list(KINDS)
    if roles.is_bgi_liaison(viewer):
        return ["visit", "clause"]
    return []


# Matching ---------------------------------------------------------------------------------


def normalise(query: str | None) -> str:
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def is_too_short(query: str) -> bool:
    """Fewer than two characters; one CJK character is a word, so it is enough."""
    return len(query) < MIN_QUERY_LENGTH and not _CJK.search(query)


def _words(query: str) -> list[str]:
    return [w for w in re.findall(r'[^\s"()]+', query) if w.lower() not in {"or", "and"}]


def _terms(query: str) -> list[str]:
    """Words the query asks for (not those it leaves out with a minus), for icontains and
    excerpts."""
    return [w for w in _words(query) if not w.startswith("-")]


def _left_out(query: str) -> list[str]:
    return [w.lstrip("-") for w in _words(query) if w.startswith("-") and w.lstrip("-")]


def _icontains(fields: Sequence[str], terms: Sequence[str]) -> Q:
    """Every term appears in one of the fields (a phrase of CJK text is one term)."""
    conditions = [
        reduce(or_, (Q(**{f"{name}__icontains": term}) for name in fields)) for term in terms
    ]
    return reduce(lambda a, b: a & b, conditions)


def _excerpt(texts: Sequence[str], terms: Sequence[str]) -> SafeString:
    """An escaped excerpt of the texts' plain text (Markdown markup stripped) around the first
    match, with every match in <mark>."""
    text = " … ".join(markdown_to_text(t, single_line=True) for t in texts if t)
    if not text:
        return mark_safe("")
    pattern = (
        re.compile("|".join(re.escape(t) for t in terms if t), re.IGNORECASE) if terms else None
    )
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - SNIPPET_CHARS) if match else 0
    end = min(len(text), (match.end() if match else 0) + SNIPPET_CHARS * 2)
    piece = text[start:end]
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    if pattern is None:
        return mark_safe(lead + escape(piece) + tail)  # noqa: S308 - escaped
    out: list[str] = []
    last = 0
    for found in pattern.finditer(piece):
        out.append(escape(piece[last : found.start()]))
        out.append(f"<mark>{escape(found.group(0))}</mark>")
        last = found.end()
    out.append(escape(piece[last:]))
    return mark_safe(lead + "".join(out) + tail)  # noqa: S308 - every piece is escaped


def _headline(raw: str | None) -> SafeString:
    """PostgreSQL's headline as plain text (Markdown markup stripped), escaped, with its match
    markers turned into <mark>."""
    marked = (raw or "").replace(_START, _TEXT_START).replace(_STOP, _TEXT_STOP)
    text = escape(markdown_to_text(marked, single_line=True))
    return mark_safe(text.replace(_TEXT_START, "<mark>").replace(_TEXT_STOP, "</mark>"))  # noqa: S308


def _uses_full_text(queryset: QuerySet[Any], query: str) -> bool:
    return connections[queryset.db].vendor == "postgresql" and not _CJK.search(query)


def weighted_vector(weighted: Sequence[tuple[str, str]]) -> Any:
    """The weighted full-text vector of the fields, as the search matches and ranks it."""
    vector: Any = None
    for name, weight in weighted:
        part = SearchVector(name, weight=weight, config=CONFIG)
        vector = part if vector is None else vector + part
    return vector


def _run(source: _Source, kind: str, query: str, *, offset: int, limit: int) -> KindResult:
    """One query: the kind's matching rows, best first, each carrying the kind's total."""
    terms = _terms(query) or [query]
    queryset = source.queryset
    english = [name for name, _weight in source.weighted]
    if _uses_full_text(queryset, query):
        search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
        vector: Any = weighted_vector(source.weighted)
        title_vector: Any = SearchVector(source.title, config=CONFIG)
        if source.stored_vector:
            table = connections[queryset.db].ops.quote_name(queryset.model._meta.db_table)
            # Only the model's own table name goes into the SQL.
            column = f"{table}.search_vector"
            vector = RawSQL(column, [], output_field=SearchVectorField())  # noqa: S611
            # The title is the one field of weight A: its words, kept in the stored vector.
            title_vector = Func(
                vector, Value("{a}"), function="ts_filter", output_field=SearchVectorField()
            )
        match = Q(_sv=search_query)
        if source.plain:
            match |= _icontains(source.plain, terms)
        text_fields = source.text_fields or [source.title]
        document: Any = F(text_fields[0])
        if len(text_fields) > 1:
            parts: list[Any] = []
            for name in text_fields:
                parts += [F(name), Value(" … ")]
            document = Concat(*parts[:-1], output_field=TextField())
        queryset = (
            queryset.annotate(_sv=vector, _title_sv=title_vector)
            .filter(match)
            .annotate(
                _rank=SearchRank(vector, search_query),
                _title_hit=Case(
                    When(_title_sv=search_query, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
                _headline=SearchHeadline(
                    document,
                    search_query,
                    config=CONFIG,
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
        )
    else:
        fields = english + list(source.plain)
        queryset = queryset.filter(_icontains(fields, terms))
        for word in _left_out(query):
            queryset = queryset.exclude(_icontains(fields, [word]))
        queryset = queryset.annotate(
            _rank=Value(0.0, output_field=FloatField()),
            _title_hit=Case(
                When(_icontains([source.title], terms), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            _headline=Value("", output_field=CharField()),
        )
    rows = list(
        queryset.annotate(_total=Window(Count("pk"))).order_by("-_title_hit", "-_rank", "-pk")[
            offset : offset + limit
        ]
    )
    hits = []
    for row in rows:
        if row._headline and _START in row._headline:
            snippet = _headline(row._headline)
        else:
            snippet = _excerpt([getattr(row, name) for name in source.text_fields], terms)
        hits.append(
            SearchHit(
                kind=kind,
                id=row.pk,
                title=str(getattr(row, source.title)),
                snippet=snippet,
                url=source.url(row),
                status=source.status(row),
            )
        )
    total = rows[0]._total if rows else 0
    return KindResult(kind=kind, label=KIND_LABELS[kind], total=total, hits=hits)


def search(
    *,
    viewer: Any,
    query: str | None,
    kind: str | None = None,
    offset: int = 0,
    limit: int = OVERVIEW_LIMIT,
) -> SearchResults:
    """What the viewer may see that matches `query`: per kind, the best `limit` and the total.

    With `kind`, only that kind (a kind the viewer cannot search gives nothing). One query
    per kind searched.
    """
    text = normalise(query)
    if is_too_short(text):
        return SearchResults(query=text, kinds=[], too_short=True)
    kinds = kinds_for(viewer)
    if kind is not None:
        kinds = [k for k in kinds if k == kind]
    return SearchResults(
        query=text,
        kinds=[_run(_SOURCES[k](viewer), k, text, offset=offset, limit=limit) for k in kinds],
    )
