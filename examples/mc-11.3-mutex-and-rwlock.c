/*
 * mc-11.3 Mutex and RwLock (Thread-safe Patterns)
 *
 * Shows: state shared by threads behind a Mutex, with a guard that unlocks
 * at the end of its block; an RwLock for a read-mostly configuration; lock
 * poisoning, where a critical section panics, cur_catch_unwind stops the
 * panic, and the next locker is told (CUR_EPOISONED), repairs the data and
 * clears the poison; a Condvar producer/consumer queue; and Once/OnceLock
 * for a global that is built lazily, exactly once, by whichever thread
 * needs it first.
 *
 * Build: cc -std=gnu17 examples/mc-11.3-mutex-and-rwlock.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <curriculum/sync.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define THREADS 4

/* --- 1. Mutex: a counter shared by threads --------------------------------
 * Rust: Arc<Mutex<u64>>. C cannot put the value inside the lock, so the
 * lock and the data it guards sit side by side in one struct, and the
 * comment says which lock guards what. */
struct hits {
    cur_mutex_t lock;
    long count; /* guarded by lock */
};

static void *count_hits(void *arg)
{
    struct hits *h = arg;
    for (int i = 0; i < 10000; i++) {
        /* let mut n = h.lock().unwrap(); *n += 1; -- the guard g unlocks
         * when the block ends, on every path out of it. */
        CUR_MUTEX_LOCK(g, &h->lock);
        h->count++;
    }
    return NULL;
}

static void mutex_demo(void)
{
    struct hits h = {.lock = CUR_MUTEX_INIT};
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, count_hits, &h);
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
    printf("1. Mutex: %d threads x 10000 increments = %ld\n", THREADS,
           h.count);
    cur_mutex_destroy(&h.lock);
}

/* --- 2. RwLock: a read-mostly configuration -------------------------------
 * Many readers may hold the lock at once; a writer waits for them and
 * then has it alone, so no reader ever sees half of an update. */
struct config {
    cur_rwlock_t lock;
    int version;    /* guarded by lock */
    char name[32];  /* guarded by lock: always "release <version>" */
};

static atomic_long torn_reads;

static void *read_config(void *arg)
{
    struct config *c = arg;
    for (int i = 0; i < 2000; i++) {
        CUR_RWLOCK_READ(r, &c->lock);
        char want[32];
        snprintf(want, sizeof want, "release %d", c->version);
        if (strcmp(want, c->name) != 0) atomic_fetch_add(&torn_reads, 1);
    }
    return NULL;
}

static void rwlock_demo(void)
{
    struct config c = {.lock = CUR_RWLOCK_INIT, .version = 1};
    snprintf(c.name, sizeof c.name, "release %d", c.version);
    pthread_t th[THREADS - 1];
    for (int i = 0; i < THREADS - 1; i++)
        pthread_create(&th[i], NULL, read_config, &c);
    for (int v = 2; v <= 5; v++) { /* the one writer */
        CUR_RWLOCK_WRITE(w, &c.lock);
        c.version = v;
        snprintf(c.name, sizeof c.name, "release %d", v);
    }
    for (int i = 0; i < THREADS - 1; i++) pthread_join(th[i], NULL);
    printf("2. RwLock: %d readers x 2000 reads, %ld torn; final config "
           "\"%s\"\n",
           THREADS - 1, atomic_load(&torn_reads), c.name);
    cur_rwlock_destroy(&c.lock);
}

/* --- 3. Poisoning ----------------------------------------------------------
 * A transfer debits one account, then panics before crediting the other.
 * The guard's unwind record runs as the panic passes: it marks the lock
 * poisoned and unlocks it, so the program does not deadlock, and the next
 * locker learns that the invariant (a + b == 200) may be broken. */
struct bank {
    cur_mutex_t lock;
    long a, b; /* guarded by lock; a + b == 200 */
};

struct transfer {
    struct bank *bank;
    long amount;
};

static void transfer(void *arg)
{
    struct transfer *t = arg;
    CUR_MUTEX_LOCK(g, &t->bank->lock);
    t->bank->a -= t->amount;
    if (t->amount > 100) CUR_PANIC("transfer of %ld over the limit", t->amount);
    t->bank->b += t->amount;
}

/* Print the panic's message on stdout (the default hook prints the file
 * and line on stderr). */
static void print_panic(const cur_panic_info_t *info, void *ctx)
{
    (void)ctx;
    printf("   panic: %s\n", info->message);
}

static void poison_demo(void)
{
    struct bank bank = {.lock = CUR_MUTEX_INIT, .a = 100, .b = 100};
    cur_panic_hook_fn old_hook;
    void *old_ctx;
    cur_panic_set_hook(print_panic, NULL, &old_hook, &old_ctx);

    struct transfer t = {&bank, 50};
    int rc = cur_catch_unwind(transfer, &t, NULL);
    printf("3. Poisoning: transfer 50 -> %s\n", cur_err_name(rc));
    t.amount = 150;
    rc = cur_catch_unwind(transfer, &t, NULL);
    printf("   transfer 150 -> %s\n", cur_err_name(rc));
    cur_panic_set_hook(old_hook, old_ctx, NULL, NULL);

    /* Rust: match bank.lock() { Err(poisoned) => poisoned.into_inner() }.
     * CUR_EPOISONED still gives us the lock; we decide what to do. */
    cur_mutex_guard_t g;
    rc = cur_mutex_lock(&bank.lock, &g);
    printf("   next lock -> %s, a + b = %ld (should be 200)\n",
           cur_err_name(rc), bank.a + bank.b);
    if (rc == CUR_EPOISONED) {
        bank.a += t.amount; /* undo the half-done transfer */
        cur_mutex_clear_poison(&bank.lock);
        printf("   repaired: a = %ld, b = %ld, poison cleared\n", bank.a,
               bank.b);
    }
    cur_mutex_unlock(&g);
    rc = cur_mutex_lock(&bank.lock, &g);
    printf("   lock after repair -> %s\n", cur_err_name(rc));
    cur_mutex_unlock(&g);
    cur_mutex_destroy(&bank.lock);
}

/* --- 4. Condvar: producer and consumer -------------------------------------
 * A bounded queue: the producer waits while it is full, the consumer while
 * it is empty. Each waits in a loop, because a wait can return without the
 * condition being true (a spurious wakeup). */
#define QCAP 4

struct queue {
    cur_mutex_t lock;
    cur_condvar_t not_empty, not_full;
    int items[QCAP]; /* guarded by lock */
    int head, len;   /* guarded by lock */
    bool closed;     /* guarded by lock: the producer is done */
};

static void *produce(void *arg)
{
    struct queue *q = arg;
    for (int v = 1; v <= 100; v++) {
        CUR_MUTEX_LOCK(g, &q->lock);
        while (q->len == QCAP) cur_condvar_wait(&q->not_full, &g);
        q->items[(q->head + q->len) % QCAP] = v;
        q->len++;
        cur_condvar_notify_one(&q->not_empty);
    }
    CUR_MUTEX_LOCK(g, &q->lock);
    q->closed = true;
    cur_condvar_notify_all(&q->not_empty);
    return NULL;
}

static void condvar_demo(void)
{
    struct queue q = {.lock = CUR_MUTEX_INIT,
                      .not_empty = CUR_CONDVAR_INIT,
                      .not_full = CUR_CONDVAR_INIT};
    pthread_t producer;
    pthread_create(&producer, NULL, produce, &q);
    long sum = 0;
    int received = 0;
    for (;;) {
        CUR_MUTEX_LOCK(g, &q.lock);
        while (q.len == 0 && !q.closed) cur_condvar_wait(&q.not_empty, &g);
        if (q.len == 0) break; /* closed and drained; g unlocks on break */
        sum += q.items[q.head];
        q.head = (q.head + 1) % QCAP;
        q.len--;
        received++;
        cur_condvar_notify_one(&q.not_full);
    }
    pthread_join(producer, NULL);
    printf("4. Condvar: received %d items, sum %ld\n", received, sum);
    cur_condvar_destroy(&q.not_empty);
    cur_condvar_destroy(&q.not_full);
    cur_mutex_destroy(&q.lock);
}

/* --- 5. Once and OnceLock: lazy globals ------------------------------------
 * Rust: static SQUARES: OnceLock<Vec<u64>> = OnceLock::new(); and
 * SQUARES.get_or_init(build). The first caller builds; callers arriving
 * meanwhile wait; everyone gets the same table. */
static cur_oncelock_t SQUARES = CUR_ONCELOCK_INIT;
static long squares_storage[64];
static atomic_int builds;

static void *build_squares(void *arg)
{
    (void)arg;
    atomic_fetch_add(&builds, 1);
    for (int i = 0; i < 64; i++) squares_storage[i] = (long)i * i;
    return squares_storage;
}

static cur_once_t BANNER = CUR_ONCE_INIT;
static atomic_int banners;

static void print_banner(void *arg)
{
    (void)arg;
    atomic_fetch_add(&banners, 1);
}

static atomic_long squares_sum;

static void *use_globals(void *arg)
{
    (void)arg;
    cur_once_call(&BANNER, print_banner, NULL);
    const long *sq = cur_oncelock_get_or_init(&SQUARES, build_squares, NULL);
    atomic_fetch_add(&squares_sum, sq[12]);
    return NULL;
}

static void once_demo(void)
{
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, use_globals, NULL);
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
    const long *sq = cur_oncelock_get(&SQUARES);
    printf("5. Once/OnceLock: %d threads; banner ran %d time, table built %d "
           "time; squares[12] = %ld (seen %ld in all)\n",
           THREADS, atomic_load(&banners), atomic_load(&builds), sq[12],
           atomic_load(&squares_sum));
}

int main(void)
{
    mutex_demo();
    rwlock_demo();
    poison_demo();
    condvar_demo();
    once_demo();
    return 0;
}
