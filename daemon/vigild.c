/*
 * vigild.c: the daemon.  Load and check the configuration, take the
 * database, serve the control socket, catch up on whatever fell due while
 * stopped, and fire deadlines until told to stop.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "vigild.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: vigild [-f] [-c CONF] [-d]\n"
	    "       vigild --check [-c CONF]\n"
	    "       vigild --rebuild [-c CONF] [--accept-broken-chain]\n"
	    "       vigild --seal-setup [-c CONF]\n"
	    "       vigild --verify-seals KEYFILE [-c CONF]\n"
	    "\n"
	    "  -c, --config CONF  configuration file (default %s if it exists,\n"
	    "                     otherwise the built-in defaults)\n"
	    "  -f, --foreground   stay in the foreground, log to stderr\n"
	    "  -d, --debug        log debug messages too\n"
	    "      --check        check the configuration and workflows, print\n"
	    "                     \"ok\" or every problem as file:line, and exit\n"
	    "      --rebuild      rebuild the case tables from the event log\n"
	    "                     (vigild must not be running) and exit\n"
	    "      --seal-setup   start sealing the event log; print the key\n"
	    "                     that verifies the seals, once\n"
	    "      --verify-seals KEYFILE  check the chain and every seal of\n"
	    "                     the database with the key in KEYFILE (- for\n"
	    "                     stdin; best, a copy on a trusted machine)\n"
	    "      --accept-broken-chain  start or rebuild on an event log that\n"
	    "                     fails its check (after investigating it)\n"
	    "  -V, --version      print the version and exit\n"
	    "  -h, --help         print this help and exit\n"
	    "\nSee vigild(8).\n", conf_default_path());
}

/*
 * -c, else the installed vigil.conf if there is one, else the built-in
 * defaults.  Made absolute: paths in it resolve against its folder, and a
 * daemon changes to / before it opens them.
 */
static char *
default_conf(const char *given)
{
	char *abs;

	if (given == NULL && access(conf_default_path(), F_OK) == 0)
		given = conf_default_path();
	if (given == NULL)
		return NULL;
	if ((abs = realpath(given, NULL)) == NULL)
		return xstrdup(given);	/* cfg_load says what is wrong */
	return abs;
}

/*
 * The event log holds what its seals say (start: the newest seal's head,
 * cheaply; rebuild: the whole chain, which it reads anyway).  A broken log
 * stops vigild unless told to go on; it is never silently built upon.
 */
static int
chain_ok(struct vigild *vd, int whole, int accept_broken)
{
	struct store_audit a;
	char why[256] = "";

	if (whole) {
		if (store_audit_verify(vd->store, &a) == -1)
			snprintf(why, sizeof why, "%s", store_errmsg(vd->store));
		else if (a.why[0] != '\0')
			snprintf(why, sizeof why, "%s (event %lld)", a.why,
			    (long long)a.broken_id);
		store_audit_clear(&a);
	} else
		seal_check_tail(vd->store, vd->cfg->conf->database, why,
		    sizeof why);
	if (why[0] == '\0')
		return 0;
	log_crit("the event log is broken: %s", why);
	if (accept_broken) {
		log_warnx("going on with a broken event log, as told "
		    "(--accept-broken-chain)");
		return 0;
	}
	log_err("not %s on it: investigate, restore a backup, or start with "
	    "--accept-broken-chain", whole ? "rebuilding" : "starting");
	return -1;
}

/*
 * Started with 0, 1 or 2 closed, the lock file or the socket would take
 * one of them, and going to /dev/null once ready would close it.
 */
static void
std_fds_open(void)
{
	int fd;

	do {
		if ((fd = open("/dev/null", O_RDWR)) == -1)
			exit(1);
	} while (fd <= STDERR_FILENO);
	close(fd);
}

/*
 * --check: what the configuration's loader cannot see alone.  Warnings do
 * not fail it; a folder that is not there does.
 */
static int
check_more(const struct cfg *cfg, const char *conf_path)
{
	char why[PATH_MAX + 128];
	int rc;

	if (!cfg->has_reference)
		fprintf(stderr, "%s: warning: [access] reference is not set: any "
		    "case reference is accepted, even one that names a person\n",
		    conf_path);
	if (cfg->metrics_file != NULL &&
	    (rc = metrics_reach(cfg->metrics_file, why, sizeof why)) != 0) {
		fprintf(stderr, "%s: %s: [metrics] file: %s\n", conf_path,
		    rc < 0 ? "error" : "warning", why);
		if (rc < 0)
			return 1;
	}
	printf("ok\n");
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "check", no_argument, NULL, 'C' },
		{ "rebuild", no_argument, NULL, 'R' },
		{ "seal-setup", no_argument, NULL, 'S' },
		{ "verify-seals", required_argument, NULL, 'K' },
		{ "accept-broken-chain", no_argument, NULL, 'A' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vigild vd = { .listen_fd = -1 };
	int ch, check = 0, rebuild = 0, debug = 0, lockfd, status = 1;
	int setup = 0, accept_broken = 0;
	const char *verify_key = NULL;
	struct diag dg = { 0 };
	char err[512], *conf_path;

	std_fds_open();
	while ((ch = getopt_long(argc, argv, "c:fdVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			vd.conf_path = optarg;
			break;
		case 'f':
			vd.foreground = 1;
			break;
		case 'd':
			debug = 1;
			break;
		case 'C':
			check = 1;
			break;
		case 'R':
			rebuild = 1;
			break;
		case 'S':
			setup = 1;
			break;
		case 'K':
			verify_key = optarg;
			break;
		case 'A':
			accept_broken = 1;
			break;
		case 'V':
			printf("vigild %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	vd.conf_path = conf_path = default_conf(vd.conf_path);
	log_init("vigild", check || rebuild || setup || verify_key ||
	    vd.foreground ?
	    log_dest_for_stderr() : LOG_TO_SYSLOG, debug ? LOG_DEBUG : LOG_INFO);

	if ((vd.cfg = cfg_load(vd.conf_path, &dg)) == NULL) {
		diag_print(&dg, stderr);
		diag_clear(&dg);
		if (!check)
			log_err("configuration has errors; not starting");
		free(conf_path);
		return 1;
	}
	diag_clear(&dg);
	if (setup || verify_key != NULL) {
		status = setup ? seal_setup(vd.cfg->conf->database) == 0 ? 0 :
		    1 : seal_verify(vd.cfg, verify_key);
		cfg_free(vd.cfg);
		free(conf_path);
		return status;
	}
	if (check) {
		status = check_more(vd.cfg, conf_path);
		cfg_free(vd.cfg);
		free(conf_path);
		return status;
	}

	umask(077);
	/*
	 * The secrets are in memory now: no core dump, no ptrace by other
	 * processes of the same user, whatever the unit says.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		log_warn("prctl(PR_SET_DUMPABLE)");
	/* A peer that hangs up must give EPIPE, in every thread. */
	signal(SIGPIPE, SIG_IGN);
	if (!vd.foreground && !rebuild)
		detach_start();
	if ((lockfd = store_lock(vd.cfg->conf->database, err, sizeof err)) == -1)
		fatalx("%s", err);
	if ((vd.store = store_open(vd.cfg->conf->database, 0, err,
	    sizeof err)) == NULL)
		fatalx("%s", err);
	vd.loop = ev_default_loop(EVFLAG_AUTO);
	vd.started = clock_now();
	sched_init(&vd);
	commits_init(&vd);
	req_admin_init(&vd);

	if (store_begin(vd.store) == -1 || case_store_workflows(&vd) == -1 ||
	    store_commit(vd.store) == -1)
		fatalx("cannot record the workflows in %s",
		    vd.cfg->conf->database);
	if (chain_ok(&vd, rebuild, accept_broken) == -1)
		goto out;
	if (rebuild) {
		status = case_rebuild(&vd) == 0 ? 0 : 1;
		goto out;
	}
	if (seal_start(&vd, err, sizeof err) == -1)
		fatalx("seal: %s", err);
	if (outbox_init(&vd) == -1)
		fatalx("outbox: %s", store_errmsg(vd.store));
	if (control_listen(&vd, err, sizeof err) == -1)
		fatalx("control socket: %s", err);
	if (http_start(&vd, err, sizeof err) == -1)
		fatalx("[http] listen: %s", err);
	if (link_start(&vd, err, sizeof err) == -1)
		fatalx("the key of the acknowledgement links and the managers' "
		    "pages' forms: %s", err);
	log_notice("vigild %s ready: database %s, socket %s, %zu workflows",
	    PACKAGE_VERSION, vd.cfg->conf->database, vd.socket_path,
	    wf_set_count(vd.cfg->workflows));
	sched_start(&vd);
	req_admin_schedule(&vd);
	sdn_ready(&vd);
	detach_ready();
	metrics_start(&vd);
	deadman_start(&vd);
	purge_schedule(&vd);
	summary_schedule(&vd);

	loop_run(&vd);
	control_close(&vd);
	http_close(&vd);
	log_notice("stopped");
	status = 0;
	outbox_finish(&vd);
	deadman_finish();
	seal_stop(&vd);
	cfg_free_retired(&vd);
out:
	req_admin_finish(&vd);
	notes_free(&vd);
	case_forget_old_workflows(&vd);
	store_close(vd.store);
	close(lockfd);
	cfg_free(vd.cfg);
	if (vd.loop != NULL)
		ev_loop_destroy(vd.loop);
	free(conf_path);
	return status;
}
