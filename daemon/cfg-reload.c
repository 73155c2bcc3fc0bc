/*
 * cfg-reload.c: putting a new configuration in force.  It sits above the
 * modules it tells (cases, scheduler, metrics, systemd), while cfg.c,
 * which the outbox calls to release a configuration, calls none of them.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <string.h>

#include "vigild.h"

/*
 * Replace the configuration in force only if all of the new one is good,
 * for SIGHUP and "vigilctl reload" alike; systemd hears of it either way.
 * The workflow versions it brings are recorded in a savepoint, since other
 * clients' writes may share the transaction.
 */
int
cfg_reload(struct vigild *vd, struct diag *dg)
{
	struct cfg *next, *old = vd->cfg;
	char err[512];
	int rc = -1;

	sdn_reloading();
	if ((next = cfg_load(vd->conf_path, dg)) == NULL) {
		log_err("reload: configuration has errors; keeping the one "
		    "loaded before:");
		diag_log(dg);
		goto out;
	}
	if (strcmp(next->conf->database, old->conf->database) != 0 ||
	    strcmp(next->conf->socket, old->conf->socket) != 0 ||
	    next->ob.workers != old->ob.workers ||
	    !same_str(next->http_listen, old->http_listen) ||
	    next->http_connections != old->http_connections ||
	    next->http_per_address != old->http_per_address)
		log_warnx("reload: a new database, socket, [outbox] workers or "
		    "[http] listener takes effect at the next restart");
	vd->cfg = next;
	if (store_write(vd->store) == -1 || store_savepoint(vd->store) == -1 ||
	    case_store_workflows(vd) == -1) {
		log_err("reload: cannot record the workflows; keeping the "
		    "configuration loaded before");
		if (store_in_transaction(vd->store))
			store_rollback_to(vd->store);
		vd->cfg = old;
		cfg_free(next);
		diag_add(dg, vd->conf_path, 0, "cannot record the workflows in "
		    "the database");
		goto out;
	}
	store_release(vd->store);
	case_forget_old_workflows(vd);
	cfg_retire(vd, old);
	metrics_start(vd);
	deadman_start(vd);
	if (link_start(vd, err, sizeof err) == -1)
		log_err("reload: without its key, acknowledgement links stay "
		    "out of messages and the managers' pages take no forms: "
		    "%s", err);
	req_admin_backups(vd);
	purge_schedule(vd);
	summary_schedule(vd);
	log_notice("reload: configuration %s loaded (%zu workflows)",
	    vd->conf_path ? vd->conf_path : "(built-in)",
	    wf_set_count(vd->cfg->workflows));
	sched_rearm(vd);
	rc = 0;
out:
	sdn_reloaded(vd);
	return rc;
}
