/*
 * cfg.c: vigil.conf, its calendars, the workflow folder, the staff
 * directory, the notifiers, the message templates and the outbox settings,
 * loaded and checked together.  Start-up, "vigild --check" and a reload all go through
 * cfg_load(), so a configuration that --check accepts is exactly one that a
 * reload will apply; with any problem, nothing is applied.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigild.h"

/* Every group a workflow escalates to must be in the staff directory. */
static void
check_groups(const struct cfg *cfg, struct diag *dg)
{
	for (size_t i = 0; i < wf_set_count(cfg->workflows); i++) {
		const struct workflow *wf = wf_set_get(cfg->workflows, i);
		const char *groups[64];
		size_t n = wf_groups(wf, groups, nitems(groups));

		for (size_t g = 0; g < n && g < nitems(groups); g++)
			if (staff_group(cfg->staff, groups[g]) == NULL)
				diag_add(dg, cfg->conf->staff, 0, "workflow %s "
				    "escalates to group %s, which is not "
				    "defined here", wf_name(wf), groups[g]);
	}
}

struct cfg *
cfg_load(const char *path, struct diag *dg)
{
	struct cfg *cfg = xcalloc(1, sizeof *cfg);
	size_t before = dg->n;

	if ((cfg->conf = conf_load(path, dg)) == NULL)
		goto fail;
	cfg->workflows = wf_load_dir(cfg->conf->workflows,
	    &cfg->conf->calendars, dg);
	cfg->staff = staff_load(cfg->conf->staff, dg);
	cfg->notifiers[NOTIFY_EMAIL] = notifier_new(cfg->conf, NOTIFY_EMAIL, dg);
	cfg->notifiers[NOTIFY_SMS] = notifier_new(cfg->conf, NOTIFY_SMS, dg);
	cfg->templates = tpl_load(cfg->conf, dg);
	outbox_configure(cfg, dg);
	metrics_configure(cfg, dg);
	if (cfg->workflows == NULL || cfg->staff == NULL || dg->n > before)
		goto fail;
	check_groups(cfg, dg);
	if (dg->n > before)
		goto fail;
	cfg->loaded_at = time(NULL);
	return cfg;
fail:
	cfg_free(cfg);
	return NULL;
}

void
cfg_free(struct cfg *cfg)
{
	if (cfg == NULL)
		return;
	wf_set_free(cfg->workflows);
	staff_free(cfg->staff);
	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
		if (cfg->notifiers[ch] != NULL)
			notifier_free(cfg->notifiers[ch]);
	tpl_set_free(cfg->templates);
	outbox_conf_free(&cfg->ob);
	free(cfg->metrics_file);
	conf_free(cfg->conf);
	free(cfg);
}

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
	    next->ob.workers != old->ob.workers)
		log_warnx("reload: a new database, socket or [outbox] workers "
		    "takes effect at the next restart");
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
	log_notice("reload: configuration %s loaded (%zu workflows)",
	    vd->conf_path ? vd->conf_path : "(built-in)",
	    wf_set_count(vd->cfg->workflows));
	sched_rearm(vd);
	rc = 0;
out:
	sdn_reloaded(vd);
	return rc;
}

/* A configuration replaced by a reload stays alive while deliveries that
 * started with it (and use its notifiers) are out. */
void
cfg_retire(struct vigild *vd, struct cfg *old)
{
	if (old->inflight == 0) {
		cfg_free(old);
		return;
	}
	old->next_retired = vd->retired;
	vd->retired = old;
}

/* A delivery that used cfg is back: free cfg if it was the last one out. */
void
cfg_release(struct vigild *vd, struct cfg *cfg)
{
	struct cfg **pp;

	if (--cfg->inflight > 0 || cfg == vd->cfg)
		return;
	for (pp = &vd->retired; *pp != NULL; pp = &(*pp)->next_retired) {
		if (*pp == cfg) {
			*pp = cfg->next_retired;
			cfg_free(cfg);
			return;
		}
	}
}

/* At exit, after the delivery threads have stopped. */
void
cfg_free_retired(struct vigild *vd)
{
	while (vd->retired != NULL) {
		struct cfg *next = vd->retired->next_retired;

		cfg_free(vd->retired);
		vd->retired = next;
	}
}
