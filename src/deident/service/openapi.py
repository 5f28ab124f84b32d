"""The OpenAPI 3.0 description served at GET /openapi.json (for CMS integrators)."""

from __future__ import annotations

from typing import Any

_ERROR = {
    "description": "Error",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_UPLOAD_BODY = {
    "required": True,
    "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}, "text": {"type": "string"}},
            }
        },
        "text/plain": {"schema": {"type": "string"}},
        "application/json": {
            "schema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
        },
    },
}
_FILENAME = {
    "name": "filename",
    "in": "query",
    "required": False,
    "description": "Name of the uploaded file (its extension selects the reader); required with application/octet-stream.",
    "schema": {"type": "string"},
}
_COMMON_ERRORS = {
    "400": _ERROR,
    "411": _ERROR,
    "413": {**_ERROR, "description": "Upload larger than the server's limit"},
    "415": {**_ERROR, "description": "Unsupported Content-Type"},
    "503": _ERROR,
}


def spec() -> dict[str, Any]:
    from deident import __version__

    return {
        "openapi": "3.0.3",
        "info": {
            "title": "deident",
            "version": __version__,
            "description": "Find and mask personal data in government content; 先审后发 gate and approvals.",
        },
        "paths": {
            "/v1/scan": {
                "post": {
                    "summary": "Findings in an uploaded file or text",
                    "parameters": [
                        _FILENAME,
                        {
                            "name": "redact",
                            "in": "query",
                            "schema": {"type": "boolean"},
                            "description": "Mask `text` in findings",
                        },
                    ],
                    "requestBody": _UPLOAD_BODY,
                    "responses": {
                        "200": {
                            "description": "Findings JSON; a corrupt or unsupported file has status blocked",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Findings"}}
                            },
                        },
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/v1/mask": {
                "post": {
                    "summary": "Masked copy of an uploaded file (or text)",
                    "parameters": [
                        _FILENAME,
                        {"name": "policy", "in": "query", "schema": {"type": "string", "default": "gov"}},
                    ],
                    "requestBody": _UPLOAD_BODY,
                    "responses": {
                        "200": {
                            "description": "The masked file; X-Deident-Findings counts masked values",
                            "content": {"application/octet-stream": {}, "text/plain": {}},
                        },
                        "422": {
                            **_ERROR,
                            "description": "The file cannot be masked safely (blocked); nothing returned",
                        },
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/v1/gate/{sha256}": {
                "get": {
                    "summary": "May these exact bytes be published?",
                    "parameters": [
                        {
                            "name": "sha256",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"},
                        },
                        {
                            "name": "require_approvals",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "default": 1},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "Verdict",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Verdict"}}
                            },
                        },
                        "400": _ERROR,
                    },
                }
            },
            "/v1/approvals": {
                "post": {
                    "summary": "Approve an uploaded file (its sha256) as the token's reviewer",
                    "security": [{"bearer": []}],
                    "parameters": [
                        _FILENAME,
                        {"name": "policy", "in": "query", "schema": {"type": "string", "default": "gov"}},
                        {
                            "name": "require_approvals",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1},
                        },
                    ],
                    "requestBody": _UPLOAD_BODY,
                    "responses": {
                        "201": {"description": "Approval recorded"},
                        "401": {**_ERROR, "description": "No bearer token"},
                        "403": {**_ERROR, "description": "Invalid token"},
                        "409": {**_ERROR, "description": "Refused: blocked file or unresolved findings"},
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/v1/decisions": {
                "post": {
                    "summary": "Mark findings of an uploaded file as not personal data, or confirm them",
                    "security": [{"bearer": []}],
                    "parameters": [
                        _FILENAME,
                        {
                            "name": "finding",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                            "description": "Finding ids from /v1/scan, comma-separated",
                        },
                        {
                            "name": "verdict",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "enum": ["not_pii", "confirmed"]},
                        },
                        {
                            "name": "reason",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "Required with not_pii; must not quote the personal data",
                        },
                    ],
                    "requestBody": _UPLOAD_BODY,
                    "responses": {
                        "201": {"description": "Decisions recorded"},
                        "401": {**_ERROR, "description": "No bearer token"},
                        "403": {**_ERROR, "description": "Invalid token"},
                        "409": {
                            **_ERROR,
                            "description": "Unknown finding id for these bytes, or blocked file",
                        },
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/openapi.json": {
                "get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI"}}}
            },
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {"description": "ok"}}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
                    "required": ["error"],
                },
                "Findings": {
                    "type": "object",
                    "properties": {
                        "version": {"type": "integer"},
                        "files": {"type": "array", "items": {"type": "object"}},
                        "findings": {"type": "array", "items": {"type": "object"}},
                        "summary": {"type": "object"},
                    },
                    "required": ["version", "files", "findings", "summary"],
                },
                "Verdict": {
                    "type": "object",
                    "properties": {
                        "sha256": {"type": "string"},
                        "verdict": {"type": "string", "enum": ["approved", "blocked"]},
                        "reason": {"type": "string", "nullable": True},
                        "reviewers": {"type": "array", "items": {"type": "string"}},
                        "required": {"type": "integer"},
                    },
                    "required": ["sha256", "verdict"],
                },
            },
        },
    }
