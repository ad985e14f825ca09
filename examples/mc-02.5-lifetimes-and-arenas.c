/*
 * mc-02.5 Lifetimes Explained Visually
 *
 * Shows: an arena region as a lifetime you can see: a long-lived arena
 * ('app) holds the configuration, each request gets a scratch arena
 * ('req) whose checkpoint is restored at the end of its block, and a
 * nested checkpoint ('tmp) ends even sooner. The program draws the
 * lifetimes as bars, one column per region, while it runs, and explains
 * what using a pointer after its region ends (use after reset) means,
 * without doing it.
 *
 * Build: cc -std=gnu17 examples/mc-02.5-lifetimes-and-arenas.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/arena.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * The lifetime diagram. Each region is a column: '#' on the line where a
 * value is born in it, '|' while the region lives, 'x' where it ends.
 * Rust draws the same bars beside code to explain 'a; here the program
 * draws them from what it actually does.
 */
enum { APP, REQ, TMP, NREGIONS };
static const char *const region_name[NREGIONS] = {"'app", "'req", "'tmp"};
static bool alive[NREGIONS];
static int step;

static void draw_header(void)
{
    printf("step");
    for (int r = 0; r < NREGIONS; r++) printf(" %-4s", region_name[r]);
    printf(" event\n");
}

static void draw(int region, char mark, const char *what)
{
    printf("%3d ", ++step);
    for (int r = 0; r < NREGIONS; r++) {
        char c = ' ';
        if (r == region) c = mark;
        else if (alive[r]) c = '|';
        printf("  %c  ", c);
    }
    printf("%s\n", what);
    if (region >= 0) alive[region] = mark != 'x';
}

/* A configuration that lives as long as the 'app arena. */
typedef struct config {
    const char *name; /* points into the arena */
    int retries;
} config_t;

/* Copies s into the arena: the copy lives as long as the arena's region. */
static char *arena_strdup(cur_arena_t *perm, const char *s)
{
    ptrdiff_t n = (ptrdiff_t)strlen(s) + 1;
    char *p = CUR_ARENA_NEW_ARRAY_NOZERO(perm, char, n);
    if (p) memcpy(p, s, (size_t)n);
    return p;
}

static config_t *config_new(cur_arena_t *perm, const char *name, int retries)
{
    config_t *c = CUR_ARENA_NEW(perm, config_t);
    if (!c) return NULL;
    c->name = arena_strdup(perm, name);
    c->retries = retries;
    return c->name ? c : NULL;
}

/*
 * Splits line at spaces into at most max words, each copied into the
 * arena `into`. The words live as long as that arena's current region.
 */
static int split_words(cur_arena_t *into, const char *line, char **words,
                       int max)
{
    int n = 0;
    while (*line && n < max) {
        while (*line == ' ') line++;
        size_t len = strcspn(line, " ");
        if (len == 0) break;
        char *w = CUR_ARENA_NEW_ARRAY(into, char, (ptrdiff_t)len + 1);
        if (!w) return -1;
        memcpy(w, line, len); /* zeroed: the terminator is already there */
        words[n++] = w;
        line += len;
    }
    return n;
}

/* Returns an upper-case copy of s, allocated in `into`. */
static char *shout(cur_arena_t *into, const char *s)
{
    char *u = arena_strdup(into, s);
    for (char *p = u; p && *p; p++) *p = (char)toupper((unsigned char)*p);
    return u;
}

static void handle(cur_arena_t *app, const config_t *cfg, const char *line,
                   int id)
{
    char what[96];
    /*
     * A scratch arena for this request that is not `app`. Its mark is
     * restored when this block ends: everything allocated through
     * req.arena dies at the closing brace, like a Rust value at the end
     * of its scope.
     */
    CUR_ARENA_SCRATCH(req, app);
    snprintf(what, sizeof what, "begin request %d", id);
    draw(REQ, '#', what);

    char *words[8];
    int n = split_words(req.arena, line, words, 8);
    if (n < 0) return;
    snprintf(what, sizeof what, "words = split(\"%s\"): %d words in 'req",
             line, n);
    draw(REQ, '|', what);

    /* A nested region: a checkpoint inside the request. */
    cur_arena_mark_t tmp = cur_arena_save(req.arena);
    char *loud = shout(req.arena, words[0]);
    snprintf(what, sizeof what, "loud = shout(words[0]) = %s, in 'tmp",
             loud ? loud : "?");
    draw(TMP, '#', what);
    uintptr_t loud_at = (uintptr_t)loud;
    cur_arena_restore(&tmp);
    draw(TMP, 'x', "restore: loud's region ends, words[] still live");

    /* The memory of 'tmp is handed out again, from the same place. */
    char *again = shout(req.arena, words[0]);
    snprintf(what, sizeof what, "the next allocation reuses loud's bytes: %s",
             (uintptr_t)again == loud_at ? "yes" : "no");
    draw(REQ, '|', what);
    cur_arena_restore(&tmp);

    snprintf(what, sizeof what, "%s says: %s (retries=%d, borrowed from 'app)",
             cfg->name, words[n - 1], cfg->retries);
    draw(REQ, '|', what);
    draw(REQ, 'x', "end of block: req's mark restored, words die");
}

int main(void)
{
    draw_header();
    cur_arena_t app;
    if (cur_arena_init(&app, NULL, 0) != 0) return 1;
    config_t *cfg = config_new(&app, "svc", 3);
    if (!cfg) return 1;
    draw(APP, '#', "cfg = config_new(&app): lives as long as 'app");

    const char *lines[] = {"hello lifetimes", "regions end all at once"};
    for (int i = 0; i < 2; i++) handle(&app, cfg, lines[i], i + 1);

    /*
     * Use after reset. cur_arena_reset ends 'app: cfg still holds an
     * address, but the arena will hand those bytes out again. Reading
     * cfg->name now would be a use after its lifetime. Rust rejects such a
     * program at compile time ("borrowed value does not live long
     * enough"); C compiles it. In an AddressSanitizer build the arena
     * poisons the region on reset, so the read stops the program with
     * "use-after-poison"; in a plain build it would read whatever the next
     * allocation wrote there. We only look at the address, never at the
     * bytes.
     */
    uintptr_t cfg_at = (uintptr_t)cfg;
    cur_arena_reset(&app);
    draw(APP, 'x', "cur_arena_reset(&app): cfg's region ends");
    config_t *next = config_new(&app, "other", 1);
    printf("\nafter the reset, a new config lands where cfg was: %s\n",
           next && (uintptr_t)next == cfg_at ? "yes" : "no");
    printf("so reading through the old cfg now would show \"%s\", not "
           "\"svc\":\n",
           next ? next->name : "?");
    printf("that is what a use after reset means.\n");
    cur_arena_destroy(&app);
    return 0;
}
