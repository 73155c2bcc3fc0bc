/*
 * workflow.h: workflows read from INI files (states, events, deadlines,
 * guards, escalation policy; see vigil-workflow(5)), and the engine that runs
 * one case through one workflow.
 *
 * The engine is pure: no database, no clock, no staff directory.  Every time
 * is passed in, and the caller (the daemon) resolves who someone is before
 * asking.  The same events applied in the same order to the same workflow
 * version always give the same case: that is how "vigild --rebuild" works.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef WORKFLOW_H
#define WORKFLOW_H

#include "calendar.h"

#define WF_NAME_MAX		64
#define WF_VERSION_LEN		12	/* hex digits of SHA-256 */
#define WF_MAX_RECIPIENTS	8

struct workflow;			/* one loaded workflow (opaque) */
struct wf_set;				/* the workflows of a folder (opaque) */

struct wf_field {
	char	*key;
	char	*value;
};

enum wf_status {
	WF_PENDING,			/* missed, too, when due <= now */
	WF_MET,
	WF_CANCELLED			/* stopped by a state change or closure */
};

/* One instance of an obligation on one case. */
struct wf_deadline {
	uint32_t seq;			/* unique in the case, from 1, start order */
	char	*name;			/* the obligation, e.g. "dash" */
	char	*duration;		/* as applied, e.g. "1 working day" */
	int64_t	 started;
	int64_t	 due;
	enum wf_status status;
	int64_t	 closed_at;		/* when met or cancelled, else 0 */
	char	*closed_by;		/* the event that did it, or NULL */
	int64_t	 acked_at;		/* 0 unless acknowledged */
	char	*acked_by;
	int	 urgent;		/* its SMS ignore quiet hours */
	int	 pause_runs;		/* a pause of the case does not stop it */
};

struct wf_case {
	char	*ref;
	char	*workflow;		/* name */
	char	*version;		/* wf_version() of what it runs */
	char	*state;
	struct wf_field *fields;	/* sorted by key */
	size_t	 nfields;
	struct wf_deadline *deadlines;	/* in seq order */
	size_t	 ndeadlines;
	int64_t	 opened;
	int64_t	 last_event;		/* time of the latest event */
	int64_t	 paused_at;		/* 0 unless paused */
	uint32_t next_seq;
	int	 closed;		/* reached a final state */
	int64_t	 closed_at;		/* when it did, or 0 */
	int64_t	 next_at;		/* as loaded: its next step, or 0 (the
					 * core's, not the engine's) */
};

struct wf_event {
	const char *name;		/* "open", "contact-made", "ack", ... */
	int64_t	 at;			/* when it happened (--at) */
	const char *by;			/* staff id of who recorded it, or NULL */
	const char *by_role;		/* their role in the staff directory */
	const struct wf_field *fields;	/* --set KEY=VALUE, open's options */
	size_t	 nfields;
};

enum wf_target_kind {
	WF_TO_OFFICER,			/* the case's officer */
	WF_TO_MANAGER,			/* "up" levels above the officer */
	WF_TO_GROUP,			/* a group of the staff directory */
	WF_TO_ROTA			/* whoever a rota has on call then */
};
#define WF_EMAIL	0x1
#define WF_SMS		0x2
struct wf_recipient {
	enum wf_target_kind kind;
	int	 up;			/* WF_TO_MANAGER: 1 = line manager */
	const char *group;		/* WF_TO_GROUP */
	const char *rota;		/* WF_TO_ROTA */
	unsigned channels;		/* WF_EMAIL | WF_SMS */
};

/* One message-worthy moment of a deadline's escalation policy. */
struct wf_step {
	uint32_t seq;			/* the deadline instance */
	const char *deadline;		/* its name */
	int	 level;			/* 0: reminder; 1: at the miss; 2...  */
	int	 repeat;		/* 0, or 1..cap for repeats of the level */
	int64_t	 at;
	int	 urgent;
	struct wf_recipient to[WF_MAX_RECIPIENTS];
	size_t	 nto;
};

/*
 * Loading.  NULL, with every problem in the diag as file:line, on error.
 * wf_load_dir() loads every *.ini of a folder; wf_load_file() one file and
 * what it includes; wf_load_buffer() a self-contained text (no include),
 * such as wf_text() gives.  A non-NULL cal_set is checked for every
 * calendar a workflow names.
 */
struct wf_set *wf_load_dir(const char *, const struct cal_set *, struct diag *);
struct workflow *wf_load_buffer(const char *, const char *, size_t,
	    const struct cal_set *, struct diag *);
struct workflow *wf_load_file(const char *, const struct cal_set *,
	    struct diag *);
void	 wf_set_free(struct wf_set *);
void	 wf_free(struct workflow *);
size_t	 wf_set_count(const struct wf_set *);
const struct workflow *wf_set_get(const struct wf_set *, size_t);
const struct workflow *wf_set_find(const struct wf_set *, const char *);

/*
 * What a workflow is and says.  wf_roles() and wf_groups() store up to max
 * names and return how many there are.
 */
const char *wf_name(const struct workflow *);
const char *wf_version(const struct workflow *);
const char *wf_text(const struct workflow *);
int	 wf_has_state(const struct workflow *, const char *);
int	 wf_has_event(const struct workflow *, const char *);
const char *wf_deadline_title(const struct workflow *, const char *);
const char *wf_deadline_action(const struct workflow *, const char *);
size_t	 wf_roles(const struct workflow *, const char **, size_t);
int	 wf_event_takes(const struct workflow *, const char *, const char *);
/*
 * Who a member of staff is to a case, for "role =": its officer's line
 * manager, or that manager's manager.  The core works it out from the
 * staff directory and records the event as made in that role.
 */
#define WF_ROLE_LINE_MANAGER	"line-manager"
#define WF_ROLE_MANAGER_ABOVE	"manager-above"
size_t	 wf_groups(const struct workflow *, const char **, size_t);
/*
 * The rotas a workflow's escalations name ("rota NAME"), each where it is
 * first named, so that the core can refuse one vigil.conf lacks at its
 * file:line (the workflow's files are gone by then).
 */
struct wf_rota_ref {
	char	*name;
	char	*file;
	int	 line;
};
size_t	 wf_rotas(const struct workflow *, const struct wf_rota_ref **);

/*
 * The engine.  On refusal: -1, a reason in err, the case untouched.
 * wf_open() fills a zeroed case from an "open" event; wf_apply() takes any
 * other event, "ack" included; wf_migrate() moves a case to another
 * workflow or version (refused when its state or a pending deadline does
 * not exist there).  wf_steps() stores the earliest max steps, sorted by
 * time, and returns how many there are in all; their deadline names point
 * into the case, so they last until it changes.
 */
int	 wf_open(const struct workflow *, const struct cal_set *,
	    struct wf_case *, const char *, const struct wf_event *, char *,
	    size_t);
int	 wf_apply(const struct workflow *, const struct cal_set *,
	    struct wf_case *, const struct wf_event *, char *, size_t);
int	 wf_migrate(const struct workflow *, struct wf_case *, int64_t, char *,
	    size_t);
size_t	 wf_steps(const struct workflow *, const struct cal_set *,
	    const struct wf_case *, struct wf_step *, size_t);

/* Cases. */
void	 wf_case_free(struct wf_case *);
void	 wf_case_copy(struct wf_case *, const struct wf_case *);
const char *wf_case_field(const struct wf_case *, const char *);
const struct wf_deadline *wf_case_deadline(const struct wf_case *, uint32_t);
int	 wf_deadline_same(const struct wf_deadline *,
	    const struct wf_deadline *);
const char *wf_deadline_default(const struct workflow *,
	    const struct wf_case *, const struct wf_deadline *);

#endif
