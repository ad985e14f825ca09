/*
 * mc-01.2 Primitive Types & Type Inference
 *
 * Shows: the fixed-width integer types that stand for Rust's i8 ... u64,
 * with their ranges; __auto_type as Rust's `let` with an inferred type, and
 * the integer promotion that makes C infer int where Rust keeps u8; what
 * overflow does under checked, wrapping, saturating and overflowing
 * arithmetic from curriculum/num.h; and parsing text into integers with
 * every kind of error reported.
 *
 * Build: cc -std=gnu17 examples/mc-01.2-integer-arithmetic.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>
#include <curriculum/num.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The Rust name of an expression's type, chosen at compile time. */
#define TYPE_NAME(x)                                                         \
    _Generic((x),                                                            \
        int8_t: "i8",                                                        \
        int16_t: "i16",                                                      \
        int32_t: "i32",                                                      \
        int64_t: "i64",                                                      \
        uint8_t: "u8",                                                       \
        uint16_t: "u16",                                                     \
        uint32_t: "u32",                                                     \
        uint64_t: "u64",                                                     \
        double: "f64",                                                       \
        default: "other")

static void show_types(void)
{
    printf("-- fixed-width types --\n");
    printf("i8   %d ..= %d\n", INT8_MIN, INT8_MAX);
    printf("u8   0 ..= %d\n", UINT8_MAX);
    printf("i16  %d ..= %d\n", INT16_MIN, INT16_MAX);
    printf("u16  0 ..= %d\n", UINT16_MAX);
    printf("i32  %" PRId32 " ..= %" PRId32 "\n", INT32_MIN, INT32_MAX);
    printf("u32  0 ..= %" PRIu32 "\n", UINT32_MAX);
    printf("i64  %" PRId64 " ..= %" PRId64 "\n", INT64_MIN, INT64_MAX);
    printf("u64  0 ..= %" PRIu64 "\n", UINT64_MAX);
}

static void show_inference(void)
{
    printf("-- __auto_type as let --\n");
    /*
     * let a = 200u8; The type comes from the initializer, so the
     * initializer must carry it: C literals have no u8 suffix, a cast does.
     */
    __auto_type a = (uint8_t)200;
    __auto_type b = (uint8_t)100;
    __auto_type big = INT64_C(5000000000); /* let big = 5_000_000_000i64; */
    __auto_type ratio = 0.5;               /* let ratio = 0.5; (f64) */
    printf("a: %s, big: %s, ratio: %s\n", TYPE_NAME(a), TYPE_NAME(big),
           TYPE_NAME(ratio));
    /*
     * In Rust, a + b is a u8 and 200 + 100 overflows (a panic in debug
     * builds). In C, both operands are promoted to int before the addition,
     * so the sum is an int holding 300, and __auto_type infers int. Storing
     * it back into a uint8_t would keep 44 without a word; -Wconversion
     * flags that line.
     */
    __auto_type sum = a + b;
    printf("a + b: %s = %d (C promotes u8 operands to int)\n",
           TYPE_NAME(sum), sum);
    /* const __auto_type is Rust's plain immutable let. */
    const __auto_type answer = (uint16_t)42;
    printf("answer: %s = %u\n", TYPE_NAME(answer), answer);
}

static void show_overflow(void)
{
    printf("-- overflow, made explicit --\n");
    const uint8_t a = 200, b = 100;
    uint8_t out = 0;

    /* a.checked_add(b): None, and out is left alone. */
    if (cur_checked_add(a, b, &out))
        printf("checked_add(200u8, 100)     = Some(%u)\n", out);
    else
        printf("checked_add(200u8, 100)     = None\n");
    /* a.wrapping_add(b): 300 mod 256. */
    printf("wrapping_add(200u8, 100)    = %u\n", cur_wrapping_add(a, b));
    /* a.saturating_add(b): clamped to u8::MAX. */
    printf("saturating_add(200u8, 100)  = %u\n", cur_saturating_add(a, b));
    /* a.overflowing_add(b): the wrapped value and a flag. */
    const bool overflowed = cur_overflowing_add(a, b, &out);
    printf("overflowing_add(200u8, 100) = (%u, %s)\n", out,
           overflowed ? "true" : "false");

    /* The same operation on an int fits: the type picks the limits. */
    int wide = 0;
    if (cur_checked_add(200, 100, &wide))
        printf("checked_add(200i32, 100)    = Some(%d)\n", wide);

    /* Signed edge cases that are undefined behaviour with plain C ops. */
    int32_t q = 0;
    printf("checked_div(i32::MIN, -1)   = %s\n",
           cur_checked_div_i32(INT32_MIN, -1, &q) ? "Some" : "None");
    printf("checked_div(7i32, 0)        = %s\n",
           cur_checked_div_i32(7, 0, &q) ? "Some" : "None");
    printf("wrapping_neg(i32::MIN)      = %" PRId32 "\n",
           cur_wrapping_neg_i32(INT32_MIN));
    printf("saturating_mul(i64::MAX, 2) = %" PRId64 "\n",
           cur_saturating_mul_i64(INT64_MAX, 2));
    printf("saturating_sub(5u32, 9)     = %" PRIu32 "\n",
           cur_saturating_sub_u32(5, 9));
    printf("checked_shl(1u32, 31)       = %s\n",
           cur_checked_shl_u32(1, 31, &(uint32_t){0}) ? "Some" : "None");
    printf("checked_shl(1u32, 32)       = %s\n",
           cur_checked_shl_u32(1, 32, &(uint32_t){0}) ? "Some" : "None");
    printf("wrapping_shl(1u32, 33)      = %" PRIu32 "\n",
           cur_wrapping_shl_u32(1, 33));
    printf("-7i32 >> 1                  = %" PRId32 "\n",
           cur_wrapping_shr_i32(-7, 1));
}

/*
 * A checked computation that gives up at the first overflow, the way
 * Rust's `?` on checked_* results does: the factorial of n as an i64.
 */
static bool factorial_i64(int64_t n, int64_t *out)
{
    int64_t acc = 1;
    for (int64_t k = 2; k <= n; k++)
        if (!cur_checked_mul(acc, k, &acc)) return false;
    *out = acc;
    return true;
}

static void show_parsing(void)
{
    printf("-- parsing: i64::from_str_radix --\n");
    static const struct {
        const char *text;
        int base;
    } inputs[] = {
        {"42", 10},
        {"-17", 10},
        {"+8", 10},
        {"ff", 16},
        {"-1010", 2},
        {"zz", 36},
        {"9223372036854775807", 10},
        {"9223372036854775808", 10},
        {"", 10},
        {"-", 10},
        {" 42", 10},
        {"12a", 10},
        {"0x1f", 16},
        {"42", 1},
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        const char *text = inputs[i].text;
        int64_t v = 0;
        const int rc = cur_num_parse_i64(text, (ptrdiff_t)strlen(text),
                                         inputs[i].base, &v);
        if (rc == 0)
            printf("\"%s\" base %d -> Ok(%" PRId64 ")\n", text,
                   inputs[i].base, v);
        else
            printf("\"%s\" base %d -> Err(%s: %s)\n", text, inputs[i].base,
                   cur_err_name(rc), cur_strerror(rc));
    }

    /* Unsigned types accept '+' but not '-', not even "-0". */
    uint64_t u = 0;
    const int rc = cur_num_parse_u64("-0", 2, 10, &u);
    printf("u64 \"-0\" -> %s\n", rc == 0 ? "Ok" : cur_err_name(rc));

    /* The text need not be NUL-terminated: parse the first 4 bytes. */
    const char *line = "2024-06-01";
    int32_t year = 0;
    if (cur_num_parse_i32(line, 4, 10, &year) == 0)
        printf("year = %" PRId32 "\n", year);

    /* Formatting goes the other way, in any base (Rust's {:b}, {:x}). */
    char buf[CUR_NUM_FORMAT_MAX];
    (void)cur_num_format_u64(buf, (ptrdiff_t)sizeof buf, 2024, 2);
    printf("2024 in base 2 = %s\n", buf);
    (void)cur_num_format_i64(buf, (ptrdiff_t)sizeof buf, -255, 16);
    printf("-255 in base 16 = %s\n", buf);
}

int main(void)
{
    show_types();
    show_inference();
    show_overflow();
    int64_t f = 0;
    printf("-- checked chains --\n");
    for (int64_t n = 19; n <= 21; n++) {
        if (factorial_i64(n, &f))
            printf("%" PRId64 "! = %" PRId64 "\n", n, f);
        else
            printf("%" PRId64 "! overflows i64\n", n);
    }
    show_parsing();
    return 0;
}
