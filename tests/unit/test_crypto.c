/*
 * tinbao: unit tests for crypto.c.
 *
 * Each test works in a fresh directory from mkdtemp, removed afterwards:
 * key files are created, loaded, made too open or the wrong size, and the
 * derived keys seal, open, hash and alias numbers.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tinbao.h"

#define NUMBER	"+84912345678"

struct fixture {
	char		 dir[64];
	char		*key1;
	char		*key2;
	struct secret	 s1;
	struct secret	 s2;
};

static int	 setup(void **);
static int	 teardown(void **);
static void	 write_bytes(const char *, const void *, size_t, mode_t);

/* Makes a temporary directory with two loaded keys in it. */
static int
setup(void **state)
{
	struct fixture	*f;

	f = xcalloc(1, sizeof(*f));
	(void)strlcpy_checked(f->dir, "/tmp/tinbao-crypto-XXXXXX",
	    sizeof(f->dir));
	if (mkdtemp(f->dir) == NULL)
		return (-1);
	xasprintf(&f->key1, "%s/key1", f->dir);
	xasprintf(&f->key2, "%s/key2", f->dir);
	if (secret_create(f->key1) != 1 || secret_create(f->key2) != 1 ||
	    secret_load(f->key1, &f->s1) == -1 ||
	    secret_load(f->key2, &f->s2) == -1)
		return (-1);
	*state = f;
	return (0);
}

/* Removes every file the tests made, then the directory. */
static int
teardown(void **state)
{
	struct fixture	*f = *state;
	static const char *const names[] = { "key1", "key2", "new", "open",
	    "short", "long", "empty", NULL };
	char		 path[128];
	int		 i;

	for (i = 0; names[i] != NULL; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]);
		(void)unlink(path);
	}
	if (rmdir(f->dir) == -1) {
		free(f->key1);
		free(f->key2);
		free(f);
		return (-1);
	}
	free(f->key1);
	free(f->key2);
	free(f);
	return (0);
}

/* Writes a file of len bytes with the given mode. */
static void
write_bytes(const char *path, const void *p, size_t len, mode_t mode)
{
	int	 fd;

	(void)unlink(path);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)) != -1);
	assert_int_equal(write(fd, p, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

/* A new key file is 32 bytes, mode 0600, and is never overwritten. */
static void
test_create(void **state)
{
	struct fixture	*f = *state;
	struct stat	 st, st2;
	unsigned char	 a[32], b[32];
	char		 path[128], tmp[140];
	int		 fd;

	(void)snprintf(path, sizeof(path), "%s/new", f->dir);
	assert_int_equal(secret_create(path), 1);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 32);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* the temporary file is gone */
	(void)snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(access(tmp, F_OK), -1);

	assert_true((fd = open(path, O_RDONLY)) != -1);
	assert_int_equal(read(fd, a, sizeof(a)), 32);
	close(fd);

	/* a second create leaves the key alone */
	assert_int_equal(secret_create(path), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st2.st_size, 32);
	assert_int_equal(st2.st_ino, st.st_ino);
	assert_true((fd = open(path, O_RDONLY)) != -1);
	assert_int_equal(read(fd, b, sizeof(b)), 32);
	close(fd);
	assert_memory_equal(a, b, 32);

	/* two keys are different keys */
	assert_memory_not_equal(f->s1.enc, f->s2.enc, 32);
	assert_memory_not_equal(f->s1.mac, f->s2.mac, 32);
	assert_memory_not_equal(f->s1.enc, f->s1.mac, 32);
}

/* Loading the same file twice derives the same keys. */
static void
test_load_stable(void **state)
{
	struct fixture	*f = *state;
	struct secret	 s;

	assert_int_equal(secret_load(f->key1, &s), 0);
	assert_memory_equal(s.enc, f->s1.enc, 32);
	assert_memory_equal(s.mac, f->s1.mac, 32);
}

/* A key readable by the group or others is refused. */
static void
test_load_mode(void **state)
{
	struct fixture	*f = *state;
	static const mode_t modes[] = { 0640, 0604, 0660, 0644, 0610, 0601 };
	unsigned char	 key[32];
	struct secret	 s;
	char		 path[128];
	size_t		 i;

	(void)snprintf(path, sizeof(path), "%s/open", f->dir);
	memset(key, 7, sizeof(key));
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		write_bytes(path, key, sizeof(key), modes[i]);
		if (secret_load(path, &s) != -1)
			fail_msg("mode %04o accepted", (unsigned)modes[i]);
	}
	/* the same bytes with 0600 (and 0400) load */
	write_bytes(path, key, sizeof(key), 0600);
	assert_int_equal(secret_load(path, &s), 0);
	write_bytes(path, key, sizeof(key), 0400);
	assert_int_equal(secret_load(path, &s), 0);
}

/* A key file of any other size than 32 bytes is refused; so is none. */
static void
test_load_size(void **state)
{
	struct fixture	*f = *state;
	unsigned char	 key[64];
	struct secret	 s;
	char		 path[128];

	memset(key, 9, sizeof(key));
	(void)snprintf(path, sizeof(path), "%s/short", f->dir);
	write_bytes(path, key, 31, 0600);
	assert_int_equal(secret_load(path, &s), -1);
	(void)snprintf(path, sizeof(path), "%s/long", f->dir);
	write_bytes(path, key, 33, 0600);
	assert_int_equal(secret_load(path, &s), -1);
	write_bytes(path, key, 64, 0600);
	assert_int_equal(secret_load(path, &s), -1);
	(void)snprintf(path, sizeof(path), "%s/empty", f->dir);
	write_bytes(path, key, 0, 0600);
	assert_int_equal(secret_load(path, &s), -1);
	(void)snprintf(path, sizeof(path), "%s/missing", f->dir);
	assert_int_equal(secret_load(path, &s), -1);
}

/* Seal then open gives the number back; each seal uses a new nonce. */
static void
test_seal_open(void **state)
{
	struct fixture	*f = *state;
	unsigned char	*a, *b;
	size_t		 alen, blen;
	char		 buf[NUMBER_MAX];

	assert_int_equal(number_seal(&f->s1, NUMBER, &a, &alen), 0);
	assert_int_equal(number_seal(&f->s1, NUMBER, &b, &blen), 0);
	assert_int_equal(alen, strlen(NUMBER) + 40);
	assert_int_equal(alen, blen);
	/* the box holds no clear number */
	assert_null(memmem(a, alen, "912345678", 9));
	/* random nonce: two boxes of one number differ ... */
	assert_memory_not_equal(a, b, alen);
	/* ... and open to the same */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(number_open(&f->s1, a, alen, buf, sizeof(buf)), 0);
	assert_string_equal(buf, NUMBER);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(number_open(&f->s1, b, blen, buf, sizeof(buf)), 0);
	assert_string_equal(buf, NUMBER);

	/* another key cannot open it */
	assert_int_equal(number_open(&f->s2, a, alen, buf, sizeof(buf)), -1);
	free(a);
	free(b);

	/* an empty number round-trips too */
	assert_int_equal(number_seal(&f->s1, "", &a, &alen), 0);
	assert_int_equal(number_open(&f->s1, a, alen, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	free(a);
}

/* Changing any one byte of the box makes it fail to open. */
static void
test_open_tampered(void **state)
{
	struct fixture	*f = *state;
	unsigned char	*a;
	size_t		 alen, i;
	char		 buf[NUMBER_MAX];

	assert_int_equal(number_seal(&f->s1, NUMBER, &a, &alen), 0);
	for (i = 0; i < alen; i++) {
		a[i] ^= 0x01;
		if (number_open(&f->s1, a, alen, buf, sizeof(buf)) != -1)
			fail_msg("byte %zu changed, still opens", i);
		a[i] ^= 0x01;
	}
	assert_int_equal(number_open(&f->s1, a, alen, buf, sizeof(buf)), 0);
	/* truncated boxes fail, down to nothing */
	for (i = 0; i < alen; i++)
		assert_int_equal(number_open(&f->s1, a, i, buf, sizeof(buf)),
		    -1);
	free(a);
}

/* The output buffer must hold the number and its NUL. */
static void
test_open_small_buffer(void **state)
{
	struct fixture	*f = *state;
	unsigned char	*a;
	size_t		 alen;
	char		 buf[NUMBER_MAX];

	assert_int_equal(number_seal(&f->s1, NUMBER, &a, &alen), 0);
	assert_int_equal(number_open(&f->s1, a, alen, buf, strlen(NUMBER)),
	    -1);
	assert_int_equal(number_open(&f->s1, a, alen, buf, 4), -1);
	assert_int_equal(number_open(&f->s1, a, alen, buf, 0), -1);
	assert_int_equal(number_open(&f->s1, a, alen, buf,
	    strlen(NUMBER) + 1), 0);
	assert_string_equal(buf, NUMBER);
	free(a);
}

/* The keyed hash is stable under one key and differs across keys. */
static void
test_hash(void **state)
{
	struct fixture	*f = *state;
	unsigned char	 h1[32], h1b[32], h2[32], other[32], zero[32];

	number_hash(&f->s1, NUMBER, h1);
	number_hash(&f->s1, NUMBER, h1b);
	number_hash(&f->s2, NUMBER, h2);
	number_hash(&f->s1, "+84912345679", other);
	memset(zero, 0, sizeof(zero));
	assert_memory_equal(h1, h1b, 32);
	assert_memory_not_equal(h1, h2, 32);
	assert_memory_not_equal(h1, other, 32);
	assert_memory_not_equal(h1, zero, 32);
	/* secret_mac over the same bytes is the same hash */
	secret_mac(&f->s1, NUMBER, strlen(NUMBER), h1b);
	assert_memory_equal(h1, h1b, 32);
}

/* The alias is "NB-" and six alphabet characters, stable per number. */
static void
test_alias(void **state)
{
	struct fixture	*f = *state;
	unsigned char	 h[32];
	char		 a[16], b[16], c[16], small[6];
	int		 i;

	number_hash(&f->s1, NUMBER, h);
	number_alias(h, a, sizeof(a));
	assert_int_equal(strlen(a), 9);
	assert_memory_equal(a, "NB-", 3);
	for (i = 3; i < 9; i++)
		assert_non_null(strchr(CASECODE_ALPHABET, a[i]));
	number_hash(&f->s1, NUMBER, h);
	number_alias(h, b, sizeof(b));
	assert_string_equal(a, b);
	/* another key gives (almost surely) another alias */
	number_hash(&f->s2, NUMBER, h);
	number_alias(h, c, sizeof(c));
	assert_string_not_equal(a, c);
	/* a small buffer is truncated, never overrun */
	number_hash(&f->s1, NUMBER, h);
	memset(small, 'x', sizeof(small));
	number_alias(h, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, a, sizeof(small) - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_stable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_load_mode, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_load_size, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_seal_open, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_tampered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_small_buffer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alias, setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
