/*
 * link.c: acknowledgement links ([links] ack_url).  An escalation to a
 * member of staff (alone or in a digest) carries a link of their own that
 * acknowledges one deadline of one case as them, and nothing else:
 *
 *	ACK_URL/ack/v1.PAYLOAD.MAC
 *
 * PAYLOAD is the base64url of "ref seq level staff expiry" (newline
 * separated; none of them can hold a newline), MAC the base64url of
 * HMAC-SHA256 over "v1.PAYLOAD" with a key of this host's: made at the
 * first start that needs it, kept beside the database (DATABASE.link-key,
 * 0600) and never in it, so a copy of the database cannot make links.
 * A changed byte, another key or a passed expiry and the link is refused.
 *
 * The same key makes the web view's form tokens (link_form_token()): a
 * form's POST must carry one made for the person signed in, today or
 * yesterday, so that another site cannot make their browser post one.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vigild.h"

#define LINK_PREFIX	"v1."
#define LINK_MAC_LEN	32

/* base64url without padding, as URLs want it. */
static char *
b64url(const unsigned char *in, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);
	int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);

	while (len > 0 && out[len - 1] == '=')
		len--;
	out[len] = '\0';
	for (char *p = out; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	return out;
}

/* The bytes of base64url s, NUL-terminated, in *out; -1 if not base64url. */
static int
unb64url(const char *s, size_t n, unsigned char **out, size_t *outlen)
{
	size_t padded = (n + 3) / 4 * 4;
	char *t;
	int len;

	if (n == 0 || n % 4 == 1 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_") < n)
		return -1;
	t = xmalloc(padded + 1);
	for (size_t i = 0; i < padded; i++)
		t[i] = i >= n ? '=' : s[i] == '-' ? '+' : s[i] == '_' ? '/' :
		    s[i];
	t[padded] = '\0';
	*out = xmalloc(padded / 4 * 3 + 1);
	len = EVP_DecodeBlock(*out, (unsigned char *)t, (int)padded);
	free(t);
	if (len < 0) {
		free(*out);
		return -1;
	}
	*outlen = (size_t)len - (padded - n);	/* the padding's zero bytes */
	(*out)[*outlen] = '\0';
	return 0;
}

static void
mac(const struct vigild *vd, const char *text, size_t n,
    unsigned char md[LINK_MAC_LEN])
{
	unsigned int len = 0;

	if (HMAC(EVP_sha256(), vd->link_key, sizeof vd->link_key,
	    (const unsigned char *)text, n, md, &len) == NULL ||
	    len != LINK_MAC_LEN)
		fatalx("HMAC-SHA256 failed");
}

/*
 * The key, read or made: at start and at a reload that sets ack_url.
 * 0, or -1 with err (links are then left out of messages).
 */
int
link_start(struct vigild *vd, char *err, size_t len)
{
	char *path, text[2 * sizeof vd->link_key + 2];
	unsigned char key[sizeof vd->link_key];
	unsigned v;
	ssize_t n;
	int rc = -1;

	if ((vd->cfg->ack_url == NULL && vd->cfg->nweb_proxies == 0) ||
	    vd->link_key_ok)
		return 0;
	path = xasprintf("%s.link-key", vd->cfg->conf->database);
	if ((n = secret_file_read(path, text, sizeof text)) == -1 &&
	    errno == ENOENT) {
		arc4random_buf(key, sizeof key);
		hex_encode(key, sizeof key, text);
		text[2 * sizeof key] = '\n';
		text[2 * sizeof key + 1] = '\0';
		OPENSSL_cleanse(key, sizeof key);
		if (secret_file_create(path, text, strlen(text), err, len) == 0)
			log_notice("made the key of the acknowledgement links: "
			    "%s", path);
		else
			goto out;
	} else if (n == -1) {
		seterr(err, len, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (strlen(text) < 2 * sizeof key) {
		seterr(err, len, "%s: not a key of the acknowledgement links",
		    path);
		goto out;
	}
	for (size_t i = 0; i < sizeof key; i++) {
		if (sscanf(text + 2 * i, "%2x", &v) != 1) {
			seterr(err, len, "%s: not a key of the "
			    "acknowledgement links", path);
			goto out;
		}
		vd->link_key[i] = (unsigned char)v;
	}
	vd->link_key_ok = 1;
	rc = 0;
out:
	OPENSSL_cleanse(text, sizeof text);
	free(path);
	return rc;
}

/*
 * A link acknowledging deadline seq of case ref as staff member staff, who
 * got it with an escalation at level; NULL when links are off.
 */
char *
link_make(struct vigild *vd, const char *ref, uint32_t seq, int level,
    const char *staff, int64_t now)
{
	unsigned char md[LINK_MAC_LEN];
	char *payload, *p64, *signed_text, *m64, *url;

	if (vd->cfg->ack_url == NULL || !vd->link_key_ok)
		return NULL;
	payload = xasprintf("%s\n%u\n%d\n%s\n%lld", ref, seq, level, staff,
	    (long long)(now + vd->cfg->ack_valid));
	p64 = b64url((const unsigned char *)payload, strlen(payload));
	signed_text = xasprintf(LINK_PREFIX "%s", p64);
	mac(vd, signed_text, strlen(signed_text), md);
	m64 = b64url(md, sizeof md);
	url = xasprintf("%s/ack/%s.%s", vd->cfg->ack_url, signed_text, m64);
	free(payload);
	free(p64);
	free(signed_text);
	free(m64);
	return url;
}

/*
 * What a link says, if this host made it: LINK_OK with l filled in (its
 * strings owned), LINK_BAD (not a link, or changed), or LINK_EXPIRED.
 */
enum link_state
link_check(struct vigild *vd, const char *token, struct link *l,
    int64_t now)
{
	unsigned char md[LINK_MAC_LEN], *payload = NULL;
	const char *dot;
	char *want;
	size_t plen;
	int ok;
	enum link_state st = LINK_BAD;
	char *f[5], *save;
	long long expires;
	size_t nf = 0;

	memset(l, 0, sizeof *l);
	if (!vd->link_key_ok || strncmp(token, LINK_PREFIX,
	    sizeof LINK_PREFIX - 1) != 0 || (dot = strchr(token +
	    sizeof LINK_PREFIX - 1, '.')) == NULL)
		return LINK_BAD;
	/*
	 * The MAC as this host writes it, character for character: decoding
	 * the link's would let a last character differ in the bits base64
	 * leaves unused, a changed link that still works.
	 */
	mac(vd, token, (size_t)(dot - token), md);
	want = b64url(md, sizeof md);
	ok = strlen(dot + 1) == strlen(want) &&
	    CRYPTO_memcmp(dot + 1, want, strlen(want)) == 0;
	free(want);
	if (!ok)
		goto out;
	if (unb64url(token + sizeof LINK_PREFIX - 1, (size_t)(dot - token) -
	    (sizeof LINK_PREFIX - 1), &payload, &plen) == -1)
		goto out;
	for (char *t = strtok_r((char *)payload, "\n", &save); t != NULL &&
	    nf < nitems(f); t = strtok_r(NULL, "\n", &save))
		f[nf++] = t;
	if (nf != nitems(f) || sscanf(f[4], "%lld", &expires) != 1)
		goto out;
	l->ref = xstrdup(f[0]);
	l->seq = (uint32_t)strtoul(f[1], NULL, 10);
	l->level = atoi(f[2]);
	l->staff = xstrdup(f[3]);
	l->expires = expires;
	st = now < expires ? LINK_OK : LINK_EXPIRED;
out:
	free(payload);
	return st;
}

/* The form token of staff for the day of t. */
static char *
form_token(struct vigild *vd, const char *staff, int64_t t)
{
	unsigned char md[LINK_MAC_LEN];
	char *text = xasprintf("form\n%s\n%lld", staff, (long long)(t /
	    86400));

	mac(vd, text, strlen(text), md);
	free(text);
	return b64url(md, sizeof md);
}

/* A token for the forms of the pages staff sees now. */
char *
link_form_token(struct vigild *vd, const char *staff, int64_t now)
{
	return vd->link_key_ok ? form_token(vd, staff, now) : NULL;
}

/* Whether token is staff's, made today or yesterday. */
int
link_form_token_ok(struct vigild *vd, const char *staff, const char *token,
    int64_t now)
{
	int ok = 0;

	for (int64_t day = 0; day < 2 && !ok && vd->link_key_ok; day++) {
		char *want = form_token(vd, staff, now - day * 86400);

		ok = token != NULL && strlen(token) == strlen(want) &&
		    CRYPTO_memcmp(token, want, strlen(want)) == 0;
		free(want);
	}
	return ok;
}

void
link_clear(struct link *l)
{
	free(l->ref);
	free(l->staff);
	memset(l, 0, sizeof *l);
}
