/*
 * tinbao: the API's directory: GET /api/v1/schools and /api/v1/contacts
 * for every token, POST of one school or one contact for an admin token,
 * checked by the CSV import's own rules (cmd_import.c) and written with
 * its audit row in one transaction.  A contact's phone is a staff number
 * and is shown; a PIN never is (has_pin).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tinbao.h"
#include "api.h"

static void	 api_directory_answer(struct apireq *, const char *, json_t *,
		    int);
static json_t	*api_school_json(const struct school *);
static int	 api_schools_cb(const struct school *, void *);
static json_t	*api_contact_json(const struct contact *);
static int	 api_contacts_cb(const struct contact *, void *);
static int	 api_body_fields(struct apireq *, const char *const *, size_t,
		    const char *, char **);
static int	 api_directory_put(struct apireq *, int, char **, const char *,
		    const char *);

/* Answers {"key": a} (a consumed), or 500 when the list failed. */
static void
api_directory_answer(struct apireq *ar, const char *key, json_t *a, int rc)
{
	if (rc == -1) {
		json_decref(a);
		api_error(ar, 500, "database error");
		return;
	}
	api_reply(ar, 200, json_pack("{s:o}", key, a));
}

static json_t *
api_school_json(const struct school *sc)
{
	return (json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", sc->code,
	    "name", sc->name, "commune", sc->commune, "level", sc->level,
	    "aliases", sc->aliases));
}

static int
api_schools_cb(const struct school *sc, void *arg)
{
	json_array_append_new(arg, api_school_json(sc));
	return (0);
}

/* GET /api/v1/schools */
void
api_directory_schools(struct apireq *ar, const char *code)
{
	static const char *const allowed[] = { NULL };
	json_t	*a;

	(void)code;
	if (api_query_check(ar, allowed) == -1)
		return;
	a = json_array();
	api_directory_answer(ar, "schools", a, store_school_list(ar->ctx->store, api_schools_cb,
	    a));
}

/* A staff member: their number is not secret (SPEC section 6). */
static json_t *
api_contact_json(const struct contact *c)
{
	json_t	*o = json_object();

	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "role", json_string(c->role));
	json_object_set_new(o, "school", c->school[0] ?
	    json_string(c->school) : json_null());
	json_object_set_new(o, "commune", json_string(c->commune));
	json_object_set_new(o, "level", json_integer(c->level));
	json_object_set_new(o, "phone", json_string(c->phone));
	json_object_set_new(o, "has_pin", json_boolean(c->has_pin));
	return (o);
}

static int
api_contacts_cb(const struct contact *c, void *arg)
{
	json_array_append_new(arg, api_contact_json(c));
	return (0);
}

/* GET /api/v1/contacts */
void
api_directory_contacts(struct apireq *ar, const char *code)
{
	static const char *const allowed[] = { NULL };
	json_t	*a;

	(void)code;
	if (api_query_check(ar, allowed) == -1)
		return;
	a = json_array();
	api_directory_answer(ar, "contacts", a, store_contact_list(ar->ctx->store, api_contacts_cb,
	    a));
}

/*
 * Copies the body's members named in keys into fields (xstrdup'd; an
 * absent or null member is ""), refusing (400) unknown members and
 * values that are not strings; a member listed in numeric may also be a
 * whole number.
 */
static int
api_body_fields(struct apireq *ar, const char *const *keys, size_t nkeys,
    const char *numeric, char **fields)
{
	const char	*k;
	json_t		*v;
	size_t		 i;

	json_object_foreach(ar->body, k, v) {
		for (i = 0; i < nkeys; i++)
			if (strcmp(k, keys[i]) == 0)
				break;
		if (i == nkeys) {
			api_error(ar, 400, "unknown member '%.64s'", k);
			return (-1);
		}
	}
	for (i = 0; i < nkeys; i++) {
		v = json_object_get(ar->body, keys[i]);
		if (v == NULL || json_is_null(v))
			fields[i] = xstrdup("");
		else if (json_is_string(v))
			fields[i] = xstrdup(json_string_value(v));
		else if (json_is_integer(v) && numeric != NULL &&
		    strcmp(keys[i], numeric) == 0)
			(void)xasprintf(&fields[i], "%lld",
			    (long long)json_integer_value(v));
		else {
			while (i-- > 0)
				free(fields[i]);
			api_error(ar, 400, "%s: a string is required",
			    keys[i]);
			return (-1);
		}
	}
	return (0);
}

/*
 * Writes one directory row checked by the CSV import's own rules, with
 * its audit row, in one transaction.  Returns 0, or -1 after answering.
 */
static int
api_directory_put(struct apireq *ar, int contact, char **fields,
    const char *action, const char *detail)
{
	struct store	*st = ar->ctx->store;
	char		 err[512];
	int		 r;

	if (store_begin(st) == -1) {
		api_error(ar, 500, "database error");
		return (-1);
	}
	r = contact ? import_contact_row(st, ar->ctx->secret, fields, err,
	    sizeof(err)) : import_school_row(st, fields, err, sizeof(err));
	if (r == 0)
		r = store_audit(st, ar->actor, action, 0, detail, ar->addr);
	if (r == -1 || store_commit(st) == -1) {
		store_rollback(st);
		if (r == -1 && err[0] != '\0')
			api_error(ar, 400, "%s", err);
		else
			api_error(ar, 500, "database error");
		return (-1);
	}
	return (0);
}

/* POST /api/v1/schools: upserts one school by code (admin). */
void
api_directory_school_put(struct apireq *ar, const char *code)
{
	static const char *const keys[IMPORT_SCHOOL_FIELDS] = { "code",
	    "name", "commune", "level", "aliases" };
	char		*f[IMPORT_SCHOOL_FIELDS], detail[64], key[16];
	struct school	 sc;
	size_t		 i;
	int		 r;

	(void)code;
	if (api_body_fields(ar, keys, IMPORT_SCHOOL_FIELDS, NULL, f) == -1)
		return;
	(void)snprintf(detail, sizeof(detail), "code=%.40s", f[0]);
	(void)strlcpy_checked(key, f[0], sizeof(key));
	r = api_directory_put(ar, 0, f, "school.upsert", detail);
	for (i = 0; i < IMPORT_SCHOOL_FIELDS; i++)
		free(f[i]);
	if (r == -1)
		return;
	log_info("api school=%s upserted by=%s", key, ar->actor);
	if (store_school_get(ar->ctx->store, key, &sc) != 1) {
		api_error(ar, 500, "database error");
		return;
	}
	api_reply(ar, 200, api_school_json(&sc));
}

/* POST /api/v1/contacts: upserts one contact by phone (admin). */
void
api_directory_contact_put(struct apireq *ar, const char *code)
{
	static const char *const keys[IMPORT_CONTACT_FIELDS] = { "name",
	    "phone", "role", "school", "commune", "level", "pin" };
	char		*f[IMPORT_CONTACT_FIELDS], detail[96];
	char		 phone[NUMBER_MAX];
	struct contact	 c;
	size_t		 i;
	int		 r;

	(void)code;
	if (api_body_fields(ar, keys, IMPORT_CONTACT_FIELDS, "level",
	    f) == -1)
		return;
	if (phone_normalize(f[1], phone, sizeof(phone)) == -1)
		phone[0] = '\0';	/* the import's check says why */
	(void)snprintf(detail, sizeof(detail), "phone=%s", phone);
	r = api_directory_put(ar, 1, f, "contact.upsert", detail);
	for (i = 0; i < IMPORT_CONTACT_FIELDS; i++) {
		explicit_bzero(f[i], strlen(f[i]));	/* the PIN */
		free(f[i]);
	}
	if (r == -1)
		return;
	log_info("api contact=%s upserted by=%s", phone, ar->actor);
	if (store_contact_by_phone(ar->ctx->store, phone, &c) != 1) {
		api_error(ar, 500, "database error");
		return;
	}
	api_reply(ar, 200, api_contact_json(&c));
}

