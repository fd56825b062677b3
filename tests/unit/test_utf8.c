// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_utf8.c - unit tests for user/utf8.c, the one UTF-8 check that the
 * writers, the sanitiser, the claims parser and the workloads share. */
#include "test.h"
#include "utf8.h"

#define U(s) ((const unsigned char *)(s))

TEST(utf8_seq_len_accepts_each_length)
{
	ASSERT_EQ_U64(utf8_seq_len(U("\xc3\xa9"), 2), 2);		/* é */
	ASSERT_EQ_U64(utf8_seq_len(U("\xe4\xb8\xad"), 3), 3);		/* 中 */
	ASSERT_EQ_U64(utf8_seq_len(U("\xf0\x9f\x98\x80"), 4), 4);	/* emoji */
	ASSERT_EQ_U64(utf8_seq_len(U("\xf4\x8f\xbf\xbf"), 4), 4);	/* U+10FFFF */
}

TEST(utf8_seq_len_rejects_what_rfc3629_forbids)
{
	ASSERT_EQ_U64(utf8_seq_len(U("a"), 1), 0);			/* ASCII */
	ASSERT_EQ_U64(utf8_seq_len(U("\x80"), 1), 0);			/* continuation */
	ASSERT_EQ_U64(utf8_seq_len(U("\xc0\xaf"), 2), 0);		/* overlong '/' */
	ASSERT_EQ_U64(utf8_seq_len(U("\xe0\x80\xaf"), 3), 0);		/* overlong */
	ASSERT_EQ_U64(utf8_seq_len(U("\xf0\x80\x80\xaf"), 4), 0);	/* overlong */
	ASSERT_EQ_U64(utf8_seq_len(U("\xed\xa0\x80"), 3), 0);		/* surrogate */
	ASSERT_EQ_U64(utf8_seq_len(U("\xf4\x90\x80\x80"), 4), 0);	/* > U+10FFFF */
	ASSERT_EQ_U64(utf8_seq_len(U("\xf5\x80\x80\x80"), 4), 0);
	ASSERT_EQ_U64(utf8_seq_len(U("\xe4\xb8" "a"), 3), 0);		/* cut short */
}

TEST(utf8_seq_len_never_reads_past_n)
{
	/* the bytes after n would complete the character: n must win */
	ASSERT_EQ_U64(utf8_seq_len(U("\xe4\xb8\xad"), 2), 0);
	ASSERT_EQ_U64(utf8_seq_len(U("\xf0\x9f\x98\x80"), 3), 0);
	ASSERT_EQ_U64(utf8_seq_len(U("\xc3\xa9"), 0), 0);
}

TEST(utf8_error_gives_the_offset_of_the_first_bad_byte)
{
	ASSERT_EQ_U64(utf8_error(U(""), 0), 0);
	ASSERT_EQ_U64(utf8_error(U("plain"), 5), 0);
	ASSERT_EQ_U64(utf8_error(U("\xe5\x85\xb1\xe4\xba\xab"), 6), 0);
	ASSERT_EQ_U64(utf8_error(U("ab\xff" "cd"), 5), 3);
	ASSERT_EQ_U64(utf8_error(U("ab\xe4\xb8"), 4), 3);	/* truncated at end */
	ASSERT_EQ_U64(utf8_error(U("\xc3\xa9\xed\xa0\x80"), 5), 3);
}
