/*
 * bench/peers/check.c: peers-check, a smoke test of the benchmark peer
 * programs (docs/peers.md), built by mk/peers.mk into
 * $(B)/bench/peers-check and run by `make peers-check`.
 *
 * For every row of bench_peer_table it goes the way a suite goes: the
 * impl comes from bench_peer_impl() (which starts the program found in
 * <dir of this binary>/peers), then one call of its timed hook runs the
 * group once with a small iteration count, and the line says
 *   ok       the peer's own time, per unit, and any extra figures
 *   err      what the peer answered (a failed check, say) or how it died
 *   missing  why the program is not there (no toolchain, not built)
 *   n/a      a group the program cannot serve, and why
 * For rust-echo, a server, it starts it through bench_peer_server() and
 * echoes 64 KiB over loopback.
 *
 *   peers-check [--strict] [--filter=SUBSTR]
 *
 * Exit status 0 when nothing failed, 1 when a peer answered err, died, or
 * failed to build (with --strict: or is missing), 2 on a bad command line.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "peer.h"

#define ECHO_BYTES (64 * 1024)

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Echoes ECHO_BYTES through the server on port; false with why. */
static bool echo_once(int port, int64_t *ns, char *why, size_t why_len)
{
    static unsigned char out[ECHO_BYTES], in[ECHO_BYTES];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (unsigned char)(i * 7 + 3);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(why, why_len, "socket: %s", strerror(errno));
        return false;
    }
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int64_t t0 = now_ns();
    bool ok = false;
    size_t sent = 0, got = 0;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        snprintf(why, why_len, "connect: %s", strerror(errno));
        goto out;
    }
    /* Alternate so that neither side's socket buffers fill up. */
    while (got < sizeof in) {
        if (sent < sizeof out) {
            size_t chunk = sizeof out - sent < 4096 ? sizeof out - sent : 4096;
            ssize_t w = send(fd, out + sent, chunk, MSG_NOSIGNAL);
            if (w <= 0) {
                snprintf(why, why_len, "send: %s", strerror(errno));
                goto out;
            }
            sent += (size_t)w;
        }
        while (got < sent) {
            ssize_t r = recv(fd, in + got, sizeof in - got, 0);
            if (r <= 0) {
                snprintf(why, why_len, "recv after %zu bytes: %s", got,
                         r == 0 ? "closed" : strerror(errno));
                goto out;
            }
            got += (size_t)r;
        }
    }
    *ns = now_ns() - t0;
    if (memcmp(in, out, sizeof in) != 0)
        snprintf(why, why_len, "echoed bytes differ from the bytes sent");
    else
        ok = true;
out:
    close(fd);
    return ok;
}

/* Prints each program's toolchain line, left by mk/peers.mk in
 * <dir of argv[0]>/peers/<program>.version. */
static void print_versions(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    int dlen = slash ? (int)(slash - argv0) : 1;
    const char *dir = slash ? argv0 : ".";
    const char *last = "";
    for (const bench_peer_row_t *r = bench_peer_table; r->program; r++) {
        if (strcmp(r->program, last) == 0) continue;
        last = r->program;
        char path[4096], line[256] = "(not built)";
        snprintf(path, sizeof path, "%.*s/peers/%s.version", dlen, dir,
                 r->program);
        FILE *f = fopen(path, "r");
        if (f) {
            if (!fgets(line, sizeof line, f)) line[0] = '\0';
            line[strcspn(line, "\n")] = '\0';
            fclose(f);
        }
        printf("%-9s  %s\n", r->program, line);
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    bool strict = false;
    const char *filter = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--strict") == 0) {
            strict = true;
        } else if (strncmp(argv[i], "--filter=", 9) == 0) {
            filter = argv[i] + 9;
        } else {
            fprintf(stderr, "usage: %s [--strict] [--filter=SUBSTR]\n",
                    argv[0]);
            return 2;
        }
    }
    bench_t *b = bench_init("peers", 1, argv);
    if (!b) return 2;
    print_versions(argv[0]);

    int nok = 0, nerr = 0, nmissing = 0;
    bench_timing_t t;
    for (const bench_peer_row_t *r = bench_peer_table; r->program; r++) {
        char what[160];
        snprintf(what, sizeof what, "%-9s %-9s %-14s", r->program, r->impl,
                 r->group);
        if (filter && !strstr(what, filter)) continue;
        if (r->why_not) {
            printf("n/a      %s  %s\n", what, r->why_not);
            continue;
        }
        if (strcmp(r->unit, "server") == 0) {
            char why[256];
            int64_t ns = 0;
            int port = bench_peer_server(b, r->program, why, sizeof why);
            if (port < 0) {
                bool broken = strstr(why, "not built") == NULL;
                printf("%s  %s  %s\n", broken ? "err    " : "missing", what,
                       why);
                broken ? nerr++ : nmissing++;
            } else if (!echo_once(port, &ns, why, sizeof why)) {
                printf("err      %s  port %d: %s\n", what, port, why);
                nerr++;
            } else {
                printf("ok       %s  port %d, 64 KiB echoed in %.1f us\n",
                       what, port, (double)ns / 1e3);
                nok++;
            }
            fflush(stdout);
            continue;
        }
        bench_impl_t im = bench_peer_impl(b, r->impl, r->program, r->group);
        if (!im.fn) {
            /* A toolchain that is there but failed to build is an error. */
            bool broken = strstr(im.why_missing, "build failed") != NULL;
            printf("%s  %s  %s\n", broken ? "err    " : "missing", what,
                   im.why_missing);
            broken ? nerr++ : nmissing++;
            fflush(stdout);
            continue;
        }
        memset(&t, 0, sizeof t);
        if (!im.timed(im.state, r->check_iters, &t)) {
            printf("err      %s  %s\n", what, t.why);
            nerr++;
        } else {
            printf("ok       %s  %.4g %s (iters %lld)", what,
                   (double)t.ns / ((double)r->check_iters * r->ops), r->unit,
                   r->check_iters);
            for (int k = 0; k < t.nextra; k++)
                printf(" %s=%.6g", t.extra[k].key, t.extra[k].value);
            printf("\n");
            nok++;
        }
        fflush(stdout);
    }
    bench_discard(b); /* quits and reaps every peer */
    printf("peers-check: %d ok, %d err, %d missing\n", nok, nerr, nmissing);
    return nerr > 0 || (strict && nmissing > 0) ? 1 : 0;
}
