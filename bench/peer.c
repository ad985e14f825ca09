/*
 * bench/peer.c: peer programs as bench impls (API in peer.h, protocol in
 * docs/peers.md).
 *
 * Invariants:
 *   - One peer_set per bench_t, found through bench_finish_arg() and freed
 *     by the bench_at_finish hook, which stops every process first.
 *   - One peer_proc per program name. While it runs, pid > 0 and fd is our
 *     end of a socketpair that is the child's stdin and stdout; otherwise
 *     pid == 0, fd == -1 and why says how it ended. Requests and replies
 *     strictly alternate, so at most one reply is ever pending; a reply
 *     that breaks the protocol leaves the stream out of step, so the
 *     process is killed rather than reused.
 *   - A socket, not a pipe, so that writing to a dead peer fails with EPIPE
 *     (send with MSG_NOSIGNAL) instead of killing the bench with SIGPIPE,
 *     and so that the peer sees end of input if the bench dies.
 *   - Bindings (impl, group, proc) are the states handed to the harness;
 *     they and every string in them live until the set is freed. Processes
 *     and bindings are singly linked lists, newest first: a handful of
 *     programs and one binding per bench_peer_impl() call.
 *
 * This file is also compiled into the unit tests by
 * `#include "../bench/peer.c"` (after harness.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "peer.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PEER_LINE 4096       /* longest reply line */
#define PEER_WHY 256         /* reasons kept with a process */
#define PEER_MAX_STARTS 3    /* starts per program per bench process */
#define PEER_TIMEOUT_S 300   /* default wait for one reply */
#define PEER_QUIT_MS 2000    /* wait for exit after quit, then kill */
#define PEER_LISTEN_MS 10000 /* wait for a server's "listening" line */

/* Go has no unbounded channel; TBB has no plain job queue (docs/peers.md). */
#define PEER_NO_UNBOUNDED "Go channels have no unbounded flavor"
#define PEER_NO_JOBS                                                         \
    "TBB has no job queue that a caller outside the pool waits on"

const bench_peer_row_t bench_peer_table[] = {
    {"go-chan", "go", "spsc-bounded", "ns/msg", 1, 100000, NULL},
    {"go-chan", "go", "mpsc-bounded", "ns/msg", 1, 100000, NULL},
    {"go-chan", "go", "spsc-unbounded", "ns/msg", 1, 0, PEER_NO_UNBOUNDED},
    {"go-chan", "go", "mpsc-unbounded", "ns/msg", 1, 0, PEER_NO_UNBOUNDED},
    {"go-chan", "go", "pingpong", "ns/roundtrip", 1, 10000, NULL},
    {"rust-chan", "crossbeam", "spsc-bounded", "ns/msg", 1, 100000, NULL},
    {"rust-chan", "crossbeam", "mpsc-bounded", "ns/msg", 1, 100000, NULL},
    {"rust-chan", "crossbeam", "spsc-unbounded", "ns/msg", 1, 100000, NULL},
    {"rust-chan", "crossbeam", "mpsc-unbounded", "ns/msg", 1, 100000, NULL},
    {"rust-chan", "crossbeam", "pingpong", "ns/roundtrip", 1, 10000, NULL},
    {"rust-chan", "std-mpsc", "spsc-bounded", "ns/msg", 1, 100000, NULL},
    {"rust-chan", "std-mpsc", "mpsc-bounded", "ns/msg", 1, 100000, NULL},
    {"rust-chan", "std-mpsc", "spsc-unbounded", "ns/msg", 1, 100000, NULL},
    {"rust-chan", "std-mpsc", "mpsc-unbounded", "ns/msg", 1, 100000, NULL},
    {"rust-chan", "std-mpsc", "pingpong", "ns/roundtrip", 1, 2000, NULL},
    {"rust-pool", "rayon", "fib30-t1", "ns/run", 1, 1, NULL},
    {"rust-pool", "rayon", "fib30-t2", "ns/run", 1, 1, NULL},
    {"rust-pool", "rayon", "fib35-t1", "ns/run", 1, 1, NULL},
    {"rust-pool", "rayon", "fib35-t2", "ns/run", 1, 1, NULL},
    {"rust-pool", "rayon", "sum-u32-t1", "ns/run", 1, 1, NULL},
    {"rust-pool", "rayon", "sum-u32-t2", "ns/run", 1, 1, NULL},
    {"rust-pool", "rayon", "sum-f64-t2", "ns/run", 1, 1, NULL},
    {"rust-pool", "rayon", "job-roundtrip", "ns/job", 1, 1000, NULL},
    {"rust-pool", "rayon", "jobs-1M", "ns/job", 1e6, 1, NULL},
    {"tbb-pool", "tbb", "fib30-t1", "ns/run", 1, 1, NULL},
    {"tbb-pool", "tbb", "fib30-t2", "ns/run", 1, 1, NULL},
    {"tbb-pool", "tbb", "fib35-t1", "ns/run", 1, 1, NULL},
    {"tbb-pool", "tbb", "fib35-t2", "ns/run", 1, 1, NULL},
    {"tbb-pool", "tbb", "sum-u32-t1", "ns/run", 1, 1, NULL},
    {"tbb-pool", "tbb", "sum-u32-t2", "ns/run", 1, 1, NULL},
    {"tbb-pool", "tbb", "sum-f64-t2", "ns/run", 1, 1, NULL},
    {"tbb-pool", "tbb", "job-roundtrip", "ns/job", 1, 0, PEER_NO_JOBS},
    {"tbb-pool", "tbb", "jobs-1M", "ns/job", 1e6, 0, PEER_NO_JOBS},
    {"rust-exec", "tokio-ct", "spawn-batch", "ns/task", 1e6, 1, NULL},
    {"rust-exec", "tokio-ct", "spawn-all", "ns/task", 1e6, 1, NULL},
    {"rust-exec", "tokio-ct", "pingpong", "ns/roundtrip", 1, 10000, NULL},
    {"rust-exec", "tokio-ct", "timers-100k", "cpu-ns/timer", 1e5, 1, NULL},
    {"rust-exec", "tokio-mt", "spawn-batch", "ns/task", 1e6, 1, NULL},
    {"rust-exec", "tokio-mt", "spawn-all", "ns/task", 1e6, 1, NULL},
    {"rust-exec", "tokio-mt", "pingpong", "ns/roundtrip", 1, 10000, NULL},
    {"rust-exec", "tokio-mt", "timers-100k", "cpu-ns/timer", 1e5, 1, NULL},
    {"rust-echo", "tokio", "echo", "server", 1, 0, NULL},
    {NULL, NULL, NULL, NULL, 0, 0, NULL},
};

typedef struct peer_proc {
    struct peer_proc *next;
    char *program;       /* name, e.g. "go-chan" */
    pid_t pid;           /* > 0 while running */
    int fd;              /* our end of the socketpair, -1 when not running */
    int starts;          /* times started */
    int port;            /* servers: the port it listens on, else 0 */
    size_t rlen;         /* bytes buffered in rbuf */
    char rbuf[PEER_LINE];
    char why[PEER_WHY];  /* how it ended, when not running */
} peer_proc_t;

typedef struct peer_binding {
    struct peer_binding *next;
    peer_proc_t *proc; /* NULL for a missing impl */
    char *impl;
    char *group;
    char *why;         /* why_missing, or NULL */
} peer_binding_t;

typedef struct peer_set {
    char *dir;              /* <dir of argv[0]>/peers */
    peer_proc_t *procs;     /* one per program */
    peer_binding_t *binds;  /* one per impl handed out */
} peer_set_t;

/* --- small helpers -------------------------------------------------------- */

static int64_t peer_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A name that fits one protocol word: ASCII graphic characters only. */
static bool peer_word_ok(const char *s)
{
    if (!s || !*s) return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p >= 0x7f) return false;
    return true;
}

static const bench_peer_row_t *peer_find_row(const char *program,
                                             const char *impl,
                                             const char *group,
                                             bool *known_program)
{
    *known_program = false;
    for (const bench_peer_row_t *r = bench_peer_table; r->program; r++) {
        if (strcmp(r->program, program) != 0) continue;
        *known_program = true;
        if (strcmp(r->impl, impl) == 0 && strcmp(r->group, group) == 0)
            return r;
    }
    return NULL;
}

/* How a reaped child ended, as words. */
static void peer_describe_status(char *buf, size_t len, int status)
{
    if (WIFEXITED(status))
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, len, "ended (wait status %#x)", (unsigned)status);
}

/* --- processes ------------------------------------------------------------ */

/* Waits up to ms for the child to exit; true once it is reaped. */
static bool peer_reap(peer_proc_t *p, int ms, int *status)
{
    int64_t end = peer_now_ms() + ms;
    for (;;) {
        pid_t r = waitpid(p->pid, status, WNOHANG);
        if (r == p->pid) return true;
        if (r < 0 && errno != EINTR) { /* not our child any more */
            *status = 0;
            return true;
        }
        if (peer_now_ms() >= end) return false;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Kills the child and reaps it. */
static void peer_kill(peer_proc_t *p, int *status)
{
    kill(p->pid, SIGKILL);
    while (waitpid(p->pid, status, 0) < 0 && errno == EINTR) {
    }
}

/*
 * Ends a running peer: closes our end (end of input for the peer), waits
 * up to ms for it to exit, then kills it. why (if not NULL) becomes the
 * reason kept with the process; otherwise the exit status is.
 */
static void peer_stop(peer_proc_t *p, int ms, const char *why)
{
    if (p->pid <= 0) return;
    if (p->fd >= 0) {
        shutdown(p->fd, SHUT_WR);
        close(p->fd);
        p->fd = -1;
    }
    int status = 0;
    if (!peer_reap(p, ms, &status)) peer_kill(p, &status);
    char how[96];
    peer_describe_status(how, sizeof how, status);
    if (why)
        snprintf(p->why, sizeof p->why, "%s", why);
    else
        snprintf(p->why, sizeof p->why, "%s %s", p->program, how);
    p->pid = 0;
    p->rlen = 0;
}

/* The peer broke off (end of input, error, timeout): reap it, keep why. */
static void peer_lost(peer_proc_t *p, const char *what)
{
    char why[PEER_WHY];
    int status = 0;
    if (p->fd >= 0) {
        close(p->fd);
        p->fd = -1;
    }
    if (peer_reap(p, 500, &status)) {
        char how[96];
        peer_describe_status(how, sizeof how, status);
        snprintf(why, sizeof why, "%s %s (%s)", p->program, how, what);
    } else {
        peer_kill(p, &status);
        snprintf(why, sizeof why, "%s killed: %s", p->program, what);
    }
    snprintf(p->why, sizeof p->why, "%s", why);
    p->pid = 0;
    p->rlen = 0;
}

/* Starts path with args; false with p->why set when it cannot. */
static bool peer_spawn(peer_proc_t *p, const char *path, char *const *argv)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        snprintf(p->why, sizeof p->why, "cannot start %s: socketpair: %s",
                 p->program, strerror(errno));
        return false;
    }
    posix_spawn_file_actions_t fa;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    pid_t pid = 0;
    if (rc == 0) rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(sv[1]);
    if (rc != 0) {
        close(sv[0]);
        snprintf(p->why, sizeof p->why, "cannot start %s: %s", path,
                 strerror(rc));
        return false;
    }
    p->pid = pid;
    p->fd = sv[0];
    p->rlen = 0;
    p->starts++;
    p->why[0] = '\0';
    return true;
}

static int peer_timeout_ms(void)
{
    const char *env = getenv("BENCH_PEER_TIMEOUT");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (!*end && v > 0 && v <= 86400) return (int)v * 1000;
    }
    return PEER_TIMEOUT_S * 1000;
}

/*
 * Reads one line (without its newline) into line. Returns 1 on a line, 0
 * when the peer closed its end, -1 on timeout, error or a line too long
 * (what says which).
 */
static int peer_read_line(peer_proc_t *p, char *line, size_t len,
                          int timeout_ms, const char **what)
{
    int64_t end = peer_now_ms() + timeout_ms;
    for (;;) {
        char *nl = memchr(p->rbuf, '\n', p->rlen);
        if (nl) {
            size_t n = (size_t)(nl - p->rbuf);
            if (n >= len) {
                *what = "reply line too long";
                return -1;
            }
            memcpy(line, p->rbuf, n);
            line[n] = '\0';
            p->rlen -= n + 1;
            memmove(p->rbuf, nl + 1, p->rlen);
            return 1;
        }
        if (p->rlen == sizeof p->rbuf) {
            *what = "reply line too long";
            return -1;
        }
        int64_t left = end - peer_now_ms();
        if (left <= 0) {
            *what = "no reply in time";
            return -1;
        }
        struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
        int r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            *what = "poll failed";
            return -1;
        }
        if (r == 0) continue;
        ssize_t got = recv(p->fd, p->rbuf + p->rlen,
                           sizeof p->rbuf - p->rlen, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            *what = "read failed";
            return -1;
        }
        if (got == 0) return 0;
        p->rlen += (size_t)got;
    }
}

/*
 * Between requests a peer must be silent: 1 if it is, 0 if it closed its
 * output (it died), -1 if it wrote something (the stream is out of step).
 */
static int peer_quiet(peer_proc_t *p)
{
    if (p->rlen > 0) return -1;
    char c;
    ssize_t r;
    do
        r = recv(p->fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
    while (r < 0 && errno == EINTR);
    if (r > 0) return -1;
    return r == 0 ? 0 : 1; /* r < 0: EAGAIN, nothing there */
}

static bool peer_send_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

/* --- the reply ------------------------------------------------------------ */

/* Outcome of parsing one reply line. */
enum { PEER_OK, PEER_ERR, PEER_BAD };

/*
 * Parses "ok <ns> [key=value ...]" into out (ns, extras) or "err <message>"
 * into out->why. PEER_BAD (with out->why) for anything else: the stream is
 * then out of step. Keys are [A-Za-z0-9_.-]{1,31}, values finite numbers,
 * at most BENCH_MAX_EXTRA pairs, words separated by spaces or tabs.
 */
static int peer_parse_reply(const char *line, bench_timing_t *out)
{
    out->ns = 0;
    out->nextra = 0;
    out->why[0] = '\0';
    if (strncmp(line, "err", 3) == 0 && (line[3] == '\0' || line[3] == ' ')) {
        const char *msg = line[3] ? line + 4 : "";
        snprintf(out->why, sizeof out->why, "%.*s",
                 (int)sizeof out->why - 1,
                 *msg ? msg : "error without a message");
        return PEER_ERR;
    }
    if (strncmp(line, "ok ", 3) != 0) goto bad;
    const char *s = line + 3;
    if (*s < '0' || *s > '9') goto bad;
    errno = 0;
    char *end;
    unsigned long long ns = strtoull(s, &end, 10);
    if (errno || ns > (unsigned long long)INT64_MAX ||
        (*end && *end != ' ' && *end != '\t'))
        goto bad;
    out->ns = (int64_t)ns;
    s = end;
    for (;;) {
        while (*s == ' ' || *s == '\t') s++;
        if (!*s) break;
        const char *w = s;
        while (*s && *s != ' ' && *s != '\t') s++;
        size_t wlen = (size_t)(s - w);
        const char *eq = memchr(w, '=', wlen);
        if (!eq || eq == w || (size_t)(eq - w) >= BENCH_EXTRA_KEY) goto bad;
        if (out->nextra == BENCH_MAX_EXTRA) goto bad;
        bench_extra_t *x = &out->extra[out->nextra];
        memcpy(x->key, w, (size_t)(eq - w));
        x->key[eq - w] = '\0';
        for (const char *k = x->key; *k; k++)
            if (!(*k >= 'a' && *k <= 'z') && !(*k >= 'A' && *k <= 'Z') &&
                !(*k >= '0' && *k <= '9') && *k != '_' && *k != '.' &&
                *k != '-')
                goto bad;
        char num[64];
        size_t vlen = wlen - (size_t)(eq - w) - 1;
        if (vlen == 0 || vlen >= sizeof num) goto bad;
        memcpy(num, eq + 1, vlen);
        num[vlen] = '\0';
        errno = 0;
        char *vend;
        x->value = strtod(num, &vend);
        if (errno == ERANGE || *vend || !isfinite(x->value)) goto bad;
        out->nextra++;
    }
    return PEER_OK;
bad:
    out->nextra = 0;
    snprintf(out->why, sizeof out->why, "protocol error: bad reply '%.160s'",
             line);
    return PEER_BAD;
}

/* --- the set of peers of one bench_t -------------------------------------- */

static void peer_set_free(void *arg)
{
    peer_set_t *set = arg;
    /* Ask every peer to quit first, so they wind down together. */
    for (peer_proc_t *p = set->procs; p; p = p->next)
        if (p->pid > 0 && p->fd >= 0 && p->port == 0)
            (void)peer_send_all(p->fd, "quit\n", 5);
    while (set->procs) {
        peer_proc_t *p = set->procs;
        set->procs = p->next;
        peer_stop(p, PEER_QUIT_MS, NULL);
        free(p->program);
        free(p);
    }
    while (set->binds) {
        peer_binding_t *bd = set->binds;
        set->binds = bd->next;
        free(bd->impl);
        free(bd->group);
        free(bd->why);
        free(bd);
    }
    free(set->dir);
    free(set);
}

/* <dir of argv[0]>/peers; the executable's own folder when argv[0] has none. */
static char *peer_dir(const bench_t *b)
{
    const char *a0 = bench_argv0(b);
    char self[PATH_MAX];
    const char *slash = a0 ? strrchr(a0, '/') : NULL;
    if (!slash) {
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) return strdup("peers");
        self[n] = '\0';
        a0 = self;
        slash = strrchr(a0, '/');
    }
    char *dir = NULL;
    if (asprintf(&dir, "%.*s/peers", (int)(slash - a0), a0) < 0) return NULL;
    return dir;
}

static peer_set_t *peer_set_of(bench_t *b)
{
    peer_set_t *set = bench_finish_arg(b, peer_set_free);
    if (set) return set;
    set = calloc(1, sizeof *set);
    if (!set) return NULL;
    if (!(set->dir = peer_dir(b)) || !bench_at_finish(b, peer_set_free, set)) {
        free(set->dir);
        free(set);
        return NULL;
    }
    return set;
}

static peer_proc_t *peer_proc_of(peer_set_t *set, const char *program)
{
    for (peer_proc_t *p = set->procs; p; p = p->next)
        if (strcmp(p->program, program) == 0) return p;
    peer_proc_t *p = calloc(1, sizeof *p);
    if (!p || !(p->program = strdup(program))) {
        free(p);
        return NULL;
    }
    p->fd = -1;
    p->next = set->procs;
    set->procs = p;
    return p;
}

/*
 * The path of a built program, or NULL with why set: the reason
 * mk/peers.mk left in <program>.missing, or a generic one.
 */
static char *peer_locate(const peer_set_t *set, const char *program,
                         char *why, size_t why_len)
{
    char *path = NULL;
    if (asprintf(&path, "%s/%s", set->dir, program) < 0) {
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    if (access(path, X_OK) == 0) return path;
    snprintf(why, why_len,
             "%s not built (no %s; `make bench-build` builds it, "
             "scripts/deps.sh --bench installs the toolchains)",
             program, path);
    char *mpath = NULL;
    if (asprintf(&mpath, "%s.missing", path) >= 0) {
        FILE *f = fopen(mpath, "r");
        char line[PEER_WHY];
        if (f && fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = '\0';
            if (line[0]) snprintf(why, why_len, "%s", line);
        }
        if (f) fclose(f);
        free(mpath);
    }
    free(path);
    return NULL;
}

/* Starts p unless it runs; false with why set when it cannot. */
static bool peer_ensure(peer_set_t *set, peer_proc_t *p, char *const *args,
                        char *why, size_t why_len)
{
    if (p->pid > 0) return true;
    if (p->starts >= PEER_MAX_STARTS) {
        snprintf(why, why_len, "%s (not restarted after %d starts)", p->why,
                 p->starts);
        return false;
    }
    char *path = peer_locate(set, p->program, why, why_len);
    if (!path) return false;
    char *argv[8] = {path};
    for (int i = 0; args && i < 6 && args[i]; i++) argv[i + 1] = args[i];
    bool ok = peer_spawn(p, path, argv);
    free(path);
    if (!ok) snprintf(why, why_len, "%s", p->why);
    return ok;
}

static peer_binding_t *peer_bind(peer_set_t *set, peer_proc_t *p,
                                 const char *impl, const char *group,
                                 const char *why)
{
    peer_binding_t *bd = calloc(1, sizeof *bd);
    if (!bd) return NULL;
    bd->proc = p;
    bd->impl = strdup(impl);
    bd->group = strdup(group);
    bd->why = why ? strdup(why) : NULL;
    if (!bd->impl || !bd->group || (why && !bd->why)) {
        free(bd->impl);
        free(bd->group);
        free(bd->why);
        free(bd);
        return NULL;
    }
    bd->next = set->binds;
    set->binds = bd;
    return bd;
}

/* --- the impl hooks ------------------------------------------------------- */

static bool peer_timed(void *state, int64_t iters, bench_timing_t *out)
{
    peer_binding_t *bd = state;
    peer_proc_t *p = bd->proc;
    if (p->pid <= 0) {
        snprintf(out->why, sizeof out->why, "%s", p->why);
        return false;
    }
    char req[512];
    int n = snprintf(req, sizeof req, "run %s %s %" PRId64 "\n", bd->group,
                     bd->impl, iters);
    if (n < 0 || (size_t)n >= sizeof req) {
        snprintf(out->why, sizeof out->why, "request too long");
        return false;
    }
    int quiet = peer_quiet(p);
    if (quiet < 0) {
        snprintf(out->why, sizeof out->why,
                 "protocol error: output between requests");
        peer_stop(p, 0, out->why);
        return false;
    }
    if (quiet == 0 || !peer_send_all(p->fd, req, (size_t)n)) {
        peer_lost(p, quiet == 0 ? "closed its output" : "cannot send");
        snprintf(out->why, sizeof out->why, "%s", p->why);
        return false;
    }
    char line[PEER_LINE];
    const char *what = "";
    int r = peer_read_line(p, line, sizeof line, peer_timeout_ms(), &what);
    if (r <= 0) {
        peer_lost(p, r == 0 ? "closed its output" : what);
        snprintf(out->why, sizeof out->why, "%s", p->why);
        return false;
    }
    switch (peer_parse_reply(line, out)) {
    case PEER_OK:
        return true;
    case PEER_ERR:
        return false;
    default: {
        char why[BENCH_WHY_LEN];
        snprintf(why, sizeof why, "%s", out->why);
        peer_stop(p, 0, why);
        return false;
    }
    }
}

/* The plain hook: the same request, the peer's timing dropped. */
static void peer_fn(void *state, int64_t iters)
{
    bench_timing_t *t = calloc(1, sizeof *t);
    if (!t) return;
    if (!peer_timed(state, iters, t)) {
        peer_binding_t *bd = state;
        fprintf(stderr, "bench: %s/%s: %s\n", bd->group, bd->impl, t->why);
    }
    free(t);
}

static bench_impl_t peer_missing(peer_set_t *set, const char *impl,
                                 const char *group, const char *why)
{
    peer_binding_t *bd = set ? peer_bind(set, NULL, impl, group, why) : NULL;
    return (bench_impl_t){
        .name = bd ? bd->impl : impl,
        .fn = NULL,
        /* without a set, why is a string literal (see the callers) */
        .why_missing = bd ? bd->why : why ? why : "out of memory",
    };
}

bench_impl_t bench_peer_impl(bench_t *b, const char *impl,
                             const char *program, const char *group)
{
    char why[PEER_WHY];
    peer_set_t *set = b ? peer_set_of(b) : NULL;
    if (!set) return peer_missing(NULL, impl, group, b ? NULL : "no bench");
    if (!peer_word_ok(impl) || !peer_word_ok(program) ||
        !peer_word_ok(group) || strchr(program, '/')) {
        snprintf(why, sizeof why, "bad peer, impl or group name");
        return peer_missing(set, impl ? impl : "(unnamed)",
                            group ? group : "", why);
    }
    bool known;
    const bench_peer_row_t *row = peer_find_row(program, impl, group, &known);
    if (known && !row) {
        snprintf(why, sizeof why, "%s does not serve impl %s in group %s",
                 program, impl, group);
        return peer_missing(set, impl, group, why);
    }
    if (row && row->why_not) return peer_missing(set, impl, group, row->why_not);

    peer_proc_t *p = peer_proc_of(set, program);
    if (!p) return peer_missing(set, impl, group, "out of memory");
    if (bench_listing(b) || !bench_wants(b, group)) {
        /* never called: no need to start anything */
    } else if (!peer_ensure(set, p, NULL, why, sizeof why)) {
        return peer_missing(set, impl, group, why);
    }
    peer_binding_t *bd = peer_bind(set, p, impl, group, NULL);
    if (!bd) return peer_missing(set, impl, group, "out of memory");
    return (bench_impl_t){
        .name = bd->impl,
        .fn = peer_fn,
        .state = bd,
        .timed = peer_timed,
    };
}

int bench_peer_server(bench_t *b, const char *program, char *why,
                      size_t why_len)
{
    peer_set_t *set = b ? peer_set_of(b) : NULL;
    if (!set) {
        snprintf(why, why_len, b ? "out of memory" : "no bench");
        return -1;
    }
    if (!peer_word_ok(program) || strchr(program, '/')) {
        snprintf(why, why_len, "bad program name");
        return -1;
    }
    peer_proc_t *p = peer_proc_of(set, program);
    if (!p) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    if (p->pid > 0 && p->port > 0) return p->port;
    char port0[] = "--port", port1[] = "0";
    char *args[] = {port0, port1, NULL};
    if (!peer_ensure(set, p, args, why, why_len)) return -1;
    char line[PEER_LINE];
    const char *what = "";
    int r = peer_read_line(p, line, sizeof line, PEER_LISTEN_MS, &what);
    int port = 0;
    char extra;
    if (r <= 0) {
        peer_lost(p, r == 0 ? "closed its output" : what);
    } else if (sscanf(line, "listening %d%c", &port, &extra) != 1 ||
               port <= 0 || port > 65535) {
        snprintf(why, why_len, "%.120s", line);
        char msg[PEER_WHY];
        snprintf(msg, sizeof msg, "%s: expected 'listening <port>', got '%s'",
                 program, why);
        peer_stop(p, 0, msg);
    } else {
        p->port = port;
        return port;
    }
    snprintf(why, why_len, "%s", p->why);
    return -1;
}
