/*
 * html.c: the pages vigild serves to people (the acknowledgement page, and
 * what comes after it), written server-side without JavaScript.  Every
 * value goes through html_text(); markup is only ever literal.  One small
 * style, with the contrast and focus outline WCAG 2.2 AA asks for.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "vigild.h"

static const char style[] =
    "body{font-family:system-ui,sans-serif;font-size:1.1875rem;"
    "line-height:1.5;color:#0b0c0c;background:#fff;max-width:60rem;"
    "margin:0 auto;padding:1rem}"
    "h1{font-size:2rem;line-height:1.2}"
    "dt{font-weight:700}dd{margin:0 0 .75rem}"
    ".notice{border-left:.3rem solid #1d70b8;padding-left:1rem}"
    ".warn{border-left:.3rem solid #d4351c;padding-left:1rem}"
    "button{font:inherit;font-weight:700;color:#fff;background:#00703c;"
    "border:0;border-radius:0;padding:.5rem 1rem;box-shadow:0 2px 0 #002d18;"
    "cursor:pointer}"
    "button:focus,a:focus,input:focus,select:focus{outline:3px solid #fd0;"
    "outline-offset:0;box-shadow:0 -2px #fd0,0 4px #0b0c0c}"
    "a{color:#1d70b8}footer{margin-top:2rem;font-size:1rem;color:#505a5f}"
    "table{border-collapse:collapse;margin:1rem 0 2rem;width:100%}"
    "caption{font-weight:700;font-size:1.5rem;text-align:left}"
    "th,td{text-align:left;vertical-align:top;padding:.5rem 1rem .5rem 0;"
    "border-bottom:1px solid #b1b4b6}"
    ".visually-hidden{position:absolute;width:1px;height:1px;margin:0;"
    "overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}";

/* s, escaped for an HTML text node or a quoted attribute. */
void
html_text(struct buf *b, const char *s)
{
	for (; s != NULL && *s; s++) {
		switch (*s) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&#39;");
			break;
		default:
			buf_add(b, s, 1);
		}
	}
}

/* The head of a page titled title, up to the start of its main. */
void
html_start(struct buf *b, const char *title)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"robots\" content=\"noindex\">\n<title>");
	html_text(b, title);
	buf_puts(b, " - vigil</title>\n<style>");
	buf_puts(b, style);
	buf_puts(b, "</style>\n</head>\n<body>\n<main>\n<h1>");
	html_text(b, title);
	buf_puts(b, "</h1>\n");
}

void
html_end(struct buf *b)
{
	buf_puts(b, "</main>\n<footer>vigil keeps the clock on case deadlines "
	    "and holds no personal details.</footer>\n</body>\n</html>\n");
}

/* One term and its description in a <dl>. */
void
html_term(struct buf *b, const char *term, const char *desc)
{
	buf_puts(b, "<dt>");
	html_text(b, term);
	buf_puts(b, "</dt><dd>");
	html_text(b, desc);
	buf_puts(b, "</dd>\n");
}

/* A paragraph of text, with a class (NULL: none). */
void
html_para(struct buf *b, const char *cls, const char *text)
{
	buf_puts(b, cls ? "<p class=\"" : "<p>");
	if (cls != NULL) {
		buf_puts(b, cls);
		buf_puts(b, "\">");
	}
	html_text(b, text);
	buf_puts(b, "</p>\n");
}
