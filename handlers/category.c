/*
 * tinbao: the category table (SPEC sections 4, 5 and 7).
 *
 * One row per category, each field read by one part of the gateway: the
 * code by the store, the API and the classifier's tables; the Vietnamese
 * name by the dashboard; the unaccented name by GSM-7 alerts, digests and
 * the TT summary (one septet per letter); the teacher's code by the SMS
 * grammar; the USSD key and label by the menu; the rank by the classifier's
 * tie-break; the flags by urgency (h_report, h_teacher, the classifier),
 * the replies (111 first) and routing (the counselor).  Adding a category
 * is one row here, keyword rows in handlers/keywords.txt, and nothing else.
 *
 * The lookups are linear: ten rows, read a few times per message.
 */
#include <string.h>
#include <strings.h>

#include "category.h"

const struct category category_table[CATEGORY_N] = {
	[CATEGORY_BULLYING] = {
		.id = CATEGORY_BULLYING, .code = "bullying",
		.name_vi = "Bắt nạt", .name_ascii = "bat nat",
		.teacher = "BN", .ussd_key = 1, .ussd = "Bat nat",
		.rank = 8,
	},
	[CATEGORY_VIOLENCE] = {
		.id = CATEGORY_VIOLENCE, .code = "violence",
		.name_vi = "Bạo lực", .name_ascii = "bao luc",
		.teacher = "BL", .ussd_key = 2, .ussd = "Bao luc",
		.rank = 4,
	},
	[CATEGORY_DRUGS] = {
		.id = CATEGORY_DRUGS, .code = "drugs",
		.name_vi = "Ma túy", .name_ascii = "ma tuy",
		.teacher = "MT", .ussd_key = 3, .ussd = "Ma tuy",
		.rank = 6,
	},
	[CATEGORY_SEXUAL_ABUSE] = {
		.id = CATEGORY_SEXUAL_ABUSE, .code = "sexual_abuse",
		.name_vi = "Xâm hại tình dục", .name_ascii = "xam hai",
		.teacher = "XH", .ussd_key = 4, .ussd = "Xam hai",
		.rank = 2, .flags = CATEGORY_F_URGENT | CATEGORY_F_111_FIRST,
	},
	[CATEGORY_SELF_HARM] = {
		.id = CATEGORY_SELF_HARM, .code = "self_harm",
		.name_vi = "Tự gây hại", .name_ascii = "tu hai",
		.teacher = "TH", .ussd_key = 5, .ussd = "Tu hai",
		.rank = 1, .flags = CATEGORY_F_URGENT | CATEGORY_F_111_FIRST |
		    CATEGORY_F_COUNSELOR,
	},
	[CATEGORY_TRAFFIC] = {
		.id = CATEGORY_TRAFFIC, .code = "traffic",
		.name_vi = "Giao thông", .name_ascii = "giao thong",
		.teacher = "GT", .ussd_key = 6, .ussd = "Giao thong",
		.rank = 9,
	},
	[CATEGORY_FIRE] = {
		.id = CATEGORY_FIRE, .code = "fire",
		.name_vi = "Cháy nổ", .name_ascii = "chay no",
		.teacher = "CN", .ussd_key = 7, .ussd = "Chay no",
		.rank = 3, .flags = CATEGORY_F_URGENT,
	},
	[CATEGORY_THEFT] = {
		.id = CATEGORY_THEFT, .code = "theft",
		.name_vi = "Trộm cắp", .name_ascii = "trom cap",
		.teacher = "TC", .ussd_key = 8, .ussd = "Trom cap",
		.rank = 7,
	},
	[CATEGORY_HEALTH] = {
		/* Food poisoning, pupils fainting, an outbreak. */
		.id = CATEGORY_HEALTH, .code = "health",
		.name_vi = "Y tế, ngộ độc", .name_ascii = "y te",
		.teacher = "YT", .ussd_key = 10, .ussd = "Ngo doc, ngat, om",
		.rank = 5, .flags = CATEGORY_F_URGENT_MANY,
	},
	[CATEGORY_OTHER] = {
		.id = CATEGORY_OTHER, .code = "other",
		.name_vi = "Khác", .name_ascii = "khac",
		.teacher = "KH", .ussd_key = 9, .ussd = "Khac",
		.rank = 10,
	},
};

/* Address constants into the table: no second copy of the codes. */
const char *const category_codes[CATEGORY_N + 1] = {
	category_table[CATEGORY_BULLYING].code,
	category_table[CATEGORY_VIOLENCE].code,
	category_table[CATEGORY_DRUGS].code,
	category_table[CATEGORY_SEXUAL_ABUSE].code,
	category_table[CATEGORY_SELF_HARM].code,
	category_table[CATEGORY_TRAFFIC].code,
	category_table[CATEGORY_FIRE].code,
	category_table[CATEGORY_THEFT].code,
	category_table[CATEGORY_HEALTH].code,
	category_table[CATEGORY_OTHER].code,
	NULL,
};

/* Returns the category of a code ("violence"), or NULL when unknown. */
const struct category *
category_find(const char *code)
{
	size_t	 i;

	if (code == NULL)
		return (NULL);
	for (i = 0; i < CATEGORY_N; i++)
		if (strcmp(code, category_table[i].code) == 0)
			return (&category_table[i]);
	return (NULL);
}

/* Returns the category of a code; `other` when unknown or NULL. */
const struct category *
category_get(const char *code)
{
	const struct category	*c;

	if ((c = category_find(code)) == NULL)
		c = &category_table[CATEGORY_OTHER];
	return (c);
}

/* Returns the category of a teacher's code ("XH", any case), or NULL. */
const struct category *
category_by_teacher(const char *code)
{
	size_t	 i;

	for (i = 0; i < CATEGORY_N; i++)
		if (strcasecmp(code, category_table[i].teacher) == 0)
			return (&category_table[i]);
	return (NULL);
}

/* Returns the category of a USSD menu key (1-10), or NULL. */
const struct category *
category_by_ussd_key(int key)
{
	size_t	 i;

	for (i = 0; i < CATEGORY_N; i++)
		if (category_table[i].ussd_key == key)
			return (&category_table[i]);
	return (NULL);
}

/* Returns the Vietnamese name of a code, or the code when unknown. */
const char *
category_name_vi(const char *code)
{
	const struct category	*c;

	return ((c = category_find(code)) != NULL ? c->name_vi : code);
}

/* Returns the unaccented name of a code (`other`'s when unknown). */
const char *
category_name_ascii(const char *code)
{
	return (category_get(code)->name_ascii);
}

/* Returns the teacher's code of a category (`other`'s when unknown). */
const char *
category_teacher_code(const char *code)
{
	return (category_get(code)->teacher);
}

/*
 * Returns 1 when a report of category c is urgent by its category's own
 * rule, given whether the text says several pupils are affected (many) or
 * that it is happening now (now); 0 otherwise.  Weapons and calls for
 * help make any report urgent; that is the classifier's business.
 */
int
category_is_urgent(const struct category *c, int many, int now)
{
	if (c->flags & CATEGORY_F_URGENT)
		return (1);
	if ((c->flags & CATEGORY_F_URGENT_MANY) && (many || now))
		return (1);
	return (0);
}

/* Returns 1 when replies about a case of this code name 111 first. */
int
category_is_111_first(const char *code)
{
	return ((category_get(code)->flags & CATEGORY_F_111_FIRST) != 0);
}

/* Returns 1 when alerts about a case of this code go to the counselor. */
int
category_has_counselor(const char *code)
{
	return ((category_get(code)->flags & CATEGORY_F_COUNSELOR) != 0);
}
