/*
 * mc-11.1 Rc, Arc, and Reference Counting
 *
 * Shows: an Rc tree whose children point back to their parent with Weak
 * handles, so dropping the root frees everything; the strong and weak
 * counts along the way; a cycle of strong handles that leaks until it is
 * broken by hand; and an Arc shared by four threads, each with its own
 * clone, with the value dropped once, after the last handle goes. A small
 * counting allocator proves that nothing is left behind.
 *
 * Build: cc -std=gnu17 examples/mc-11.1-rc-arc-weak.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/rc.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* An allocator that counts live blocks (thread-safe, for the Arc part). */
static atomic_long live_blocks;
static void *count_alloc(void *ctx, ptrdiff_t n)
{
    (void)ctx;
    void *p = malloc((size_t)n);
    if (p) atomic_fetch_add(&live_blocks, 1);
    return p;
}
static void *count_resize(void *ctx, void *p, ptrdiff_t old, ptrdiff_t n)
{
    (void)ctx, (void)old;
    return realloc(p, (size_t)n);
}
static void count_release(void *ctx, void *p, ptrdiff_t n)
{
    (void)ctx, (void)n;
    if (p) atomic_fetch_sub(&live_blocks, 1);
    free(p);
}
static const cur_alloc_t counting = {count_alloc, count_resize, count_release,
                                     NULL};

/* struct Node { name, parent: Weak<Node>, children: Vec<Rc<Node>> } */
typedef struct node {
    const char *name;
    cur_rc_weak_t *parent; /* Weak: a child does not keep its parent alive */
    cur_rc_t *children[2]; /* Rc: a parent owns its children */
    int nchildren;
} node_t;

static void node_drop(void *value, const cur_alloc_t *a)
{
    (void)a;
    node_t *n = value;
    printf("  drop %s\n", n->name);
    cur_rc_weak_free(n->parent);
    for (int i = 0; i < n->nchildren; i++) cur_rc_free(n->children[i]);
}

static const cur_type_t node_type = CUR_TYPE_INIT(node_t, node_drop, NULL);

static cur_rc_t *node_new(const char *name, cur_rc_t *parent)
{
    node_t init = {.name = name};
    cur_rc_t *r;
    if (cur_rc_new(&r, &counting, &node_type, &init) < 0) exit(1);
    if (parent) {
        node_t *p = cur_rc_get(parent), *me = cur_rc_get(r);
        me->parent = cur_rc_downgrade(parent);       /* Rc::downgrade */
        p->children[p->nchildren++] = cur_rc_clone(r); /* Rc::clone */
    }
    return r;
}

static void print_parent(cur_rc_t *child)
{
    node_t *n = cur_rc_get(child);
    cur_rc_t *p = cur_rc_weak_upgrade(n->parent); /* Option<Rc<Node>> */
    printf("  %s's parent: %s\n", n->name,
           p ? ((node_t *)cur_rc_get(p))->name : "(gone)");
    cur_rc_free(p); /* the upgrade made a strong handle: release it */
}

/* A shared, read-only configuration with one atomic counter (T: Sync). */
typedef struct config {
    int scale;
    atomic_long hits;
} config_t;

static void config_drop(void *value, const cur_alloc_t *a)
{
    (void)a;
    config_t *c = value;
    printf("  drop config (hits = %ld)\n", atomic_load(&c->hits));
}

static const cur_type_t config_type =
    CUR_TYPE_INIT(config_t, config_drop, NULL);

struct job {
    cur_arc_t *config; /* this thread's own strong handle, moved in */
    int id;
    long result;
};

static void *work(void *arg)
{
    struct job *j = arg;
    config_t *c = cur_arc_get(j->config);
    for (int i = 0; i < 1000; i++) atomic_fetch_add(&c->hits, 1);
    j->result = (long)c->scale * (j->id + 1);
    cur_arc_free(CUR_MOVE(j->config)); /* drop(config) on this thread */
    return NULL;
}

int main(void)
{
    printf("An Rc tree with Weak parent links:\n");
    cur_rc_t *root = node_new("root", NULL);
    cur_rc_t *leaf = node_new("leaf", root);
    cur_rc_t *twig = node_new("twig", root);
    cur_rc_free(CUR_MOVE(twig)); /* root still owns it */
    printf("  root: strong %td, weak %td\n", cur_rc_strong_count(root),
           cur_rc_weak_count(root));
    printf("  leaf: strong %td (main and root)\n", cur_rc_strong_count(leaf));
    print_parent(leaf);
    printf("Dropping root, while main still holds leaf:\n");
    cur_rc_free(CUR_MOVE(root));
    print_parent(leaf);
    cur_rc_free(CUR_MOVE(leaf));
    printf("  live blocks: %ld\n", atomic_load(&live_blocks));

    printf("A cycle of strong handles leaks:\n");
    cur_rc_t *x = node_new("x", NULL), *y = node_new("y", NULL);
    node_t *nx = cur_rc_get(x), *ny = cur_rc_get(y);
    nx->children[nx->nchildren++] = cur_rc_clone(y); /* x -> y */
    ny->children[ny->nchildren++] = cur_rc_clone(x); /* y -> x */
    cur_rc_weak_t *wx = cur_rc_downgrade(x);         /* to clean up later */
    cur_rc_free(CUR_MOVE(x));
    cur_rc_free(CUR_MOVE(y));
    printf("  both handles dropped, live blocks: %ld (each keeps the other)\n",
           atomic_load(&live_blocks));
    printf("Breaking the cycle by hand:\n");
    x = cur_rc_weak_upgrade(wx);
    nx = cur_rc_get(x);
    cur_rc_free(CUR_MOVE(nx->children[--nx->nchildren])); /* x drops y */
    cur_rc_free(CUR_MOVE(x));
    cur_rc_weak_free(CUR_MOVE(wx));
    printf("  live blocks: %ld\n", atomic_load(&live_blocks));

    printf("An Arc shared by four threads:\n");
    cur_arc_t *cfg;
    config_t init = {.scale = 7};
    if (cur_arc_new(&cfg, &counting, &config_type, &init) < 0) return 1;
    cur_arc_weak_t *watch = cur_arc_downgrade(cfg);
    struct job jobs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) /* Arc::clone, moved into each thread */
        jobs[i] = (struct job){.config = cur_arc_clone(cfg), .id = i};
    printf("  before spawning: strong %td\n", cur_arc_strong_count(cfg));
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, work, &jobs[i]);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    printf("  after joining: strong %td\n", cur_arc_strong_count(cfg));
    for (int i = 0; i < 4; i++)
        printf("  thread %d computed %ld\n", jobs[i].id, jobs[i].result);
    cur_arc_free(CUR_MOVE(cfg)); /* the last strong handle: drop runs here */
    cur_arc_t *again = cur_arc_weak_upgrade(watch);
    printf("  upgrade after the last strong: %s\n", again ? "alive" : "NULL");
    cur_arc_free(again);
    cur_arc_weak_free(CUR_MOVE(watch)); /* the last weak: memory freed */
    printf("  live blocks: %ld\n", atomic_load(&live_blocks));
    return 0;
}
