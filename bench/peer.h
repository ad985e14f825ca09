/*
 * bench/peer.h: benchmark impls run by peer programs in other languages
 * (Go, Rust, C++), next to the C impls of a suite. docs/peers.md has the
 * protocol, the programs and the workloads.
 *
 * A peer program is one long-running process per bench process, started
 * on first use and shared by every impl and group that uses it, so its
 * thread pools and runtimes are built once. The harness sends
 *   run <group> <impl> <iters>\n
 * and the peer, which times exactly the work the C impls time, answers
 *   ok <elapsed_ns> [key=value ...]\n   or   err <message>\n
 * The harness uses that elapsed time instead of its own clock (the
 * timed-impl hook of bench_impl_t), so the IPC is not counted, and prints
 * the key=value figures under the result. bench_finish sends quit, waits,
 * and kills a peer that does not exit.
 *
 * Programs are found next to the bench binary: <dir of argv[0]>/peers/<name>,
 * built there by mk/peers.mk (`make bench-build`). A program that is not
 * built gives a missing impl, with the reason mk/peers.mk left in
 * <name>.missing (e.g. "go not installed") when there is one.
 *
 * Not thread-safe: call these from the thread that runs the suite, like
 * the rest of the harness.
 */
#ifndef CUR_BENCH_PEER_H
#define CUR_BENCH_PEER_H

#include <stddef.h>

#include "harness.h"

/*
 * An impl named `impl` of `group`, run by peer program `program` (e.g.
 * bench_peer_impl(b, "go", "go-chan", "spsc-bounded")). Starts the program
 * unless it is running already, or the group is filtered out, or b only
 * lists names. If the program is not built, fails to start, or is known not
 * to serve this group (Go has no unbounded channel), fn is NULL and
 * why_missing says why. If the peer answers err or dies during the group,
 * the impl is reported as failed for that group and the suite goes on; a
 * later group restarts a dead peer (a few times at most).
 * Strings in the result (name, why_missing) live until bench_finish.
 */
bench_impl_t bench_peer_impl(bench_t *b, const char *impl,
                             const char *program, const char *group);

/*
 * Starts a server peer (rust-echo) with `--port 0`, or finds it running,
 * and returns the 127.0.0.1 port from its "listening <port>" line. The
 * server runs until bench_finish, which closes its stdin (it exits on end
 * of input) and kills it if it lingers. On failure returns -1 and writes
 * the reason (e.g. "rust-echo not built (...)") to why (why_len bytes).
 */
int bench_peer_server(bench_t *b, const char *program, char *why,
                      size_t why_len);

/*
 * The peer programs and what they serve, for tools (bench/peers/check.c)
 * and suites that want to list them: one row per program, impl and group.
 * why_not is non-NULL for a group the program cannot serve (the impl is
 * then missing with that reason); ops is how many of the group's units one
 * iteration is (1 message, 10^6 tasks, ...); check_iters is a small
 * iteration count for a smoke test. The table ends with a row whose
 * program is NULL. Programs outside the table (test doubles) are accepted
 * for any impl and group.
 */
typedef struct bench_peer_row {
    const char *program;
    const char *impl;
    const char *group;
    const char *unit;
    double ops;
    long long check_iters;
    const char *why_not;
} bench_peer_row_t;

extern const bench_peer_row_t bench_peer_table[];

#endif /* CUR_BENCH_PEER_H */
