/*
 * tinbao: reporters' privacy (SPEC section 8).
 *
 * A reporter's number is kept only as a libsodium secretbox (for replies) and
 * as a keyed BLAKE2b hash (to recognise the same sender and to derive an
 * alias for logs and the dashboard).  Both keys are derived from one 32-byte
 * master key in the key file, which `tinbao db init` creates with mode 0600.
 * A copied database without the key file reveals no number; a stolen key file
 * without the database reveals nothing either.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "tinbao.h"

#define SECRET_CONTEXT	"tinbao01"	/* crypto_kdf context, 8 bytes */

/* Initialises libsodium; 0 on success. */
int
secret_init(void)
{
	if (sodium_init() < 0) {
		log_warnx("crypto: libsodium failed to initialise");
		return (-1);
	}
	return (0);
}

/*
 * Creates the key file with a new random master key, readable by its owner
 * only.  An existing file is left alone.  Returns 1 when created, 0 when it
 * already existed, -1 on failure.
 */
int
secret_create(const char *path)
{
	unsigned char	 key[crypto_kdf_KEYBYTES];
	char		*tmp;
	int		 fd;
	ssize_t		 n;

	if (access(path, F_OK) == 0)
		return (0);
	if (secret_init() == -1)
		return (-1);
	crypto_kdf_keygen(key);
	xasprintf(&tmp, "%s.tmp", path);
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1) {
		log_warn("keyfile=%s create failed", tmp);
		free(tmp);
		return (-1);
	}
	n = write(fd, key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	if (n != (ssize_t)sizeof(key) || fsync(fd) == -1 || close(fd) == -1) {
		log_warn("keyfile=%s write failed", tmp);
		(void)unlink(tmp);
		free(tmp);
		return (-1);
	}
	/* link(2) fails if another process created the file meanwhile. */
	if (link(tmp, path) == -1) {
		int	 saved = errno;

		(void)unlink(tmp);
		free(tmp);
		if (saved == EEXIST)
			return (0);
		errno = saved;
		log_warn("keyfile=%s create failed", path);
		return (-1);
	}
	(void)unlink(tmp);
	free(tmp);
	return (1);
}

/* Reads the master key and derives the encryption and hashing keys. */
int
secret_load(const char *path, struct secret *sec)
{
	unsigned char	 key[crypto_kdf_KEYBYTES + 1];
	struct stat	 st;
	ssize_t		 n;
	int		 fd;

	if (secret_init() == -1)
		return (-1);
	if ((fd = open(path, O_RDONLY)) == -1) {
		log_warn("keyfile=%s open failed", path);
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		log_warn("keyfile=%s stat failed", path);
		close(fd);
		return (-1);
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		log_warnx("keyfile=%s is readable by others (mode %04o); "
		    "run chmod 600", path, (unsigned)(st.st_mode & 07777));
		close(fd);
		return (-1);
	}
	n = read(fd, key, sizeof(key));
	close(fd);
	if (n != crypto_kdf_KEYBYTES) {
		log_warnx("keyfile=%s must hold exactly %d bytes", path,
		    crypto_kdf_KEYBYTES);
		sodium_memzero(key, sizeof(key));
		return (-1);
	}
	crypto_kdf_derive_from_key(sec->enc, sizeof(sec->enc), 1,
	    SECRET_CONTEXT, key);
	crypto_kdf_derive_from_key(sec->mac, sizeof(sec->mac), 2,
	    SECRET_CONTEXT, key);
	sodium_memzero(key, sizeof(key));
	return (0);
}

/* Encrypts a number into a new buffer (nonce || box). */
int
number_seal(const struct secret *sec, const char *number,
    unsigned char **out, size_t *outlen)
{
	size_t		 len = strlen(number);
	unsigned char	*buf;

	*outlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
	buf = xmalloc(*outlen);
	randombytes_buf(buf, crypto_secretbox_NONCEBYTES);
	if (crypto_secretbox_easy(buf + crypto_secretbox_NONCEBYTES,
	    (const unsigned char *)number, len, buf, sec->enc) != 0) {
		free(buf);
		return (-1);
	}
	*out = buf;
	return (0);
}

/* Decrypts a sealed number into buf; -1 when it does not authenticate. */
int
number_open(const struct secret *sec, const unsigned char *box, size_t boxlen,
    char *buf, size_t bufsz)
{
	size_t	 len;

	if (boxlen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		return (-1);
	len = boxlen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	if (len + 1 > bufsz)
		return (-1);
	if (crypto_secretbox_open_easy((unsigned char *)buf,
	    box + crypto_secretbox_NONCEBYTES,
	    boxlen - crypto_secretbox_NONCEBYTES, box, sec->enc) != 0)
		return (-1);
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL)
		return (-1);
	return (0);
}

/* Computes the keyed hash of any bytes. */
void
secret_mac(const struct secret *sec, const void *data, size_t len,
    unsigned char out[32])
{
	crypto_generichash(out, 32, data, len, sec->mac, sizeof(sec->mac));
}

/* Computes the keyed hash that identifies a number. */
void
number_hash(const struct secret *sec, const char *number,
    unsigned char out[32])
{
	secret_mac(sec, number, strlen(number), out);
}

/*
 * Derives a reporter's alias from the number's keyed hash: "NB-" and six
 * characters of the case-code alphabet ("người báo").  It is stable for a
 * sender, reveals nothing without the key, and is what logs and the
 * dashboard show.
 */
void
number_alias(const unsigned char hash[32], char *buf, size_t bufsz)
{
	const char	*alpha = CASECODE_ALPHABET;
	size_t		 na = strlen(alpha), i;
	char		 a[7];

	for (i = 0; i < 6; i++)
		a[i] = alpha[hash[i] % na];
	a[6] = '\0';
	(void)snprintf(buf, bufsz, "NB-%s", a);
}

/*
 * Computes the keyed hash of a contact's PIN, bound to the phone.  A PIN is
 * only a few digits: a slow unkeyed hash would still fall to a brute force
 * of a copied database, while this one needs the key file as well.
 */
void
pin_mac(const struct secret *sec, const char *phone, const char *pin,
    unsigned char out[32])
{
	struct ibuf	 b;

	ibuf_init(&b);
	ibuf_put_str(&b, "pin");
	ibuf_put_str(&b, phone);
	ibuf_put_str(&b, pin);
	secret_mac(sec, b.buf, b.len, out);
	ibuf_free(&b);
}

/* Checks a PIN against its keyed hash in constant time; 1 when it matches. */
int
pin_check(const struct secret *sec, const char *phone, const char *pin,
    const unsigned char mac[32])
{
	unsigned char	 m[32];

	pin_mac(sec, phone, pin, m);
	return (sodium_memcmp(m, mac, sizeof(m)) == 0);
}
