/*
 * tinbao: the one table of report categories (SPEC sections 4, 5 and 7).
 *
 * Every file that needs to know the categories (the classifier, the
 * teachers' codes, the USSD menu, alerts, digests, the dashboard, the
 * statistics) reads category_table[] in handlers/category.c instead of
 * keeping its own list, as tmux keeps its options in options-table.c.
 * A category's code ("sexual_abuse") is what the database, the API and
 * `tinbao classify` use; it is written as a string only in category.c
 * (tests/tools/check-literals.sh checks that).
 *
 * Pure code: no I/O, no state.  The table is in the order of SPEC section
 * 4's teacher codes; `other` ("not recognised") is always last.  The USSD
 * keys of the first nine categories predate `health`, which came last
 * with key 10 so that no key a pupil may know changed meaning.
 */
#ifndef TINBAO_CATEGORY_H
#define TINBAO_CATEGORY_H

enum category_id {
	CATEGORY_BULLYING = 0,
	CATEGORY_VIOLENCE,
	CATEGORY_DRUGS,
	CATEGORY_SEXUAL_ABUSE,
	CATEGORY_SELF_HARM,
	CATEGORY_TRAFFIC,
	CATEGORY_FIRE,
	CATEGORY_THEFT,
	CATEGORY_HEALTH,
	CATEGORY_OTHER,		/* not recognised: always last */
	CATEGORY_N,
};

#define CATEGORY_F_URGENT	0x01	/* every report of it is urgent */
#define CATEGORY_F_URGENT_MANY	0x02	/* urgent when several pupils are
					   affected or it is happening now */
#define CATEGORY_F_111_FIRST	0x04	/* replies name 111 before 113 */
#define CATEGORY_F_COUNSELOR	0x08	/* alerts also reach the counselor */

struct category {
	enum category_id id;
	char		 code[16];	/* "sexual_abuse": store, API, CLI */
	const char	*name_vi;	/* "Xâm hại tình dục": the dashboard */
	const char	*name_ascii;	/* "xam hai": GSM-7 alerts, digests */
	const char	*teacher;	/* "XH": a teacher's SMS code */
	int		 ussd_key;	/* 4: its key in the USSD menu */
	const char	*ussd;		/* "Xam hai": its USSD menu label */
	int		 rank;		/* classifier ties: 1 most serious */
	int		 flags;		/* CATEGORY_F_* */
};

extern const struct category category_table[CATEGORY_N];
/* The codes in table order, NULL-terminated (for filters and forms). */
extern const char *const category_codes[CATEGORY_N + 1];

const struct category *category_find(const char *);
const struct category *category_get(const char *);
const struct category *category_by_teacher(const char *);
const struct category *category_by_ussd_key(int);
const char *category_name_vi(const char *);
const char *category_name_ascii(const char *);
const char *category_teacher_code(const char *);
int	 category_is_urgent(const struct category *, int, int);
int	 category_is_111_first(const char *);
int	 category_has_counselor(const char *);

#endif /* TINBAO_CATEGORY_H */
