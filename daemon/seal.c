/*
 * seal.c: forward-secure seals over the event log, as journald's FSS.
 *
 * "vigild --seal-setup" makes a random key K0, prints it once for the
 * administrator to keep off this machine (the verification key), and
 * keeps it beside the database as epoch 0.  Every SEAL_SECONDS, and at a
 * clean stop, vigild writes a seal for the current epoch i: the log's
 * length and head hash, with HMAC-SHA256 under K(i).  Once the seal is on
 * disk the key moves on, K(i+1) = SHA-256(label, K(i)), and K(i) is
 * overwritten: whoever takes the machine later holds only the current key,
 * which cannot make the seals of earlier epochs, so deleting, editing or
 * re-chaining what they cover shows.  Each seal's length and head go to
 * the journal too.
 *
 * vigild checks at start that the log still holds what the newest seal
 * says (a rewrite with a recomputed chain changes the head; a deletion
 * shortens it), and refuses to start otherwise unless told to; then it
 * audits the whole chain off the loop.  "vigild --verify-seals KEYFILE", on a
 * copy of the database on a trusted machine, also checks every seal's MAC
 * from K0, read from a file (never the command line).
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vigild.h"

#define SEAL_SECONDS	300		/* between seals */
#define SEAL_KEY_LEN	32

static const char evolve_label[] = "vigil seal key evolution";

static char *
key_path(const char *database)
{
	return xasprintf("%s.seal", database);
}

static int
unhex(const char *s, unsigned char *b, size_t n)
{
	unsigned v;

	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		b[i] = (unsigned char)v;
	}
	return 0;
}

/* K(i+1) from K(i), in place. */
static void
evolve(unsigned char *key)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, evolve_label, sizeof evolve_label - 1) != 1 ||
	    EVP_DigestUpdate(ctx, key, SEAL_KEY_LEN) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		fatalx("seal: SHA-256 failed");
	EVP_MD_CTX_free(ctx);
	memcpy(key, md, SEAL_KEY_LEN);
	OPENSSL_cleanse(md, sizeof md);
}

/* A seal's MAC under key, as hex. */
static void
seal_mac(const unsigned char *key, const struct store_seal *seal, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *text = xasprintf("vigil seal\n%lld\n%lld\n%lld\n%s",
	    (long long)seal->epoch, (long long)seal->at,
	    (long long)seal->events, seal->head);

	if (HMAC(EVP_sha256(), key, SEAL_KEY_LEN, (unsigned char *)text,
	    strlen(text), md, &mdlen) == NULL || mdlen != 32)
		fatalx("seal: HMAC failed");
	hex_encode(md, 32, out);
	free(text);
}

/*
 * The key file: "EPOCH HEXKEY\n" at a fixed length, 0600.  Made new by
 * link(2) (never over an existing one); moved on by overwriting it in
 * place, so the old key's bytes do not linger in a freed block.
 */
static int
key_write(const char *path, int64_t epoch, const unsigned char *key,
    int create, char *err, size_t errlen)
{
	char k[2 * SEAL_KEY_LEN + 1], text[128];
	int fd, n, rc = -1;

	hex_encode(key, SEAL_KEY_LEN, k);
	n = snprintf(text, sizeof text, "%020lld %s\n", (long long)epoch, k);
	OPENSSL_cleanse(k, sizeof k);
	if (create)
		rc = secret_file_create(path, text, (size_t)n, err, errlen);
	else if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1 ||
	    pwrite(fd, text, (size_t)n, 0) != n || fsync(fd) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
	} else {
		close(fd);
		rc = 0;
	}
	OPENSSL_cleanse(text, sizeof text);
	return rc;
}

/* 1 with the key read, 0 when there is no key file, -1 when unreadable. */
static int
key_read(const char *path, int64_t *epoch, unsigned char *key, char *err,
    size_t errlen)
{
	char buf[256], k[2 * SEAL_KEY_LEN + 2];
	long long e;
	int ok;

	if (secret_file_read(path, buf, sizeof buf) == -1) {
		if (errno == ENOENT)
			return 0;
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ok = sscanf(buf, "%lld %65s", &e, k) == 2 && e >= 0 &&
	    unhex(k, key, SEAL_KEY_LEN) == 0;
	OPENSSL_cleanse(buf, sizeof buf);
	OPENSSL_cleanse(k, sizeof k);
	if (!ok) {
		seterr(err, errlen, "%s: not a seal key", path);
		return -1;
	}
	*epoch = e;
	return 1;
}

/* vigild --seal-setup: make K0, keep it as epoch 0, print it once. */
int
seal_setup(const char *database)
{
	unsigned char key[SEAL_KEY_LEN];
	char *path = key_path(database), err[512], k[2 * SEAL_KEY_LEN + 1];
	int rc;

	arc4random_buf(key, sizeof key);
	rc = key_write(path, 0, key, 1, err, sizeof err);
	if (rc == 0) {
		hex_encode(key, sizeof key, k);
		printf("The event log will be sealed.  The verification key, "
		    "shown this once:\n\n    %s\n\nKeep it off this machine "
		    "(on paper, in a safe); check a copy of the database\n"
		    "with \"vigild --verify-seals KEYFILE\" on a machine you "
		    "trust.\n", k);
		OPENSSL_cleanse(k, sizeof k);
	} else
		fprintf(stderr, "vigild: %s%s\n", err, errno == EEXIST ?
		    " (sealing is already set up)" : "");
	OPENSSL_cleanse(key, sizeof key);
	free(path);
	return rc;
}

/*
 * Start sealing, if it is set up.  A seal written before a crash whose
 * key never moved on is caught up: the key only ever moves forward.
 */
int
seal_start(struct vigild *vd, char *err, size_t errlen)
{
	struct store_seal last;
	char *path = key_path(vd->cfg->conf->database);
	int rc;

	rc = key_read(path, &vd->seal.epoch, vd->seal.key, err, errlen);
	if (rc <= 0) {
		free(path);
		if (rc == 0)
			log_notice("the event log is not sealed: see "
			    "\"vigild --seal-setup\"");
		return rc;
	}
	if ((rc = store_seal_last(vd->store, &last)) == -1) {
		seterr(err, errlen, "seals: %s", store_errmsg(vd->store));
		free(path);
		return -1;
	}
	if (rc == 1 && last.epoch >= vd->seal.epoch) {
		while (vd->seal.epoch <= last.epoch) {
			evolve(vd->seal.key);
			vd->seal.epoch++;
		}
		if (key_write(path, vd->seal.epoch, vd->seal.key, 0, err,
		    errlen) == -1) {
			free(path);
			return -1;
		}
	}
	vd->seal.path = path;
	vd->seal.on = 1;
	ev_timer_init(&vd->seal.timer, seal_timer_cb, SEAL_SECONDS,
	    SEAL_SECONDS);
	vd->seal.timer.data = vd;
	ev_timer_start(vd->loop, &vd->seal.timer);
	return 1;
}

/* Write the current epoch's seal in the loop's transaction. */
void
seal_now(struct vigild *vd)
{
	struct store_seal seal = { .epoch = vd->seal.epoch,
	    .at = clock_now() };

	if (!vd->seal.on || vd->seal.pending || store_write(vd->store) == -1)
		return;
	store_event_position(vd->store, &seal.events, seal.head);
	seal_mac(vd->seal.key, &seal, seal.mac);
	if (store_seal_add(vd->store, &seal) == -1) {
		log_err("seal %lld: %s", (long long)seal.epoch,
		    store_errmsg(vd->store));
		return;
	}
	vd->seal.pending = 1;
	vd->seal.events = seal.events;
	memcpy(vd->seal.head, seal.head, sizeof seal.head);
}

void
seal_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	seal_now(w->data);
}

/*
 * The seal is on disk (or not): publish it and move the key on, so this
 * epoch's key exists nowhere any more.
 */
void
seal_committed(struct vigild *vd, int ok)
{
	char err[512];

	if (!vd->seal.pending)
		return;
	vd->seal.pending = 0;
	if (!ok)
		return;
	log_notice("seal %lld: %lld events, head %s",
	    (long long)vd->seal.epoch, (long long)vd->seal.events,
	    vd->seal.head);
	evolve(vd->seal.key);
	vd->seal.epoch++;
	if (key_write(vd->seal.path, vd->seal.epoch, vd->seal.key, 0, err,
	    sizeof err) == -1)
		log_err("seal: the key could not move on: %s", err);
}

void
seal_stop(struct vigild *vd)
{
	if (!vd->seal.on)
		return;
	ev_timer_stop(vd->loop, &vd->seal.timer);
	OPENSSL_cleanse(vd->seal.key, sizeof vd->seal.key);
	free(vd->seal.path);
	vd->seal.path = NULL;
	vd->seal.on = 0;
}

/*
 * At start, cheaply: the seals the key file says were made are there, and
 * the log still holds what the newest says.  A rewrite that recomputed the
 * chain changes the sealed event's hash, and a deletion shortens the log.
 * 0 when all holds, -1 with why.
 */
int
seal_check_tail(struct store *s, const char *database, char *why, size_t len)
{
	struct store_seal last;
	unsigned char key[SEAL_KEY_LEN];
	char hash[STORE_HASH_LEN + 1], *path = key_path(database);
	int64_t count, epoch = 0;
	int rc, keyed;

	keyed = key_read(path, &epoch, key, why, len);
	OPENSSL_cleanse(key, sizeof key);
	free(path);
	if (keyed == -1)
		return -1;
	store_event_position(s, &count, hash);
	if ((rc = store_seal_last(s, &last)) == -1)
		return seterr(why, len, "the seals cannot be read: %s",
		    store_errmsg(s));
	/* The key moves on after its seal commits: epoch - 1 or epoch. */
	if (keyed == 1 && epoch > 0 && (rc == 0 || last.epoch < epoch - 1))
		return seterr(why, len, "the key is at epoch %lld but the "
		    "newest seal is %s: seals were deleted", (long long)epoch,
		    rc == 0 ? "gone" : "older");
	if (rc == 0)
		return 0;
	if (count < last.events)
		return seterr(why, len, "seal %lld covers %lld events but the "
		    "log has %lld: events were deleted", (long long)last.epoch,
		    (long long)last.events, (long long)count);
	if (last.events > 0 && (store_event_hash_at(s, last.events, hash) != 1 ||
	    strcmp(hash, last.head) != 0))
		return seterr(why, len, "seal %lld says event %lld had another "
		    "hash: the log was rewritten", (long long)last.epoch,
		    (long long)last.events);
	return 0;
}

/*
 * The case tables as the events make them, against the database's: a
 * copy rebuilt from its own log in a temporary folder, then compared row
 * for row.  An edit to a case, a field or a deadline shows.  0 when they
 * match, else why.
 */
static int
derived_differ(struct cfg *cfg, char *why, size_t len)
{
	struct vigild v = { .cfg = cfg };
	const char *tmpdir = getenv("TMPDIR");
	char *dir = xasprintf("%s/vigil-verify.XXXXXX", tmpdir && *tmpdir ?
	    tmpdir : "/tmp"), *copy = NULL, *wal, *shm;
	int rc = -1;

	if (mkdtemp(dir) == NULL) {
		seterr(why, len, "%s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	copy = xasprintf("%s/copy.db", dir);
	if (store_backup(cfg->conf->database, copy, why, len) == 0 &&
	    (v.store = store_open(copy, 0, why, len)) != NULL) {
		if (case_rebuild(&v) == -1)
			seterr(why, len, "its events cannot be replayed");
		else
			rc = store_derived_differ(v.store, cfg->conf->database,
			    why, len);
		case_forget_old_workflows(&v);
		store_close(v.store);
	}
	wal = xasprintf("%s-wal", copy);
	shm = xasprintf("%s-shm", copy);
	unlink(copy);
	unlink(wal);
	unlink(shm);
	rmdir(dir);
	free(wal);
	free(shm);
	free(copy);
	free(dir);
	return rc;
}

/*
 * vigild --verify-seals KEYFILE: the chain, what every seal says of it,
 * and every seal's MAC from K0, read from a file or standard input ("-"),
 * never from the command line where ps(1) shows it.  Exit status: 0
 * intact, 1 not.
 */
int
seal_verify(struct cfg *cfg, const char *keyfile)
{
	const char *database = cfg->conf->database;
	unsigned char key[SEAL_KEY_LEN];
	char mac[STORE_HASH_LEN + 1], err[256], buf[256];
	struct store_audit a;
	struct store *s;
	int rc = 1, ok;

	ok = secret_file_read(keyfile, buf, sizeof buf) != -1;
	buf[strcspn(buf, " \t\r\n")] = '\0';
	ok = ok && unhex(buf, key, sizeof key) == 0;
	OPENSSL_cleanse(buf, sizeof buf);
	if (!ok) {
		fprintf(stderr, "vigild: %s: expected the verification key, 64 "
		    "hex digits\n", keyfile);
		return 1;
	}
	if ((s = store_open(database, 1, err, sizeof err)) == NULL) {
		fprintf(stderr, "vigild: %s\n", err);
		return 1;
	}
	if (store_audit_verify(s, &a) == -1)
		fprintf(stderr, "vigild: %s\n", store_errmsg(s));
	else if (a.why[0] != '\0')
		printf("broken: %s\n", a.why);
	else if (a.nseals == 0)
		printf("broken: no seals, though sealing was set up\n");
	else {
		size_t i;

		for (i = 0; i < a.nseals; i++, evolve(key)) {
			seal_mac(key, &a.seals[i], mac);
			if (strcmp(mac, a.seals[i].mac) != 0)
				break;
		}
		if (i < a.nseals)
			printf("broken: seal %zu was not made with the key of "
			    "its epoch: forged\n", i);
		else if (derived_differ(cfg, err, sizeof err) != 0)
			printf("broken: %s\n", err);
		else {
			printf("intact: %lld events, %zu seals, the last "
			    "covering %lld events\n", (long long)a.events,
			    a.nseals, (long long)a.seals[a.nseals - 1].events);
			rc = 0;
		}
	}
	OPENSSL_cleanse(key, sizeof key);
	store_audit_clear(&a);
	store_close(s);
	return rc;
}
