// SPDX-License-Identifier: GPL-2.0-or-later
/* cmocka_compat.h - include cmocka so the tests build on 1.1.5 (Debian 12) and on 2.x */
#ifndef NETD_CMOCKA_COMPAT_H
#define NETD_CMOCKA_COMPAT_H

/*
 * cmocka 1.1.x does not include what its header uses: va_list, size_t, uintptr_t and jmp_buf
 * must be declared first, in this order.  2.x includes them itself; including them again is
 * harmless.
 *
 * Only macros present in both versions are used by the tests: assert_true, assert_false,
 * assert_int_equal, assert_int_not_equal, assert_string_equal, assert_string_not_equal,
 * assert_memory_equal, assert_memory_not_equal, assert_non_null, assert_null, fail_msg,
 * print_message and skip.  Not assert_uint_equal and friends, which 1.1 lacks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

/* the automake exit-code protocol (STYLE rule 34) */
#define NETD_TEST_EXIT_SKIP 77
#define NETD_TEST_EXIT_HARD_ERROR 99

#endif /* NETD_CMOCKA_COMPAT_H */
