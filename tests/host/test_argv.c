/* Host tests for kernel/lib/argv.c: the Windows command-line rules. */
#include <string.h>

#include "lib/argv.h"
#include "test.h"

struct split {
    int status;
    int argc;
    char *argv[17];
    char buf[256];
};

/* Fills *s in place: argv points into s->buf, so the struct must not be copied. */
static struct split *split(struct split *s, const char *text)
{
    memset(s, 0, sizeof(*s));
    s->status = argv_split(text, s->buf, sizeof(s->buf), s->argv, 16, &s->argc);
    return s;
}

/* The examples table of Microsoft Learn, "Parsing C++ command-line arguments". */
TEST(microsoft_examples)
{
    struct split s;
    split(&s, "\"abc\" d e");
    CHECK_EQ(s.argc, 3);
    CHECK_STR_EQ(s.argv[0], "abc");
    CHECK_STR_EQ(s.argv[1], "d");
    CHECK_STR_EQ(s.argv[2], "e");

    split(&s, "a\\\\b d\"e f\"g h");
    CHECK_EQ(s.argc, 3);
    CHECK_STR_EQ(s.argv[0], "a\\\\b");
    CHECK_STR_EQ(s.argv[1], "de fg");
    CHECK_STR_EQ(s.argv[2], "h");

    split(&s, "a\\\\\\\"b c d");
    CHECK_EQ(s.argc, 3);
    CHECK_STR_EQ(s.argv[0], "a\\\"b");

    split(&s, "a\\\\\\\\\"b c\" d e");
    CHECK_EQ(s.argc, 3);
    CHECK_STR_EQ(s.argv[0], "a\\\\b c");
    CHECK_STR_EQ(s.argv[1], "d");

    split(&s, "a\"b\"\" c d");
    CHECK_EQ(s.argc, 1);
    CHECK_STR_EQ(s.argv[0], "ab\" c d");
}

TEST(blank_and_empty)
{
    struct split s;
    split(&s, "   \t  ");
    CHECK_EQ(s.status, ARGV_OK);
    CHECK_EQ(s.argc, 0);
    CHECK(s.argv[0] == NULL);

    split(&s, "\"\" x");
    CHECK_EQ(s.argc, 2);
    CHECK_STR_EQ(s.argv[0], "");
    CHECK(s.argv[2] == NULL);
}

TEST(unterminated_quote_runs_to_the_end)
{
    struct split s;
    split(&s, "a \"b c");
    CHECK_EQ(s.argc, 2);
    CHECK_STR_EQ(s.argv[1], "b c");
}

TEST(key_value_with_quotes)
{
    struct split s;
    split(&s, "test=\"a b\" loglevel=debug");
    CHECK_EQ(s.argc, 2);
    CHECK_STR_EQ(s.argv[0], "test=a b");
    CHECK_STR_EQ(s.argv[1], "loglevel=debug");
}

TEST(too_many_words_is_an_error)
{
    struct split s;
    split(&s, "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17");
    CHECK_EQ(s.status, ARGV_TOO_MANY);
    split(&s, "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16");
    CHECK_EQ(s.status, ARGV_OK);
    CHECK_EQ(s.argc, 16);
}

TEST(too_long_is_an_error)
{
    char buf[8];
    char *argv[4];
    int argc;
    CHECK_EQ(argv_split("abcdefgh", buf, sizeof(buf), argv, 3, &argc), ARGV_TOO_LONG);
    CHECK_EQ(argv_split("abcdefg", buf, sizeof(buf), argv, 3, &argc), ARGV_OK);
    CHECK_STR_EQ(argv[0], "abcdefg");
}

/* argv_word_start: where each word begins in the raw text, with argv_split's counting. */
TEST(word_start_points_into_the_raw_text)
{
    const char *text = "  a \"b c\" d\\\"e \"f \"\" g\"\th  ";
    CHECK(argv_word_start(text, 0) == text + 2);
    CHECK_STR_EQ(argv_word_start(text, 1), "\"b c\" d\\\"e \"f \"\" g\"\th  ");
    CHECK_STR_EQ(argv_word_start(text, 2), "d\\\"e \"f \"\" g\"\th  ");
    CHECK_STR_EQ(argv_word_start(text, 3), "\"f \"\" g\"\th  ");      /* "" inside quotes */
    CHECK_STR_EQ(argv_word_start(text, 4), "h  ");
    CHECK_STR_EQ(argv_word_start(text, 5), "");                       /* past the end */
    CHECK_STR_EQ(argv_word_start("", 0), "");

    /* The same count as argv_split: a quoted "--" is one word, not a separator. */
    struct split s;
    split(&s, "x \"-- y\" -- z");
    REQUIRE(s.argc == 4);
    CHECK_STR_EQ(argv_word_start("x \"-- y\" -- z", 2), "-- z");
    CHECK_STR_EQ(argv_word_start("x \"-- y\" -- z", 3), "z");
}
