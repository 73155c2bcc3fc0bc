#!/usr/bin/python3
# Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
"""
openapi_check.py: does one HTTP response match an OpenAPI 3.0 document?
The standard library only: a validator for the part of JSON Schema that
docs/openapi.json uses, so a test can hold a live vigild to its document.

    openapi_check.py OPENAPI METHOD PATH STATUS BODYFILE [HEADERFILE]

PATH is the request's path, query and all, as sent.  It is decoded as
vigild decodes it and matched against the document's path templates; a
parameter ({ref}) may hold '/', and of the templates that match the one
with the most literal text wins (/v1/cases/{ref}/events over
/v1/cases/{ref}).  STATUS must be one the operation documents; a request
no operation takes (no such path, a method the path does not take) must
get one of the responses of the document's x-unmatched-requests.  The
body must be JSON and valid against the response's schema.  HEADERFILE,
if given, is the response's header block (curl -D): its Content-Type must
be documented and each header the response marks required must be there,
with a value its schema allows.

Exit status 0 when it matches; 1, with what is wrong, when it does not
(or when the arguments, the files or the document cannot be used).
"""
import json
import re
import sys
import urllib.parse

METHODS = ("get", "put", "post", "delete", "options", "head", "patch",
           "trace")

# RFC 3339, as OpenAPI's format "date-time" means it.
DATE_TIME = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
                       r"[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?"
                       r"([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$")

# Keywords that constrain nothing, or nothing checked here on purpose.
ANNOTATIONS = {"description", "title", "example", "examples", "default",
               "deprecated", "readOnly", "writeOnly", "externalDocs", "xml",
               "discriminator"}
# Keywords checked here.  Any other is an error: a document that starts
# using one must not be passed as valid by a checker that ignores it.
CHECKED = {"$ref", "type", "nullable", "enum", "properties", "required",
           "additionalProperties", "items", "allOf", "oneOf", "anyOf",
           "minLength", "maxLength", "pattern", "format", "minimum",
           "maximum", "minItems", "maxItems", "uniqueItems",
           "minProperties", "maxProperties"}
# Formats that say only how big a number is, or nothing checkable.
LOOSE_FORMATS = {"int32", "int64", "float", "double", None}


class Unsupported(Exception):
    pass


def pointer(doc, ref):
    """The value a local $ref ("#/components/schemas/Case") names."""
    if not ref.startswith("#/"):
        raise Unsupported("only local references are supported: " + ref)
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise Unsupported("dangling reference " + ref)
        node = node[part]
    return node


def deref(doc, node):
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        if node["$ref"] in seen:
            raise Unsupported("reference loop at " + node["$ref"])
        seen.add(node["$ref"])
        node = pointer(doc, node["$ref"])
    return node


def same(a, b):
    """JSON equality: true is not 1, 1 is 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def type_ok(want, value):
    if want == "object":
        return isinstance(value, dict)
    if want == "array":
        return isinstance(value, list)
    if want == "string":
        return isinstance(value, str)
    if want == "boolean":
        return isinstance(value, bool)
    if want == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if want == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    raise Unsupported("unknown type " + repr(want))


def jtype(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", list: "array",
            dict: "object"}[type(value)]


class Validator:
    def __init__(self, doc):
        self.doc = doc

    def check(self, schema, value, where):
        """The list of what is wrong with value, each with where."""
        if not isinstance(schema, dict):
            raise Unsupported("%s: a schema must be an object" % where)
        if "$ref" in schema:
            # In OpenAPI 3.0 a $ref's siblings are ignored.
            return self.check(pointer(self.doc, schema["$ref"]), value, where)
        for key in schema:
            if key not in CHECKED and key not in ANNOTATIONS and \
                    not key.startswith("x-"):
                raise Unsupported("%s: schema keyword %r is not supported"
                                  % (where, key))
        errors = []
        for sub in schema.get("allOf", []):
            errors += self.check(sub, value, where)
        if "oneOf" in schema:
            n = sum(1 for sub in schema["oneOf"]
                    if not self.check(sub, value, where))
            if n != 1:
                errors.append("%s: matches %d of oneOf's schemas, not 1"
                              % (where, n))
        if "anyOf" in schema and not any(
                not self.check(sub, value, where) for sub in schema["anyOf"]):
            errors.append("%s: matches none of anyOf's schemas" % where)
        if value is None:
            if not schema.get("nullable", False) and (
                    "type" in schema or "enum" in schema or
                    "properties" in schema or "items" in schema):
                errors.append("%s: null, but not nullable" % where)
            elif "enum" in schema and not any(same(None, e)
                                              for e in schema["enum"]):
                errors.append("%s: null is not among %s"
                              % (where, json.dumps(schema["enum"])))
            return errors
        want = schema.get("type")
        if want is not None and not type_ok(want, value):
            errors.append("%s: %s, expected %s" % (where, jtype(value), want))
            return errors
        if "enum" in schema and not any(same(value, e)
                                        for e in schema["enum"]):
            errors.append("%s: %s is not one of %s" % (
                where, json.dumps(value), json.dumps(schema["enum"])))
        if isinstance(value, str):
            errors += self.string(schema, value, where)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                errors.append("%s: %s < minimum %s"
                              % (where, value, schema["minimum"]))
            if "maximum" in schema and value > schema["maximum"]:
                errors.append("%s: %s > maximum %s"
                              % (where, value, schema["maximum"]))
        elif isinstance(value, list):
            errors += self.array(schema, value, where)
        elif isinstance(value, dict):
            errors += self.object(schema, value, where)
        return errors

    def string(self, schema, value, where):
        errors = []
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append("%s: %r is shorter than %d characters"
                          % (where, value, schema["minLength"]))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append("%s: %r is longer than %d characters"
                          % (where, value, schema["maxLength"]))
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append("%s: %r does not match %s"
                          % (where, value, schema["pattern"]))
        fmt = schema.get("format")
        if fmt == "date-time":
            if not DATE_TIME.match(value):
                errors.append("%s: %r is not a date-time (RFC 3339)"
                              % (where, value))
        elif fmt not in LOOSE_FORMATS:
            raise Unsupported("%s: format %r is not supported" % (where, fmt))
        return errors

    @staticmethod
    def counted(schema, value, where, what):
        """minItems/maxItems, or minProperties/maxProperties."""
        errors = []
        low, high = "min" + what.capitalize(), "max" + what.capitalize()
        if low in schema and len(value) < schema[low]:
            errors.append("%s: fewer than %d %s" % (where, schema[low], what))
        if high in schema and len(value) > schema[high]:
            errors.append("%s: more than %d %s" % (where, schema[high], what))
        return errors

    def array(self, schema, value, where):
        errors = self.counted(schema, value, where, "items")
        if schema.get("uniqueItems"):
            for i, x in enumerate(value):
                if any(same(x, y) for y in value[:i]):
                    errors.append("%s[%d]: a duplicate" % (where, i))
        if "items" in schema:
            for i, x in enumerate(value):
                errors += self.check(schema["items"], x, "%s[%d]" % (where, i))
        return errors

    def object(self, schema, value, where):
        errors = []
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                errors.append("%s: lacks the required %r" % (where, key))
        errors += self.counted(schema, value, where, "properties")
        extra = schema.get("additionalProperties", True)
        for key, x in value.items():
            at = "%s.%s" % (where, key)
            if key in props:
                errors += self.check(props[key], x, at)
            elif extra is False:
                errors.append("%s: %r is not a documented property"
                              % (where, key))
            elif isinstance(extra, dict):
                errors += self.check(extra, x, at)
        return errors


def template_regex(template):
    """A path template as a regular expression; and its literal length."""
    parts = re.split(r"(\{[^}]+\})", template)
    rx = "".join("(.+)" if p.startswith("{") else re.escape(p)
                 for p in parts)
    literal = sum(len(p) for p in parts if not p.startswith("{"))
    return re.compile("^" + rx + "$"), literal


def find_path(doc, path):
    """The template PATH matches, or None."""
    best = None
    for template in doc.get("paths", {}):
        rx, literal = template_regex(template)
        if rx.match(path) and (best is None or literal > best[1]):
            best = (template, literal)
    return best[0] if best else None


def lookup_status(responses, status):
    for key in (status, status[0] + "XX", status[0] + "xx", "default"):
        if key in responses:
            return key, responses[key]
    return None, None


def read_headers(name):
    """The last header block of a curl -D file: status and {name: value}."""
    with open(name, encoding="iso-8859-1") as f:
        text = f.read().replace("\r\n", "\n")
    blocks = [b for b in text.split("\n\n") if b.strip()]
    if not blocks:
        return None, {}
    lines = blocks[-1].strip("\n").split("\n")
    status = lines[0].split()[1] if len(lines[0].split()) > 1 else None
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return status, headers


def unique_pairs(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError("the key %r is given twice" % k)
        d[k] = v
    return d


def main(argv):
    if len(argv) not in (6, 7):
        sys.stderr.write("usage: openapi_check.py OPENAPI METHOD PATH STATUS "
                         "BODYFILE [HEADERFILE]\n")
        return 1
    docname, method, rawpath, status, bodyname = argv[1:6]
    headername = argv[6] if len(argv) == 7 else None
    with open(docname, encoding="utf-8") as f:
        doc = json.load(f)
    v = Validator(doc)
    method = method.lower()
    what = "%s %s -> %s" % (method.upper(), rawpath, status)

    # As vigild (libmicrohttpd) reads it: the query apart, then decoded.
    path = urllib.parse.unquote(rawpath.split("?", 1)[0])
    template = find_path(doc, path)
    allow = None
    unmatched = doc.get("x-unmatched-requests", {}).get("responses", {})
    if template is not None and method in doc["paths"][template]:
        op = doc["paths"][template][method]
        responses = op.get("responses", {})
        name = "%s (%s %s)" % (op.get("operationId", "?"), method.upper(),
                               template)
    elif template is not None:
        allowed = [m.upper() for m in METHODS if m in doc["paths"][template]]
        allow = ", ".join(allowed)
        responses = {k: r for k, r in unmatched.items() if k != "404"}
        name = "%s %s, which takes only %s" % (method.upper(), template,
                                               allow)
    else:
        responses = {k: r for k, r in unmatched.items() if k != "405"}
        name = "%s, which no path template matches" % path
    key, resp = lookup_status(responses, status)
    if resp is None:
        print("%s: status %s is not documented for %s (documented: %s)" % (
            what, status, name, ", ".join(sorted(responses)) or "none"))
        return 1
    resp = deref(doc, resp)

    errors = []
    with open(bodyname, "rb") as f:
        raw = f.read()
    content = resp.get("content", {})
    media = content.get("application/json")
    if not content:
        if raw.strip():
            errors.append("a body, where the document gives none")
    elif media is None:
        errors.append("the response documents no application/json body")
    else:
        try:
            body = json.loads(raw.decode("utf-8"),
                              object_pairs_hook=unique_pairs)
        except (UnicodeDecodeError, ValueError) as e:
            errors.append("the body is not JSON (%s): %r" % (e, raw[:200]))
        else:
            if "schema" in media:
                errors += v.check(media["schema"], body, "$")

    if headername is not None:
        hstatus, headers = read_headers(headername)
        if hstatus != status:
            errors.append("the header block's status is %s" % hstatus)
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        if content and ctype not in content:
            errors.append("Content-Type %r is not documented (%s)" % (
                ctype, ", ".join(content)))
        for hname, h in resp.get("headers", {}).items():
            h = deref(doc, h)
            value = headers.get(hname.lower())
            if value is None:
                if h.get("required"):
                    errors.append("lacks the header %s" % hname)
                continue
            if "schema" in h:
                errors += v.check(h["schema"], value, "header " + hname)
            # A 405's Allow: the methods the document gives the path.
            if hname.lower() == "allow" and allow is not None and \
                    value != allow:
                errors.append("Allow: %s, but the document gives %s"
                              % (value, allow))

    if errors:
        print("%s: does not match %s, response %s of %s:" % (
            what, docname, key, name))
        for e in errors:
            print("  " + e)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, ValueError, Unsupported) as e:
        print("openapi_check.py: %s" % e)
        sys.exit(1)
