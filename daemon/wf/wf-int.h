/*
 * wf-int.h: what the wf-*.c files share and nothing else sees: the raw
 * (merged, line-numbered) text of a workflow, the compiled form the engine
 * runs, and the guard expressions.  The contract is workflow.h.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef WF_INT_H
#define WF_INT_H

#include "workflow.h"

#define WF_MAX_LEVELS		9	/* level-1 ... level-9 */
#define WF_MAX_INCLUDE		8	/* nesting of include */
#define WF_MAX_REPEAT		100

/* wf-raw.c: the text as read, includes merged, before any meaning. */
struct raw_kv {
	char	*key;
	char	*value;
	const char *file;		/* interned in the raw */
	int	 line;
};
struct raw_sec {
	char	*kind;			/* "event" */
	char	*name;			/* "open", or "" for [workflow] */
	const char *file;
	int	 line;
	struct raw_kv *kv;
	size_t	 nkv;
};
struct raw {
	struct raw_sec *sec;
	size_t	 nsec;
	char	**files;		/* every file name read, for diags */
	size_t	 nfiles;
	char	*name;			/* of the top file, for [workflow] name */
};

int	 wf_name_ok(const char *);
int	 wf_raw_load_file(struct raw *, const char *, struct diag *);
int	 wf_raw_load_buffer(struct raw *, const char *, const char *, size_t,
	    struct diag *);
void	 wf_raw_free(struct raw *);
char	*wf_raw_text(const struct raw *, const char *);
const struct raw_kv *wf_raw_get(const struct raw_sec *, const char *);

/* wf-guard.c: "score >= dash-threshold or judgement = high". */
enum g_op {
	G_AND, G_OR, G_NOT,
	G_FLAG,				/* FIELD: the flag is yes */
	G_SET,				/* FIELD is set */
	G_EQ, G_NE, G_LT, G_LE, G_GT, G_GE,
	G_WITHIN			/* A within D after B */
};
struct g_node {
	enum g_op op;
	int	 numeric;		/* compare as integers */
	int	 a, b;			/* operands of and/or/not */
	char	*field;
	char	*field2;		/* G_WITHIN: B */
	char	*str;
	int64_t	 num;			/* integer, or seconds for G_WITHIN */
};
struct wf_guard {
	struct g_node *n;
	size_t	 nn;
	int	 root;
	char	*text;			/* as written, for messages */
};

/* What a guard may name: the compiling workflow answers. */
struct g_names {
	const struct workflow *wf;
	const char *file;
	int	 line;
	struct diag *dg;
};
struct wf_guard *wf_guard_compile(const char *, const struct g_names *);
void	 wf_guard_free(struct wf_guard *);
int	 wf_guard_eval(const struct wf_guard *, const struct wf_field *, size_t,
	    const char *);

/* wf-load.c: the compiled workflow. */
enum f_type {
	F_NUMBER,
	F_CHOICE,
	F_FLAG,
	F_DURATION,
	F_ID,
	F_TIME,				/* stamped by an event, never typed in */
	F_DATE				/* a calendar day: YYYY-MM-DD */
};
struct wf_fielddef {
	char	*name;			/* as the event gives it */
	char	*store;			/* the case field it sets ("as NAME") */
	enum f_type type;
	int64_t	 min, max;
	char	**choices;
	size_t	 nchoices;
	int	 required;
};
struct wf_route {
	char	*state;
	struct wf_guard *when;		/* NULL: the fallback */
	int	 line;
};
struct wf_eventdef {
	char	*name;
	const char *file;
	int	 line;
	char	*title;
	char	**from;			/* states; "any" expanded */
	size_t	 nfrom;
	struct wf_route *to;		/* guarded first, fallback last */
	size_t	 nto;
	struct wf_fielddef *fields;
	size_t	 nfields;
	char	**roles;		/* who may record it; none: anyone */
	size_t	 nroles;
	int	 not_by_officer;
	int	 while_paused;
	char	**stamps;		/* fields that get the event's time */
	size_t	 nstamps;
};
struct wf_statedef {
	char	*name;
	const char *file;
	int	 line;
	char	*title;
	int	 final;
};
enum d_src {
	D_FIXED,			/* "24 hours", or a setting */
	D_FIELD				/* a duration field of the case */
};
struct wf_durrule {
	enum d_src src;
	struct duration d;
	char	*field;
	struct wf_guard *when;
	int	 line;
};
struct wf_chan {
	unsigned channel;		/* WF_EMAIL or WF_SMS */
	struct wf_guard *when;		/* NULL: always */
};
struct wf_recip {
	enum wf_target_kind kind;
	int	 up;
	char	*group;
	char	*rota;
	struct wf_chan ch[2];
	size_t	 nch;
};
struct wf_level {
	int	 defined;
	struct duration after;		/* from the level before; level 1: 0 */
	struct wf_recip to[WF_MAX_RECIPIENTS];
	size_t	 nto;
};
struct wf_escdef {
	char	*name;
	const char *file;
	int	 line;
	int	 has_reminder;
	struct duration reminder;	/* before the due instant */
	struct wf_level level[WF_MAX_LEVELS + 1];	/* [0]: the reminder */
	int	 nlevels;		/* highest level defined */
	int	 has_repeat;
	struct duration repeat;
	int	 repeat_max;
	struct wf_guard *urgent;
};
struct wf_deaddef {
	char	*name;
	const char *file;
	int	 line;
	char	*title;
	char	*action;
	struct wf_durrule *dur;
	size_t	 ndur;
	char	**starts_on;		/* events */
	size_t	 nstarts_on;
	char	**starts_in;		/* states */
	size_t	 nstarts_in;
	struct wf_guard *starts_when;
	char	*starts_with;		/* a flag the starting event gives */
	char	*due_at;		/* a date field: due at its start */
	char	**met_by;
	size_t	 nmet_by;
	char	**cancelled_by;
	size_t	 ncancelled_by;
	const struct wf_escdef *esc;
	int	 pause_runs;		/* pause = runs */
};
struct wf_setting {
	char	*name;
	char	*value;
	const char *file;
	int	 line;
	int	 used;			/* by a rule: else it is a typo */
};
struct wf_cond {
	char	*name;
	char	*expr;
	const char *file;
	int	 line;
	int	 used;
};

struct workflow {
	char	*name;
	char	*title;
	char	*calendar;		/* default for its durations */
	char	*text;			/* canonical, see wf_text() */
	char	 version[WF_VERSION_LEN + 1];
	struct wf_setting *settings;
	size_t	 nsettings;
	struct wf_cond *conds;
	size_t	 nconds;
	struct wf_statedef *states;
	size_t	 nstates;
	struct wf_eventdef *events;
	size_t	 nevents;
	struct wf_deaddef *deadlines;
	size_t	 ndeadlines;
	struct wf_escdef *escs;
	size_t	 nescs;
	char	**roles;
	size_t	 nroles;
	char	**groups;
	size_t	 ngroups;
	struct wf_rota_ref *rotas;
	size_t	 nrotas;
};

const struct wf_statedef *wf_state(const struct workflow *, const char *);
const struct wf_eventdef *wf_event(const struct workflow *, const char *);
const struct wf_deaddef *wf_deaddef(const struct workflow *, const char *);
const struct wf_setting *wf_setting(const struct workflow *, const char *);
const struct wf_setting *wf_setting_use(const struct workflow *, const char *);
const struct wf_cond *wf_cond(const struct workflow *, const char *);
int	 wf_field_type(const struct workflow *, const char *, enum f_type *);
int	 wf_choice_known(const struct workflow *, const char *, const char *);

/* wf-load.c: compiling, shared by the section readers. */
struct ld {
	struct workflow *wf;
	const struct raw *raw;
	const struct cal_set *cals;
	struct diag *dg;
};
#define WF_LD_ERR(x, kv, ...) \
	diag_add((x)->dg, (kv)->file, (kv)->line, __VA_ARGS__)
char	*wf_ld_trim(char *);
void	 wf_ld_name_list(struct ld *, const struct raw_kv *, char ***, size_t *,
	    const char *);
int	 wf_ld_yes_no(struct ld *, const struct raw_kv *);
int	 wf_ld_once(struct ld *, const struct raw_sec *, const struct raw_kv *);
char	*wf_ld_split_when(const char *, char **);
struct wf_guard *wf_ld_guard(struct ld *, const struct raw_kv *, const char *);
int	 wf_ld_duration(struct ld *, const struct raw_kv *, const char *,
	    struct duration *, int);

/* wf-section.c */
void	 wf_load_workflow(struct ld *, const struct raw_sec *);
void	 wf_load_settings(struct ld *, const struct raw_sec *);
void	 wf_load_conditions(struct ld *, const struct raw_sec *);
void	 wf_load_state(struct ld *, const struct raw_sec *);
void	 wf_load_event(struct ld *, const struct raw_sec *);
void	 wf_load_routes(struct ld *, const struct raw_sec *,
	    struct wf_eventdef *);
void	 wf_load_deadline(struct ld *, const struct raw_sec *);
const char *wf_type_name(enum f_type);

/* wf-escalation.c */
void	 wf_load_escalation(struct ld *, const struct raw_sec *);
void	 wf_escdef_free(struct wf_escdef *);

/* wf-check.c: the whole-workflow checks run after compiling. */
void	 wf_check(const struct workflow *, struct diag *);

/* wf-case.c */
int	 wf_strv_has(char *const *, size_t, const char *);
void	 wf_strv_join(char *, size_t, char *const *, size_t);
int	 wf_field_check(const struct wf_fielddef *, const char *,
	    const struct cal_set *, char *, size_t);
void	 wf_case_set_field(struct wf_case *, const char *, const char *);
const char *wf_field_get(const struct wf_field *, size_t, const char *);
void	 wf_stamp_format(int64_t, char *, size_t);
int	 wf_stamp_parse(const char *, int64_t *);
const struct calendar *wf_calendar(const struct workflow *,
	    const struct cal_set *, const struct duration *);

#endif
