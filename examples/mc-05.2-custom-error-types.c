/*
 * mc-05.2 Custom Error Types
 *
 * Shows: a domain error type for a small ledger, whose variants, names and
 * messages all come from one X-macro table through CUR_ERROR_ENUM; a
 * variant that carries the library code it wraps (thiserror's #[from]);
 * conversions both ways between the domain error and library codes, each
 * an exhaustive switch that stops compiling when a variant is added.
 *
 * Build: cc -std=gnu17 examples/mc-05.2-custom-error-types.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <curriculum/result.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Make a switch that misses an enumerator a build error, as Rust's match. */
#pragma GCC diagnostic error "-Wswitch"

/*
 * The one list. Adding a row adds the enumerator, its name and its message
 * together, so they cannot drift apart. Rust with thiserror:
 *     #[derive(Debug, Error)]
 *     enum LedgerError {
 *         #[error("no such account")] NoAccount,
 *         ...
 *         #[error("journal write failed")] Journal(#[from] io::Error),
 *     }
 */
#define LEDGER_ERRORS(X)                                                     \
    X(LEDGER_NO_ACCOUNT, "no such account")                                  \
    X(LEDGER_FROZEN, "account is frozen")                                    \
    X(LEDGER_BAD_AMOUNT, "amount must be positive")                          \
    X(LEDGER_INSUFFICIENT_FUNDS, "insufficient funds")                       \
    X(LEDGER_JOURNAL, "journal write failed")

/* enum ledger_kind, ledger_kind_name() and ledger_kind_message(). */
CUR_ERROR_ENUM(ledger_kind, LEDGER_ERRORS)

/*
 * The domain error: which variant, plus the payload one variant carries.
 * C has no data-carrying enums, so the payload sits beside the tag.
 */
typedef struct ledger_error {
    enum ledger_kind kind;
    int cause; /* LEDGER_JOURNAL: the library code underneath; else 0 */
} ledger_error_t;

CUR_RESULT_TYPE(res_balance, int64_t, ledger_error_t); /* Result<i64, _> */

/*
 * From<code> for LedgerError: a failure of the layer below becomes the
 * variant that wraps it, and the original code is kept, not flattened.
 */
static ledger_error_t ledger_error_from_code(int code)
{
    return (ledger_error_t){.kind = LEDGER_JOURNAL, .cause = code};
}

/*
 * The other direction, for a boundary that speaks the library's int
 * convention (a C API, an RPC status). Exhaustive: every variant has its
 * case and there is no default, so a new row in LEDGER_ERRORS breaks the
 * build here until it is mapped. (ledger_kind_COUNT, the number of rows,
 * lives outside the enum, so it needs no case.)
 */
static int ledger_error_code(ledger_error_t e)
{
    switch (e.kind) {
    case LEDGER_NO_ACCOUNT: return CUR_ENOENT;
    case LEDGER_FROZEN: return CUR_EPERM;
    case LEDGER_BAD_AMOUNT: return CUR_EINVAL;
    case LEDGER_INSUFFICIENT_FUNDS: return CUR_ERANGE;
    case LEDGER_JOURNAL: return e.cause; /* pass the wrapped code on */
    }
    CUR_UNREACHABLE(); /* a corrupted kind: a bug, so a panic */
}

/* Display: the message, then the wrapped cause, as "{}: {source}" does. */
static void ledger_error_print(ledger_error_t e)
{
    printf("%s: %s", ledger_kind_name(e.kind), ledger_kind_message(e.kind));
    if (e.kind == LEDGER_JOURNAL) printf(": %s", cur_strerror(e.cause));
    printf("\n");
}

typedef struct account {
    const char *name;
    int64_t balance; /* never negative */
    bool frozen;
} account_t;

/*
 * The layer below: an append-only journal with room for three entries.
 * It speaks the int convention, and fails with CUR_ENOSPC when full.
 */
static int journal_used;

static CUR_NODISCARD int journal_append(const char *from, const char *to,
                                        int64_t amount)
{
    if (journal_used == 3) return CUR_ENOSPC;
    journal_used++;
    printf("  journal %d: %s -> %s %" PRId64 "\n", journal_used, from, to,
           amount);
    return 0;
}

static account_t *find(account_t *accounts, ptrdiff_t n, const char *name)
{
    for (ptrdiff_t i = 0; i < n; i++)
        if (strcmp(accounts[i].name, name) == 0) return &accounts[i];
    return NULL;
}

#define LEDGER_ERR(k) CUR_ERR(res_balance, ((ledger_error_t){.kind = (k)}))

/* Moves amount from one account to another; Ok(the payer's new balance). */
static res_balance transfer(account_t *accounts, ptrdiff_t n,
                            const char *from, const char *to, int64_t amount)
{
    if (amount <= 0) return LEDGER_ERR(LEDGER_BAD_AMOUNT);
    account_t *src = find(accounts, n, from);
    account_t *dst = find(accounts, n, to);
    if (!src || !dst) return LEDGER_ERR(LEDGER_NO_ACCOUNT);
    if (src->frozen || dst->frozen) return LEDGER_ERR(LEDGER_FROZEN);
    if (src->balance < amount) return LEDGER_ERR(LEDGER_INSUFFICIENT_FUNDS);

    /* journal_append(..)?, with From converting the code. */
    int rc = journal_append(from, to, amount);
    if (rc < 0) return CUR_ERR(res_balance, ledger_error_from_code(rc));

    src->balance -= amount;
    dst->balance += amount;
    return CUR_OK(res_balance, src->balance);
}

int main(void)
{
    printf("ledger errors, from one table:\n");
    for (int k = 0; k < ledger_kind_COUNT; k++)
        printf("  %d %-26s %s\n", k, ledger_kind_name((enum ledger_kind)k),
               ledger_kind_message((enum ledger_kind)k));

    account_t accounts[] = {
        {"alice", 10000, false}, {"bob", 2500, false}, {"carol", 0, true},
    };
    const struct { const char *from, *to; int64_t amount; } moves[] = {
        {"alice", "bob", 3000}, {"bob", "alice", 9000},
        {"alice", "dave", 100}, {"alice", "carol", 100},
        {"bob", "alice", -5},   {"bob", "alice", 500},
        {"alice", "bob", 250},  {"alice", "bob", 1},
    };

    printf("transfers:\n");
    for (ptrdiff_t i = 0; i < CUR_COUNTOF(moves); i++) {
        printf("%s -> %s %" PRId64 "\n", moves[i].from, moves[i].to,
               moves[i].amount);
        res_balance r = transfer(accounts, CUR_COUNTOF(accounts),
                                 moves[i].from, moves[i].to, moves[i].amount);
        if (r.is_ok) {
            printf("  ok, %s now has %" PRId64 "\n", moves[i].from, r.ok);
            continue;
        }
        /* Typed inside the program, an int code at its edge. */
        printf("  error ");
        ledger_error_print(r.err);
        int code = ledger_error_code(r.err);
        printf("  as a library code: %s\n", cur_err_name(code));
    }
    return 0;
}
