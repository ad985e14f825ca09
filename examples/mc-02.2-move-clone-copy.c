/*
 * mc-02.2 Move Semantics vs Clone vs Copy
 *
 * Shows: Copy, where assignment duplicates a plain struct and both copies
 * stay usable; a move, where CUR_MOVE hands an owning pointer on and
 * nulls the source; Clone, an explicit deep copy through the clone
 * function in a type descriptor; and what happens when a type is not
 * Clone (an error code, not a crash) or claims Copy while owning memory.
 *
 * Build: cc -std=gnu17 examples/mc-02.2-move-clone-copy.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>
#include <curriculum/own.h>

#include <stdio.h>
#include <string.h>

/* #[derive(Clone, Copy)] struct Point { x: i32, y: i32 } */
typedef struct point {
    int x, y;
} point_t;

/* A Copy type's descriptor: a byte copy is its clone; nothing to drop. */
static const cur_type_t point_type = CUR_TYPE_COPY_INIT(point_t);

/*
 * struct Person { name: String, age: u32 } with #[derive(Clone)]. It owns
 * its name, so a byte copy would make two owners of one buffer: Person is
 * Clone but not Copy, and its clone allocates a new name.
 */
typedef struct person {
    char *name; /* owned, allocated through the box's allocator */
    int age;
} person_t;

static char *copy_str(const char *s, const cur_alloc_t *a)
{
    size_t n = strlen(s) + 1;
    char *p = a->alloc(a->ctx, (ptrdiff_t)n);
    if (p) memcpy(p, s, n);
    return p;
}

static void person_drop(void *value, const cur_alloc_t *a)
{
    person_t *p = value;
    printf("  drop %s\n", p->name);
    a->release(a->ctx, p->name, (ptrdiff_t)strlen(p->name) + 1);
}

/* impl Clone for Person: deep, and it may fail (an error, never a crash). */
static int person_clone(void *dst, const void *src, const cur_alloc_t *a)
{
    const person_t *s = src;
    char *name = copy_str(s->name, a);
    if (!name) return CUR_ENOMEM;
    *(person_t *)dst = (person_t){.name = name, .age = s->age};
    return 0;
}

static const cur_type_t person_type =
    CUR_TYPE_INIT(person_t, person_drop, person_clone);

/* The same struct without a clone function: not Clone, like a File. */
static const cur_type_t unique_person_type =
    CUR_TYPE_INIT(person_t, person_drop, NULL);

static int new_person(cur_box_t **out, const cur_type_t *t, const char *name,
                      int age)
{
    person_t p = {.name = copy_str(name, cur_alloc_default()), .age = age};
    if (!p.name) return CUR_ENOMEM;
    int rc = cur_box_new(out, NULL, t, &p); /* p moves into the box */
    if (rc < 0) person_drop(&p, cur_alloc_default());
    return rc;
}

static void show(const char *label, const cur_box_t *b)
{
    const person_t *p = cur_box_get(b);
    printf("  %s: %s, %d\n", label, p->name, p->age);
}

int main(void)
{
    printf("Copy: assignment duplicates a plain value\n");
    point_t a = {1, 2};
    point_t b = a; /* let b = a; a is still usable, because Point: Copy */
    b.x = 10;
    printf("  a = (%d, %d), b = (%d, %d)\n", a.x, a.y, b.x, b.y);

    printf("Move: the owning pointer changes hands\n");
    cur_box_t *alice = NULL;
    if (new_person(&alice, &person_type, "alice", 30) < 0) return 1;
    /*
     * let owner = alice; In C, `cur_box_t *owner = alice;` would copy the
     * pointer and leave two owners; freeing both is a double free.
     * CUR_MOVE takes the pointer and nulls the source.
     */
    cur_box_t *owner = CUR_MOVE(alice);
    printf("  alice is %s, owner is %s\n", alice ? "set" : "NULL",
           owner ? "set" : "NULL");
    show("owner", owner);

    printf("Clone: an explicit, deep copy\n");
    cur_box_t *twin = NULL;
    int rc = cur_box_clone(&twin, owner); /* let twin = owner.clone(); */
    if (rc < 0) return 1;
    person_t *t = cur_box_get_mut(twin);
    t->name[0] = 'A'; /* its own buffer: the original is unchanged */
    t->age = 31;
    show("owner", owner);
    show("twin ", twin);
    const person_t *o = cur_box_get(owner);
    printf("  separate names: %s\n", o->name != t->name ? "yes" : "no");

    printf("Not Clone: cloning is refused with an error code\n");
    cur_box_t *solo = NULL, *copy = NULL;
    if (new_person(&solo, &unique_person_type, "solo", 40) < 0) return 1;
    rc = cur_box_clone(&copy, solo);
    printf("  cur_box_clone: %s (%s), copy is %s\n", cur_err_name(rc),
           cur_strerror(rc), copy ? "set" : "NULL");

    printf("Copy with Drop: a descriptor that claims both is rejected\n");
    cur_type_t wrong = CUR_TYPE_COPY_INIT(person_t);
    wrong.drop = person_drop; /* a byte copy would share the name */
    printf("  cur_type_check: %s\n", cur_err_name(cur_type_check(&wrong)));

    printf("Copy types clone by bytes, even in a box\n");
    cur_box_t *p1 = NULL, *p2 = NULL;
    if (cur_box_new(&p1, NULL, &point_type, &a) < 0) return 1;
    if (cur_box_clone(&p2, p1) < 0) return 1;
    const point_t *q = cur_box_get(p2);
    printf("  clone of (%d, %d) is (%d, %d)\n", a.x, a.y, q->x, q->y);

    printf("Drops, one per owner:\n");
    cur_box_free(p2); /* Copy: nothing to drop, only memory to free */
    cur_box_free(p1);
    cur_box_free(solo);
    cur_box_free(twin);
    cur_box_free(owner);
    cur_box_free(alice); /* moved from: NULL, a no-op */
    return 0;
}
