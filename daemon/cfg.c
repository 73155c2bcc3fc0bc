/*
 * cfg.c: vigil.conf, its calendars and the workflow folder, loaded and
 * checked together.  Start-up, "vigild --check" and a reload all go through
 * cfg_load(), so a configuration that --check accepts is exactly one that a
 * reload will apply; with any problem, nothing is applied.
 */
#include <stdlib.h>
#include <time.h>

#include "vigild.h"

struct cfg *
cfg_load(const char *path, struct diag *dg)
{
	struct cfg *cfg = xcalloc(1, sizeof *cfg);
	size_t before = dg->n;

	if ((cfg->conf = conf_load(path, dg)) == NULL)
		goto fail;
	cfg->workflows = wf_load_dir(cfg->conf->workflows,
	    &cfg->conf->calendars, dg);
	if (cfg->workflows == NULL || dg->n > before)
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
	conf_free(cfg->conf);
	free(cfg);
}
