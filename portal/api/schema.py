"""OpenAPI post-processing: the error answers every operation can give, documented once.

Views document their own success answers and the errors particular to them; this hook adds
the ones the framework gives on any operation of a kind (registered in SPECTACULAR_SETTINGS
`POSTPROCESSING_HOOKS`), each with the API's one error shape (`ErrorSerializer`):

- 401 and 403 on every operation that needs authentication (roles narrow what a user may do);
- 404 where the path names a record, and on paginated lists (a page past the last one);
- 400 where the operation reads query parameters or a body, 415 where it reads a body;
- 409, 412 and 428 where the operation needs `If-Match` (state, stale ETag, missing ETag), and
  400 (an If-Match that is not an ETag);
- 429 everywhere, with `Retry-After`: every operation is throttled;
- the `ETag` header of a 412 (the record's current version), where the API sends it.

A status an operation already documents is left as the view declared it.

`ManyRelatedFieldExtension` declares `minItems: 1` on a list of related records that may not be
empty (`allow_empty=False`), and `FileFieldExtension` `minLength: 1` on an uploaded file that may
not be empty (`allow_empty_file=False`), which drf-spectacular leaves out. (Imported by portal/api/urls.py,
so it is registered before any schema is generated.)

`document_input_rules` (a second hook) writes down rules the API applies to every input:

- no string a client sends may contain a NUL character (Django and DRF refuse it with 400,
  PostgreSQL could not store it): `NO_NUL_PATTERN` on each string of a request body and each
  string path or query parameter that has no pattern, format or enum of its own (a pattern
  that has its own rule, like search's `q`, includes it);
- a list in a query parameter (`ordering`) has at least one item: an empty value is refused
  (portal/api/filters.py).

It also turns each `oneOf` without a discriminator into `anyOf`: the shapes one endpoint
gives different audiences (`PolymorphicProxySerializer`, e.g. `MouAnyAudience`) nest, so an
internal record is also a valid shared one, which `oneOf` ("exactly one") would reject.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension

ERROR_REF = {"$ref": "#/components/schemas/Error"}

DESCRIPTIONS = {
    400: _("The request is not valid: the fields say what to correct."),
    401: _("No valid API token was sent (send `Authorization: Token <key>`)."),
    403: _("The caller's roles do not allow this."),
    404: _("No such record, or the caller may not see it."),
    409: _("The record is not in a state that allows this."),
    412: _("If-Match does not hold the record's current ETag; fetch it again."),
    415: _("The body is not in a supported media type (send JSON)."),
    428: _("If-Match is required: send the record's ETag."),
    429: _("Too many requests: wait for the number of seconds in Retry-After."),
}
METHODS = ("get", "put", "post", "patch", "delete")


class ManyRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """`many=True` related fields: the default mapping, plus minItems when they may not be empty."""

    target_class = "rest_framework.relations.ManyRelatedField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if not self.target.allow_empty and not self.target.read_only:
            schema["minItems"] = max(schema.get("minItems", 0), 1)
        return schema


class FileFieldExtension(OpenApiSerializerFieldExtension):
    """An uploaded file: the default mapping, plus minLength 1 on input where an empty file is
    refused (DRF's `allow_empty_file=False`, the default: "The submitted file is empty.")."""

    target_class = "rest_framework.fields.FileField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request" and not self.target.allow_empty_file:
            schema["minLength"] = max(schema.get("minLength", 0), 1)
        return schema


def _needs_authentication(operation: dict[str, Any], default_security: list) -> bool:
    security = operation.get("security", default_security)
    return bool(security) and {} not in security


def _error_codes(operation: dict[str, Any], needs_auth: bool) -> list[int]:
    parameters = operation.get("parameters", [])
    locations = {parameter.get("in") for parameter in parameters}
    names = {parameter.get("name") for parameter in parameters}
    codes = [429]
    if needs_auth:
        codes += [401, 403]
    if "path" in locations or "page" in names:
        codes.append(404)
    if "query" in locations or "requestBody" in operation:
        codes.append(400)
    if "requestBody" in operation:
        codes.append(415)
    if "If-Match" in names:
        codes += [400, 409, 412, 428]  # 400: an If-Match that is not an ETag
    return sorted(set(codes))


def _any_of_audiences(node: Any) -> None:
    if isinstance(node, dict):
        if "oneOf" in node and "discriminator" not in node:
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _any_of_audiences(value)
    elif isinstance(node, list):
        for value in node:
            _any_of_audiences(value)


def document_error_responses(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular post-processing hook (see the module docstring)."""
    _any_of_audiences(result.get("components", {}))
    default_security = result.get("security", [])
    for path_item in result.get("paths", {}).values():
        for method in METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            needs_auth = _needs_authentication(operation, default_security)
            responses = operation.setdefault("responses", {})
            for code in _error_codes(operation, needs_auth):
                if str(code) in responses:
                    continue
                response: dict[str, Any] = {
                    "content": {"application/json": {"schema": ERROR_REF}},
                    "description": str(DESCRIPTIONS[code]),
                }
                responses[str(code)] = response
            _document_error_headers(responses)
    return result


def _document_error_headers(responses: dict[str, Any]) -> None:
    """Headers the error answers carry: Retry-After on 429, the current ETag on 412."""
    throttled = responses.get("429")
    if throttled is not None:
        throttled.setdefault("headers", {}).setdefault(
            "Retry-After",
            {
                "schema": {"type": "integer"},
                "description": str(_("Seconds to wait before trying again.")),
            },
        )
    stale = responses.get("412")
    if stale is not None:
        stale.setdefault("headers", {}).setdefault(
            "ETag",
            {
                "schema": {"type": "string"},
                "description": str(_("The record's current ETag, when the record is known.")),
            },
        )


#: No NUL character anywhere in the string (ECMAScript and Python read it alike).
NO_NUL_PATTERN = r"^[^\u0000]*$"


def _refuse_nul(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and not {"pattern", "format", "enum"} & schema.keys():
        schema["pattern"] = NO_NUL_PATTERN


def _request_strings(node: Any, components: dict[str, Any], seen: set[str]) -> None:
    """Every string schema reachable from a request body, components included (with
    COMPONENT_SPLIT_REQUEST they are the request's own: `…Request`)."""
    if isinstance(node, list):
        for item in node:
            _request_strings(item, components, seen)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        if name not in seen and name in components:
            seen.add(name)
            _request_strings(components[name], components, seen)
        return
    _refuse_nul(node)
    for key in ("properties", "patternProperties"):
        for child in (node.get(key) or {}).values():
            _request_strings(child, components, seen)
    for key in ("items", "additionalProperties", "not"):
        if isinstance(node.get(key), dict):
            _request_strings(node[key], components, seen)
    for key in ("allOf", "anyOf", "oneOf"):
        if isinstance(node.get(key), list):
            _request_strings(node[key], components, seen)


def document_input_rules(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular post-processing hook (see the module docstring)."""
    components = result.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for path_item in result.get("paths", {}).values():
        for method in METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") not in ("path", "query"):
                    continue
                schema = parameter.get("schema", {})
                _refuse_nul(schema)
                if schema.get("type") == "array":
                    if parameter["in"] == "query":
                        schema["minItems"] = max(schema.get("minItems", 0), 1)
                    if isinstance(schema.get("items"), dict):
                        _refuse_nul(schema["items"])
            for media in operation.get("requestBody", {}).get("content", {}).values():
                _request_strings(media.get("schema", {}), components, seen)
    return result
