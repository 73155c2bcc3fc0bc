/*
 * cfg.c: vigil.conf, its calendars, the workflow folder, the staff
 * directory, the rotas, the notifiers, the message templates and the
 * outbox settings, loaded and checked together.  Start-up, "vigild
 * --check" and a reload all go through cfg_load(), so a configuration that
 * --check accepts is exactly one that a reload will apply; with any
 * problem, nothing is applied.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
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

/*
 * A rota file names every rota a workflow escalates to, at the workflow's
 * line.  Without one (the default install) each such rota has nobody on
 * call, so outside the default calendar's hours its messages go to the
 * fallback group: said once a load, not at every miss.
 */
static void
load_rotas(struct cfg *cfg, struct diag *dg)
{
	const struct conf *c = cfg->conf;

	if (c->rota != NULL)
		cfg->rotas = rota_load(c->rota, &c->calendars, cfg->staff, dg);
	else
		cfg->rotas = rota_set_new();
	for (size_t i = 0; cfg->rotas != NULL &&
	    i < wf_set_count(cfg->workflows); i++) {
		const struct workflow *wf = wf_set_get(cfg->workflows, i);
		const struct wf_rota_ref *refs;
		size_t n = wf_rotas(wf, &refs);

		for (size_t k = 0; k < n; k++) {
			if (rota_find(cfg->rotas, refs[k].name) != NULL)
				continue;
			/* Five workflows include domestic-abuse.ini:
			 * diag_add says it once. */
			if (c->rota != NULL) {
				diag_add(dg, refs[k].file, refs[k].line,
				    "rota %s is not defined in %s",
				    refs[k].name, c->rota);
				continue;
			}
			rota_add_empty(cfg->rotas, refs[k].name,
			    c->default_calendar);
			log_notice("workflow %s escalates to rota %s, but "
			    "vigil.conf names no rota file: out of hours, "
			    "group %s hears instead", wf_name(wf),
			    refs[k].name, STAFF_FALLBACK);
		}
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
	if (cfg->workflows != NULL)
		load_rotas(cfg, dg);
	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
		cfg->notifiers[ch] = notifier_new(cfg->conf,
		    (enum notify_channel)ch, dg);
	cfg->templates = tpl_load(cfg->conf, dg);
	cfg_read_outbox(cfg, dg);
	cfg_read_metrics(cfg, dg);
	cfg_read_http(cfg, dg);
	cfg_read_access(cfg, dg);
	cfg_read_links(cfg, dg);
	cfg_read_web(cfg, dg);
	cfg_read_summary(cfg, dg);
	cfg->heartbeat = heartbeat_conf_new(cfg->conf, dg);
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
	rota_set_free(cfg->rotas);
	for (int ch = 0; ch < NOTIFY_NCHANNELS; ch++)
		if (cfg->notifiers[ch] != NULL)
			notifier_free(cfg->notifiers[ch]);
	tpl_set_free(cfg->templates);
	cfg_free_outbox(&cfg->ob);
	strv_free(cfg->relays, cfg->nrelays);
	if (cfg->has_reference)
		regfree(&cfg->reference);
	free(cfg->ack_url);
	strv_free(cfg->web_proxies, cfg->nweb_proxies);
	free(cfg->web_user_header);
	free(cfg->metrics_file);
	free(cfg->http_listen);
	free(cfg->http_cert);
	if (cfg->http_key != NULL) {
		explicit_bzero(cfg->http_key, strlen(cfg->http_key));
		free(cfg->http_key);
	}
	heartbeat_conf_free(cfg->heartbeat);
	conf_free(cfg->conf);
	free(cfg);
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
