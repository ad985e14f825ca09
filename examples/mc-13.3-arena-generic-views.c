/*
 * mc-13.3 Lifetime + Generics + Traits (Triple Combo)
 *
 * Shows: a generic container of borrowed views whose lifetime is an
 * arena's: the text is copied into the arena once, a Vec<&'a str> and a
 * HashMap<&'a str, u32> hold slices into that copy, and the containers'
 * own buffers come from the same arena through a cur_alloc_t adapter. The
 * traits are the function arguments: Ord for sorting (cur_str_cmp), Hash
 * and Eq for the map. One reset ends the lifetime of everything at once.
 *
 * Build: cc -std=gnu17 examples/mc-13.3-arena-generic-views.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/arena.h>
#include <curriculum/map.h>
#include <curriculum/result.h>
#include <curriculum/vec.h>

#include <stdio.h>
#include <string.h>

/*
 * The arena as an allocator hook, so that any container can live in it.
 * Growth copies into a new block and leaves the old one to the arena: it
 * is reclaimed with everything else when the region ends. Freeing is a
 * no-op. Alignment is that of max_align_t, what every hook promises.
 */
static long hook_calls; /* how often the containers asked for memory */

static void *arena_hook_alloc(void *ctx, ptrdiff_t size)
{
    void *p;
    hook_calls++;
    return cur_arena_alloc_into(ctx, size, (ptrdiff_t)_Alignof(max_align_t),
                                1, CUR_ARENA_NOZERO, &p) == 0
               ? p
               : NULL;
}

static void *arena_hook_resize(void *ctx, void *old, ptrdiff_t old_size,
                               ptrdiff_t new_size)
{
    void *p = arena_hook_alloc(ctx, new_size);
    if (p && old)
        memcpy(p, old, (size_t)(old_size < new_size ? old_size : new_size));
    return p;
}

static void arena_hook_release(void *ctx, void *p, ptrdiff_t size)
{
    (void)ctx, (void)p, (void)size; /* the region frees it */
}

/* Vec<&'a str> and HashMap<&'a str, u32>: the views borrow, never own. */
CUR_VEC_DECLARE(vec_str, cur_str_t);
CUR_MAP_DECLARE_STR(str_count, uint32_t);

/*
 * Rust:
 *     struct Index<'a> { words: Vec<&'a str>, counts: HashMap<&'a str, u32> }
 *     fn build<'a>(arena: &'a Bump, src: &str) -> Index<'a>
 *
 * Every pointer inside an index_t points into `perm`; the index is valid
 * exactly as long as that arena's region. In C the 'a is this comment and
 * the perm parameter; nothing checks it (ASan builds poison the region
 * once it ends, so a late use is reported).
 */
typedef struct index {
    cur_str_t text;     /* the arena's copy of the source */
    vec_str_t words;    /* views into text, in order */
    str_count_t counts; /* view -> occurrences */
} index_t;

static int index_build(index_t *ix, cur_arena_t *perm, const cur_alloc_t *hook,
                       const char *src)
{
    ptrdiff_t n = (ptrdiff_t)strlen(src);
    char *copy = CUR_ARENA_NEW_ARRAY_NOZERO(perm, char, n + 1);
    if (!copy) return CUR_ENOMEM;
    memcpy(copy, src, (size_t)n + 1);
    ix->text = (cur_str_t){copy, n};
    vec_str_init(&ix->words, hook);
    str_count_init_seeded(&ix->counts, hook, 7); /* fixed seed: reproducible */

    cur_str_split_t it = cur_str_split(ix->text, CUR_STR(" "));
    cur_str_t w;
    while (cur_str_split_next(&it, &w)) {
        if (w.len == 0) continue;
        uint32_t *count = NULL;
        CUR_TRY(vec_str_push(&ix->words, w));
        CUR_TRY(str_count_entry_or_default(&ix->counts, w, &count));
        ++*count;
    }
    return 0;
}

/* Ord for &str: the comparator is the trait impl handed to the sort. */
static int str_order(const cur_str_t *a, const cur_str_t *b)
{
    return cur_str_cmp(*a, *b);
}

int main(void)
{
    cur_arena_t arena;
    if (cur_arena_init(&arena, NULL, 0) != 0) return 1;
    cur_alloc_t hook = {arena_hook_alloc, arena_hook_resize,
                        arena_hook_release, &arena};

    /* The source lives in a buffer we will overwrite: the index must not
     * borrow from it, only from the arena's copy. */
    char line[] = "to be or not to be that is the question to ask";
    index_t ix;
    if (index_build(&ix, &arena, &hook, line) != 0) return 1;
    memset(line, '#', sizeof line - 1);

    printf("%td words, %td distinct, source buffer now \"%.8s...\"\n",
           ix.words.len, str_count_len(&ix.counts), line);

    /* Sort a second Vec<&'a str> of the distinct words, also in the arena. */
    vec_str_t distinct;
    vec_str_init(&distinct, &hook);
    str_count_iter_t it = str_count_iter(&ix.counts);
    const cur_str_t *k;
    while (str_count_iter_next(&it, &k, NULL))
        if (vec_str_push(&distinct, *k) != 0) return 1;
    vec_str_sort(&distinct, str_order);

    CUR_VEC_FOREACH(w, &distinct) {
        const uint32_t *c = str_count_get(&ix.counts, *w);
        printf("  %-9.*s %u  (offset %td in the arena copy)\n",
               CUR_STR_ARG(*w), c ? *c : 0, w->ptr - ix.text.ptr);
    }

    /* Every view points into the arena's copy, none into `line`. */
    bool all_inside = true;
    CUR_VEC_FOREACH(w, &ix.words)
        all_inside &= w->ptr >= ix.text.ptr &&
                      w->ptr + w->len <= ix.text.ptr + ix.text.len;
    printf("all views borrow the arena copy: %s\n", all_inside ? "yes" : "no");
    printf("container allocations served by the arena: %ld\n", hook_calls);

    /*
     * The end of 'a: one reset ends the text, both vectors and the map.
     * No destroy calls are needed (with this hook they free nothing).
     * Using ix, distinct or any view after this line is a use after the
     * lifetime; Rust would reject it, C compiles it, ASan reports it.
     */
    cur_arena_reset(&arena);
    printf("arena reset: index and views gone in one step\n");
    cur_arena_destroy(&arena);
    return 0;
}
