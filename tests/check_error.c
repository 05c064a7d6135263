#include "testutil.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <string.h>

static const struct {
  int code;
  const char *name;
  const char *message;
} errno_codes[] = {
  {-EPERM, "EPERM", "Operation not permitted"},
  {-ENOENT, "ENOENT", "No such file or directory"},
  {-EINTR, "EINTR", "Interrupted system call"},
  {-EBADF, "EBADF", "Bad file descriptor"},
  {-EAGAIN, "EAGAIN", "Resource temporarily unavailable"},
  {-EACCES, "EACCES", "Permission denied"},
  {-EINVAL, "EINVAL", "Invalid argument"},
  {-EMFILE, "EMFILE", "Too many open files"},
  {-EPIPE, "EPIPE", "Broken pipe"},
  {-ENAMETOOLONG, "ENAMETOOLONG", "File name too long"},
  {-ENOTSOCK, "ENOTSOCK", "Socket operation on non-socket"},
  {-EDESTADDRREQ, "EDESTADDRREQ", "Destination address required"},
  {-EPROTOTYPE, "EPROTOTYPE", "Protocol wrong type for socket"},
  {-ENOPROTOOPT, "ENOPROTOOPT", "Protocol not available"},
  {-EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported"},
  {-EAFNOSUPPORT, "EAFNOSUPPORT",
   "Address family not supported by protocol"},
  {-EADDRINUSE, "EADDRINUSE", "Address already in use"},
  {-EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address"},
  {-ENETUNREACH, "ENETUNREACH", "Network is unreachable"},
  {-ECONNRESET, "ECONNRESET", "Connection reset by peer"},
  {-EISCONN, "EISCONN", "Transport endpoint is already connected"},
  {-ENOTCONN, "ENOTCONN", "Transport endpoint is not connected"},
  {-ETIMEDOUT, "ETIMEDOUT", "Connection timed out"},
  {-ECONNREFUSED, "ECONNREFUSED", "Connection refused"},
  {-EHOSTUNREACH, "EHOSTUNREACH", "No route to host"},
  {-EINPROGRESS, "EINPROGRESS", "Operation now in progress"},
};

static const struct {
  int code;
  int eai;
  const char *name;
} eai_codes[] = {
  {LLSOCK_EAI_AGAIN, EAI_AGAIN, "EAI_AGAIN"},
  {LLSOCK_EAI_BADFLAGS, EAI_BADFLAGS, "EAI_BADFLAGS"},
  {LLSOCK_EAI_FAIL, EAI_FAIL, "EAI_FAIL"},
  {LLSOCK_EAI_FAMILY, EAI_FAMILY, "EAI_FAMILY"},
  {LLSOCK_EAI_MEMORY, EAI_MEMORY, "EAI_MEMORY"},
  {LLSOCK_EAI_NONAME, EAI_NONAME, "EAI_NONAME"},
  {LLSOCK_EAI_SERVICE, EAI_SERVICE, "EAI_SERVICE"},
  {LLSOCK_EAI_SOCKTYPE, EAI_SOCKTYPE, "EAI_SOCKTYPE"},
  {LLSOCK_EAI_OVERFLOW, EAI_OVERFLOW, "EAI_OVERFLOW"},
  {LLSOCK_EAI_NODATA, EAI_NODATA, "EAI_NODATA"},
  {LLSOCK_EAI_ADDRFAMILY, EAI_ADDRFAMILY, "EAI_ADDRFAMILY"},
};

/* Codes that are neither an errno nor a resolver code. */
static const int unknown_codes[] = {
  1, ECONNREFUSED, INT_MAX, -4095, -99999, LLSOCK_EAI_BASE,
  LLSOCK_EAI_UNKNOWN - 1, INT_MIN + 1,
};

START_TEST(zero_is_success) {
  /* Code 0 reads as success in both the message and the name. */
  ck_assert_str_eq(llsock_strerror(0), "Success");
  ck_assert_str_eq(llsock_errname(0), "OK");
}
END_TEST

START_TEST(errno_code_named_and_described) {
  /* A negated errno value gets its symbolic name and libc's message. */
  ck_assert_str_eq(llsock_errname(errno_codes[_i].code), errno_codes[_i].name);
  ck_assert_str_eq(llsock_strerror(errno_codes[_i].code),
                   errno_codes[_i].message);
}
END_TEST

START_TEST(eai_code_named_and_described) {
  /* Each LLSOCK_EAI_* code is a resolver code named EAI_* with gai_strerror's
   * message. */
  ck_assert(LLSOCK_IS_EAI(eai_codes[_i].code));
  ck_assert_str_eq(llsock_errname(eai_codes[_i].code), eai_codes[_i].name);
  ck_assert_str_eq(llsock_strerror(eai_codes[_i].code),
                   gai_strerror(eai_codes[_i].eai));
}
END_TEST

START_TEST(eai_unknown_named_and_described) {
  /* LLSOCK_EAI_UNKNOWN, the resolver code with no getaddrinfo twin, has its
   * own name and message. */
  ck_assert(LLSOCK_IS_EAI(LLSOCK_EAI_UNKNOWN));
  ck_assert_str_eq(llsock_errname(LLSOCK_EAI_UNKNOWN), "EAI_UNKNOWN");
  ck_assert_str_eq(llsock_strerror(LLSOCK_EAI_UNKNOWN),
                   "Unknown resolver error");
}
END_TEST

START_TEST(eai_codes_distinct_from_errno) {
  /* The resolver range holds exactly the twelve LLSOCK_EAI_* codes and no
   * errno value. */
  int code, count = 0;

  for (code = -1; code >= LLSOCK_EAI_UNKNOWN - 100; code--)
    count += LLSOCK_IS_EAI(code) != 0;
  ck_assert_int_eq(count, 12);
  ck_assert(!LLSOCK_IS_EAI(-ECONNREFUSED));
  ck_assert(!LLSOCK_IS_EAI(LLSOCK_EAI_BASE));
  ck_assert(!LLSOCK_IS_EAI(LLSOCK_EAI_UNKNOWN - 1));
}
END_TEST

START_TEST(unknown_code_has_fallback_text) {
  /* A code that names no error (positive, out of range, INT_MIN) gets the
   * fallback name and message, never NULL. */
  ck_assert_str_eq(llsock_errname(unknown_codes[_i]), "UNKNOWN");
  ck_assert_str_eq(llsock_strerror(unknown_codes[_i]), "Unknown error");
}
END_TEST

/*
 * BUG (reported to the lead): error.c negates the code (-code) to look it
 * up, which overflows for INT_MIN; the sanitizer build aborts here.
 */
START_TEST(int_min_has_fallback_text) {
  /* INT_MIN, the one int whose negation overflows, still gets the fallback
   * name and message. */
  ck_assert_str_eq(llsock_errname(INT_MIN), "UNKNOWN");
  ck_assert_str_eq(llsock_strerror(INT_MIN), "Unknown error");
}
END_TEST

START_TEST(every_small_code_has_text) {
  /* Every code from the errno range through the resolver range yields a
   * non-empty name and message. */
  int code;

  for (code = LLSOCK_EAI_UNKNOWN - 10; code <= 10; code++) {
    ck_assert_ptr_nonnull(llsock_errname(code));
    ck_assert_ptr_nonnull(llsock_strerror(code));
    ck_assert_int_gt(strlen(llsock_errname(code)), 0);
    ck_assert_int_gt(strlen(llsock_strerror(code)), 0);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("error");
  TCase *tc = tu_tcase(s, "codes");

  tcase_add_test(tc, zero_is_success);
  tcase_add_loop_test(tc, errno_code_named_and_described, 0,
                      (int)TU_COUNT(errno_codes));
  tcase_add_loop_test(tc, eai_code_named_and_described, 0,
                      (int)TU_COUNT(eai_codes));
  tcase_add_test(tc, eai_unknown_named_and_described);
  tcase_add_test(tc, eai_codes_distinct_from_errno);
  tcase_add_loop_test(tc, unknown_code_has_fallback_text, 0,
                      (int)TU_COUNT(unknown_codes));
  tcase_add_test(tc, every_small_code_has_text);

  tc = tu_tcase(s, "int-min");
  tcase_add_test(tc, int_min_has_fallback_text);
  return tu_run(s);
}
