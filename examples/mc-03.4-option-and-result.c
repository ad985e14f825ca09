/*
 * mc-03.4 Option<T> and Result<T, E> patterns
 *
 * Shows: why a sentinel return (-1, 0, NULL) loses information; typed
 * Option and Result values declared with CUR_OPTION_TYPE/CUR_RESULT_TYPE;
 * lookups that return an Option; unwrap_or, map and and_then on both; and
 * ok_or, which turns "absent" into an error with a code.
 *
 * Build: cc -std=gnu17 examples/mc-03.4-option-and-result.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>
#include <curriculum/result.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * C has no generics, so each Option<T> and Result<T, E> is declared once,
 * by name. Result's error type here is the library's int code (CUR_E*).
 */
CUR_OPTION_TYPE(opt_int, int);                 /* Option<i32> */
CUR_OPTION_TYPE(opt_str, const char *);        /* Option<&'static str> */
CUR_RESULT_TYPE(res_int, int, int);            /* Result<i32, code> */
CUR_RESULT_TYPE(res_f64, double, int);         /* Result<f64, code> */

/* Two small tables: which room each device sits in, and room readings. */
static const struct { const char *device, *room; } devices[] = {
    {"th-01", "attic"}, {"th-02", "cellar"}, {"th-03", "garden"},
};
static const struct { const char *room; int celsius; } readings[] = {
    {"attic", -1}, {"cellar", 12}, {"kitchen", 21},
};

/*
 * The C habit: return a value that "cannot" occur to mean "not found".
 * But -1 is a perfectly good temperature, so the caller cannot tell an
 * attic at -1 degrees from a room with no sensor at all.
 */
static int reading_or_minus_one(const char *room)
{
    for (ptrdiff_t i = 0; i < CUR_COUNTOF(readings); i++)
        if (strcmp(readings[i].room, room) == 0) return readings[i].celsius;
    return -1;
}

/* fn reading(room: &str) -> Option<i32>: absence is its own state. */
static opt_int reading(const char *room)
{
    for (ptrdiff_t i = 0; i < CUR_COUNTOF(readings); i++)
        if (strcmp(readings[i].room, room) == 0)
            return CUR_SOME(opt_int, readings[i].celsius);
    return CUR_NONE(opt_int);
}

/*
 * fn room_of(device: &str) -> Option<&str>. Rust's Option<&T> is itself a
 * nullable pointer, so a NULL return would carry the same information here;
 * the Option type only adds that the caller has to look at is_some first.
 */
static opt_str room_of(const char *device)
{
    for (ptrdiff_t i = 0; i < CUR_COUNTOF(devices); i++)
        if (strcmp(devices[i].device, device) == 0)
            return CUR_SOME(opt_str, devices[i].room);
    return CUR_NONE(opt_str);
}

/*
 * fn parse_celsius(text: &str) -> Result<i32, code>. atoi() would return 0
 * for "0" and for "zero" alike; a Result says which failure it was:
 * CUR_EPARSE for text that is not a number, CUR_ERANGE when the number
 * does not fit in an int.
 */
static res_int parse_celsius(const char *text)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0') return CUR_ERR(res_int, CUR_EPARSE);
    if (errno == ERANGE || v < INT_MIN || v > INT_MAX)
        return CUR_ERR(res_int, CUR_ERANGE);
    return CUR_OK(res_int, (int)v);
}

/* A second fallible step, for and_then: air temperatures on Earth. */
static res_int check_plausible(int celsius)
{
    if (celsius < -90 || celsius > 60) return CUR_ERR(res_int, CUR_EDOM);
    return CUR_OK(res_int, celsius);
}

/* A plain function T -> U, for map. */
static double to_fahrenheit(int celsius) { return celsius * 9.0 / 5.0 + 32.0; }

/* Printing in the shape of Rust's {:?}: Some(..)/None and Ok(..)/Err(..). */
static void show_opt(const char *what, opt_int o)
{
    if (o.is_some)
        printf("%-30s Some(%d)\n", what, o.value);
    else
        printf("%-30s None\n", what);
}

static void show_res(const char *what, res_f64 r)
{
    if (r.is_ok)
        printf("%-30s Ok(%.1f)\n", what, r.ok);
    else
        printf("%-30s Err(%s)\n", what, cur_err_name(r.err));
}

int main(void)
{
    printf("-- sentinels lose information --\n");
    printf("%-30s %d\n", "attic, sentinel", reading_or_minus_one("attic"));
    printf("%-30s %d\n", "garden, sentinel", reading_or_minus_one("garden"));
    printf("%-30s %d and %d\n", "atoi(\"0\"), atoi(\"zero\")", atoi("0"),
           atoi("zero"));

    printf("-- Option: absence is a state --\n");
    show_opt("reading(attic)", reading("attic"));
    show_opt("reading(garden)", reading("garden"));

    /* unwrap_or: the value, or a default when there is none. */
    int garden = CUR_UNWRAP_OPTION_OR(reading("garden"), 15);
    printf("%-30s %d\n", "reading(garden).unwrap_or(15)", garden);

    /*
     * and_then chains lookups that may each come up empty: device, then
     * room, then reading. th-03 has a room but no reading; th-99 has no
     * room, and and_then does not call reading() for it at all. Both end
     * in None: an Option says that something is missing, never what.
     */
    const char *ids[] = {"th-02", "th-03", "th-99"};
    for (ptrdiff_t i = 0; i < CUR_COUNTOF(ids); i++) {
        opt_int r = CUR_OPTION_AND_THEN(room_of(ids[i]), reading);
        char what[40];
        snprintf(what, sizeof what, "room_of(%s).and_then(..)", ids[i]);
        show_opt(what, r);
    }

    /*
     * ok_or: when the caller must report why something is missing, turn
     * None into an Err with a code, and Some(v) into Ok(v).
     */
    res_int lookup = CUR_OK_OR(res_int, reading("garden"), CUR_ENOENT);
    if (lookup.is_ok)
        printf("%-30s Ok(%d)\n", "reading(garden).ok_or(..)", lookup.ok);
    else
        printf("%-30s Err(%s)\n", "reading(garden).ok_or(..)",
               cur_err_name(lookup.err));

    printf("-- Result: failure with a reason --\n");
    const char *inputs[] = {"21", "zero", "99999999999", "75"};
    for (ptrdiff_t i = 0; i < CUR_COUNTOF(inputs); i++) {
        /*
         * Parse, then check, then convert, one step per statement. Each
         * step passes an Err through untouched, so the first failure is
         * the one that reaches the end. (Nesting these macros in one
         * expression trips -Wshadow, and reads worse anyway.)
         */
        res_int parsed = parse_celsius(inputs[i]);
        res_int checked = CUR_AND_THEN(parsed, check_plausible);
        res_f64 fahrenheit = CUR_MAP(res_f64, checked, to_fahrenheit);
        char what[40];
        snprintf(what, sizeof what, "\"%s\" in F", inputs[i]);
        show_res(what, fahrenheit);
    }

    /* unwrap_or on a Result drops the error and keeps going. */
    int fallback = CUR_UNWRAP_OR(parse_celsius("n/a"), 0);
    printf("%-30s %d\n", "parse(\"n/a\").unwrap_or(0)", fallback);
    return 0;
}
