"""The API's documentation as a page of the portal: endpoints, parameters and schemas read
from the same OpenAPI document that /api/v1/openapi.json serves, rendered by the server in
the site's layout. It replaces Swagger UI, whose nested controls and colours failed the
accessibility checks the rest of the site passes, and needs no script."""

from django.shortcuts import render
from ninja.openapi.docs import DocsBase

REF_PREFIX = "#/components/schemas/"


class ReferencePage(DocsBase):
    def render_page(self, request, api, **kwargs):
        document = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "opendata/api_docs.html",
            {
                "info": document["info"],
                "operations": _operations(document),
                "schemas": _schemas(document),
                "openapi_url": self.get_openapi_url(api, kwargs),
            },
        )


def _operations(document):
    return [
        {
            "id": _anchor(operation.get("operationId", path)),
            "method": method.upper(),
            "path": path,
            "description": operation.get("description", ""),
            "parameters": [
                {
                    "name": parameter["name"],
                    "location": "Pfad" if parameter["in"] == "path" else "Abfrage",
                    "required": parameter.get("required", False),
                    "type": type_text(parameter.get("schema", {})),
                    "description": parameter.get("description", ""),
                }
                for parameter in operation.get("parameters", [])
            ],
            "responses": [
                {
                    "status": status,
                    "type": type_text(schema),
                    "schema_id": _anchor("schema-" + type_text(schema)) if "$ref" in schema else "",
                }
                for status, response in operation.get("responses", {}).items()
                for schema in [
                    response.get("content", {}).get("application/json", {}).get("schema", {})
                ]
            ],
        }
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def _schemas(document):
    return [
        {
            "name": name,
            "id": _anchor("schema-" + name),
            "properties": [
                {
                    "name": key,
                    "required": key in schema.get("required", ()),
                    "type": type_text(prop),
                    "description": prop.get("description", ""),
                }
                for key, prop in schema.get("properties", {}).items()
            ],
        }
        for name, schema in document.get("components", {}).get("schemas", {}).items()
    ]


def type_text(schema):
    """A schema in a few words: `string (date)`, `Liste von GoalOut`, `eins von: a, b`;
    `oder null` where the value may be missing."""
    if "$ref" in schema:
        return schema["$ref"].removeprefix(REF_PREFIX)
    if "anyOf" in schema:
        kinds = [part for part in schema["anyOf"] if part.get("type") != "null"]
        text = " oder ".join(type_text(part) for part in kinds)
        return text + " oder null" if len(kinds) < len(schema["anyOf"]) else text
    if "enum" in schema:
        return "eins von: " + ", ".join(str(value) for value in schema["enum"])
    kind = schema.get("type", "")
    if kind == "array":
        return "Liste von " + type_text(schema.get("items", {}))
    details = [schema[key] for key in ("format",) if key in schema]
    if "pattern" in schema:
        details.append(f"Muster {schema['pattern']}")
    if "maxLength" in schema:
        details.append(f"höchstens {schema['maxLength']} Zeichen")
    if "minimum" in schema or "maximum" in schema:
        details.append(f"{schema.get('minimum', '…')} bis {schema.get('maximum', '…')}")
    return f"{kind} ({', '.join(details)})" if details else kind


def _anchor(text):
    return "".join(c if c.isalnum() else "-" for c in text.lower())
