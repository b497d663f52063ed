/*
 * tinbao: what the dashboard's files (web*.c) share, and nothing else
 * includes.  web.c owns sessions, CSRF, the layout and escaping; the other
 * web_*.c files each serve one part of the site through a page table.
 */
#ifndef TINBAO_WEB_H
#define TINBAO_WEB_H

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "category.h"

#define WEB_F_PUBLIC	0x01	/* no session needed */
#define WEB_F_ADMIN	0x02	/* role admin only */
#define WEB_F_PREFIX	0x04	/* path is a prefix (a case code follows) */

struct web_req {
	struct web		*w;
	struct httpctx		*ctx;
	struct evhttp_request	*req;
	const char		*path;
	const char		*rest;		/* after a WEB_F_PREFIX path */
	int			 method;	/* EVHTTP_REQ_* */
	struct form		 query;
	struct form		 form;		/* a POST's fields */
	struct web_user		 user;
	int			 authed;
	char			 csrf[65];
	char			 addr[64];
	char			 actor[80];	/* user:NAME, for the audit */
	struct evbuffer		*out;
	int64_t			 now;
};

struct web_page {
	const char	*path;
	int		 methods;
	int		 flags;
	void		(*serve)(struct web_req *);
};

/* web.c */
void	 web_esc(struct evbuffer *, const char *);
void	 web_esc_n(struct evbuffer *, const char *, size_t);
void	 web_url_esc(struct evbuffer *, const char *);
void	 web_begin(struct web_req *, const char *, const char *);
void	 web_end(struct web_req *);
void	 web_send(struct web_req *, int);
void	 web_redirect(struct web_req *, const char *);
void	 web_fail(struct web_req *, int, const char *);
void	 web_csrf_field(struct web_req *);
const char *web_param(struct web_req *, const char *);
const char *web_field(struct web_req *, const char *);
void	 web_time(int64_t, char *, size_t);
int	 web_cookie_get(const char *, const char *, char *, size_t);
const char *web_category_vi(const char *);
const char *web_status_vi(const char *);
/* The category codes for filters and forms, NULL-terminated. */
#define web_categories	category_codes

/* web_cases.c */
extern const struct web_page web_case_pages[];
extern const size_t web_ncase_pages;

/* web_stats.c */
extern const struct web_page web_stats_pages[];
extern const size_t web_nstats_pages;

/* web_report.c */
extern const struct web_page web_report_pages[];
extern const size_t web_nreport_pages;

/* web_plans.c */
extern const struct web_page web_plans_pages[];
extern const size_t web_nplans_pages;

/* web_broadcast.c */
extern const struct web_page web_broadcast_pages[];
extern const size_t web_nbroadcast_pages;

/* web_dir.c */
extern const struct web_page web_dir_pages[];
extern const size_t web_ndir_pages;

/* web_admin.c: the gateway's state, the audit log */
extern const struct web_page web_admin_pages[];
extern const size_t web_nadmin_pages;

/* web_users.c: the accounts, for admins */
extern const struct web_page web_user_pages[];
extern const size_t web_nuser_pages;

#endif /* TINBAO_WEB_H */
