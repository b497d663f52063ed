/*
 * commit_rate: the baseline of the intake benchmark: how many durable
 * SQLite commits per second this disk gives, one INSERT + COMMIT per row,
 * in WAL mode with synchronous=FULL, as tinbao's store is opened.
 *
 *   commit_rate DIR [ROWS]
 *
 * Creates DIR/commit_rate.db (removed at the end), prints
 *   commits=N secs=S rate=R
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static int
run(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "commit_rate: %s: %s\n", sql, err);
		sqlite3_free(err);
		return (-1);
	}
	return (0);
}

int
main(int argc, char *argv[])
{
	sqlite3		*db;
	sqlite3_stmt	*ins, *begin, *commit;
	struct timespec	 a, b;
	char		 path[4096], wal[4200], shm[4200], text[64];
	int		 rows = 3000, i;
	double		 s;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: commit_rate DIR [ROWS]\n");
		return (2);
	}
	if (argc == 3 && (rows = atoi(argv[2])) < 1)
		return (2);
	(void)snprintf(path, sizeof(path), "%s/commit_rate.db", argv[1]);
	(void)snprintf(wal, sizeof(wal), "%s-wal", path);
	(void)snprintf(shm, sizeof(shm), "%s-shm", path);
	(void)unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    run(db, "PRAGMA journal_mode = WAL") == -1 ||
	    run(db, "PRAGMA synchronous = FULL") == -1 ||
	    run(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, at INTEGER, "
	    "text TEXT)") == -1)
		return (1);
	if (sqlite3_prepare_v2(db, "INSERT INTO t (at, text) VALUES (?, ?)",
	    -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK) {
		fprintf(stderr, "commit_rate: %s\n", sqlite3_errmsg(db));
		return (1);
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < rows; i++) {
		(void)snprintf(text, sizeof(text), "Có bạn bị bắt nạt %d", i);
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)time(NULL));
		sqlite3_bind_text(ins, 2, text, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(begin) != SQLITE_DONE ||
		    sqlite3_step(ins) != SQLITE_DONE ||
		    sqlite3_step(commit) != SQLITE_DONE) {
			fprintf(stderr, "commit_rate: %s\n",
			    sqlite3_errmsg(db));
			return (1);
		}
		sqlite3_reset(begin);
		sqlite3_reset(ins);
		sqlite3_reset(commit);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) /
	    1e9;
	printf("commits=%d secs=%.3f rate=%.0f\n", rows, s, rows / s);
	sqlite3_finalize(ins);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	(void)unlink(path);
	(void)unlink(wal);
	(void)unlink(shm);
	return (0);
}
