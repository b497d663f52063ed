/*
 * tinbao: password checks off the event loop.
 *
 * An Argon2id check (libsodium's interactive cost: 64 MB and a good part
 * of a second on a small box) run on the event loop stalls everything
 * else: a storm of logins raised /healthz's latency to 0.28 s.  So checks
 * run on PWCHECK_THREADS worker threads, and at most PWCHECK_QUEUE are
 * waiting or running at once: past that, pwcheck_submit says no and the
 * dashboard answers 503 at once (a storm costs at most that much memory
 * and CPU, never the loop).
 *
 * DESIGN.  A job (hash, password, callback) goes on a queue under a mutex;
 * a worker takes it, checks, and writes the job's pointer to a pipe that
 * the loop reads; the callback then runs on the loop, where everything
 * else lives.  A job without a hash is checked against a dummy hash made
 * once by the workers, so an unknown name costs what a known one costs.
 * pwcheck_free stops the workers and calls the callbacks of unfinished
 * jobs with PWCHECK_GONE: the loop is over, their requests are gone.
 */
#include <sys/queue.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "tinbao.h"

#define PWCHECK_THREADS	2
#define PWCHECK_QUEUE	8

struct pwcheck_job {
	TAILQ_ENTRY(pwcheck_job) entry;
	char		 hash[crypto_pwhash_STRBYTES];	/* "": the dummy */
	char		*pw;
	size_t		 pwlen;
	int		 result;	/* PWCHECK_* */
	pwcheck_cb	 done;
	void		*arg;
};
TAILQ_HEAD(pwcheck_jobs, pwcheck_job);

struct pwcheck {
	pthread_t		 threads[PWCHECK_THREADS];
	int			 nthreads;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cond;
	struct pwcheck_jobs	 queue;		/* waiting for a worker */
	int			 inflight;	/* queued + running + unread */
	int			 stopping;
	int			 pipe[2];	/* workers -> loop: job pointers */
	struct event		*ev;
	char			 dummy[crypto_pwhash_STRBYTES];
};

static void	*pwcheck_main(void *);
static void	 pwcheck_read_cb(evutil_socket_t, short, void *);

/* Starts the workers; NULL (logged) when threads or a pipe fail. */
struct pwcheck *
pwcheck_new(struct event_base *base)
{
	struct pwcheck	*pc;
	int		 i;

	pc = xcalloc(1, sizeof(*pc));
	TAILQ_INIT(&pc->queue);
	pthread_mutex_init(&pc->mtx, NULL);
	pthread_cond_init(&pc->cond, NULL);
	if (pipe2(pc->pipe, O_CLOEXEC) == -1) {
		log_warn("pwcheck: pipe");
		free(pc);
		return (NULL);
	}
	pc->ev = event_new(base, pc->pipe[0], EV_READ | EV_PERSIST,
	    pwcheck_read_cb, pc);
	event_add(pc->ev, NULL);
	for (i = 0; i < PWCHECK_THREADS; i++) {
		if (pthread_create(&pc->threads[i], NULL, pwcheck_main,
		    pc) != 0) {
			log_warnx("pwcheck: cannot start a thread");
			break;
		}
		pc->nthreads++;
	}
	if (pc->nthreads == 0) {
		pwcheck_free(pc);
		return (NULL);
	}
	return (pc);
}

/* Makes the dummy hash, once, on a worker (under the mutex). */
static void
pwcheck_dummy(struct pwcheck *pc)
{
	unsigned char	 raw[24];
	char		 pw[64];

	if (pc->dummy[0] != '\0')
		return;
	randombytes_buf(raw, sizeof(raw));
	(void)sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
	if (crypto_pwhash_str(pc->dummy, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		pc->dummy[0] = '\0';
	sodium_memzero(pw, sizeof(pw));
}

static void *
pwcheck_main(void *arg)
{
	struct pwcheck		*pc = arg;
	struct pwcheck_job	*job;
	const char		*hash;

	for (;;) {
		pthread_mutex_lock(&pc->mtx);
		while (!pc->stopping && TAILQ_EMPTY(&pc->queue))
			pthread_cond_wait(&pc->cond, &pc->mtx);
		if (pc->stopping) {
			pthread_mutex_unlock(&pc->mtx);
			return (NULL);
		}
		job = TAILQ_FIRST(&pc->queue);
		TAILQ_REMOVE(&pc->queue, job, entry);
		if (job->hash[0] == '\0')
			pwcheck_dummy(pc);
		hash = job->hash[0] != '\0' ? job->hash : pc->dummy;
		pthread_mutex_unlock(&pc->mtx);

		job->result = hash[0] != '\0' && crypto_pwhash_str_verify(hash,
		    job->pw, job->pwlen) == 0 ? PWCHECK_OK : PWCHECK_WRONG;
		sodium_memzero(job->pw, job->pwlen);
		/* A pointer is far below PIPE_BUF: the write is atomic. */
		while (write(pc->pipe[1], &job, sizeof(job)) == -1 &&
		    errno == EINTR)
			;
	}
}

static void
pwcheck_job_free(struct pwcheck_job *job)
{
	sodium_memzero(job->pw, job->pwlen);
	free(job->pw);
	sodium_memzero(job, sizeof(*job));
	free(job);
}

/* A finished check: its callback runs here, on the loop. */
static void
pwcheck_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pwcheck		*pc = arg;
	struct pwcheck_job	*job;
	ssize_t			 n;

	(void)what;
	n = read(fd, &job, sizeof(job));
	if (n != (ssize_t)sizeof(job))
		return;
	pthread_mutex_lock(&pc->mtx);
	pc->inflight--;
	pthread_mutex_unlock(&pc->mtx);
	job->done(job->result, job->arg);
	pwcheck_job_free(job);
}

/*
 * Checks pw against hash (NULL: against the dummy, for an unknown name)
 * on a worker; done(result, arg) runs on the loop later.  Returns 0, or
 * -1 when PWCHECK_QUEUE checks are already under way (nothing queued).
 */
int
pwcheck_submit(struct pwcheck *pc, const char *hash, const char *pw,
    pwcheck_cb done, void *arg)
{
	struct pwcheck_job	*job;

	pthread_mutex_lock(&pc->mtx);
	if (pc->inflight >= PWCHECK_QUEUE) {
		pthread_mutex_unlock(&pc->mtx);
		return (-1);
	}
	pc->inflight++;
	pthread_mutex_unlock(&pc->mtx);
	job = xcalloc(1, sizeof(*job));
	if (hash != NULL)
		(void)strlcpy_checked(job->hash, hash, sizeof(job->hash));
	job->pwlen = strlen(pw);
	job->pw = xmalloc(job->pwlen + 1);
	memcpy(job->pw, pw, job->pwlen + 1);
	job->done = done;
	job->arg = arg;
	pthread_mutex_lock(&pc->mtx);
	TAILQ_INSERT_TAIL(&pc->queue, job, entry);
	pthread_cond_signal(&pc->cond);
	pthread_mutex_unlock(&pc->mtx);
	return (0);
}

/*
 * Stops the workers (each finishes the check in hand) and hands every
 * unfinished job back with PWCHECK_GONE.
 */
void
pwcheck_free(struct pwcheck *pc)
{
	struct pwcheck_job	*job;
	int			 i, fl;

	if (pc == NULL)
		return;
	pthread_mutex_lock(&pc->mtx);
	pc->stopping = 1;
	pthread_cond_broadcast(&pc->cond);
	pthread_mutex_unlock(&pc->mtx);
	for (i = 0; i < pc->nthreads; i++)
		pthread_join(pc->threads[i], NULL);
	while ((job = TAILQ_FIRST(&pc->queue)) != NULL) {
		TAILQ_REMOVE(&pc->queue, job, entry);
		job->done(PWCHECK_GONE, job->arg);
		pwcheck_job_free(job);
	}
	if ((fl = fcntl(pc->pipe[0], F_GETFL)) != -1)
		(void)fcntl(pc->pipe[0], F_SETFL, fl | O_NONBLOCK);
	while (read(pc->pipe[0], &job, sizeof(job)) == (ssize_t)sizeof(job)) {
		job->done(PWCHECK_GONE, job->arg);
		pwcheck_job_free(job);
	}
	if (pc->ev != NULL)
		event_free(pc->ev);
	close(pc->pipe[0]);
	close(pc->pipe[1]);
	pthread_mutex_destroy(&pc->mtx);
	pthread_cond_destroy(&pc->cond);
	sodium_memzero(pc->dummy, sizeof(pc->dummy));
	free(pc);
}
