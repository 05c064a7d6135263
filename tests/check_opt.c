#include "testutil.h"

#include <errno.h>
#include <math.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

/* CAP_NET_ADMIN, which SO_DEBUG needs to be turned on */
#define CAP_NET_ADMIN_BIT 12

typedef int (*opt_get_fn)(int fd);
typedef int (*opt_set_fn)(int fd, int value);
typedef int (*timeo_get_fn)(int fd, double *sec);
typedef int (*timeo_set_fn)(int fd, double sec);

static const struct flag_option {
  const char *name;
  opt_get_fn get;
  opt_set_fn set;
  int initial;          /* on a fresh llsock socket */
  int fd_flag;          /* an fcntl flag, so any fd has it */
  int udp_get_error;    /* what UDP says when the option is TCP's */
  int udp_set_error;
} flag_options[] = {
  {"cloexec", llsock_opt_get_cloexec, llsock_opt_set_cloexec, 1, 1, 0, 0},
  {"nonblock", llsock_opt_get_nonblock, llsock_opt_set_nonblock, 0, 1, 0, 0},
  /* IPPROTO_TCP on a UDP socket: Linux's getsockopt and setsockopt
   * disagree on the code */
  {"nodelay", llsock_opt_get_nodelay, llsock_opt_set_nodelay, 0, 0,
   -EOPNOTSUPP, -ENOPROTOOPT},
  {"reuseaddr", llsock_opt_get_reuseaddr, llsock_opt_set_reuseaddr, 0, 0, 0,
   0},
  {"broadcast", llsock_opt_get_broadcast, llsock_opt_set_broadcast, 0, 0, 0,
   0},
  {"debug", llsock_opt_get_debug, llsock_opt_set_debug, 0, 0, 0, 0},
  {"keepalive", llsock_opt_get_keepalive, llsock_opt_set_keepalive, 0, 0, 0,
   0},
  {"oobinline", llsock_opt_get_oobinline, llsock_opt_set_oobinline, 0, 0, 0,
   0},
  {"timestamp", llsock_opt_get_timestamp, llsock_opt_set_timestamp, 0, 0, 0,
   0},
};

static const struct size_option {
  const char *name;
  opt_get_fn get;
  opt_set_fn set;
} size_options[] = {
  {"rcvbuf", llsock_opt_get_rcvbuf, llsock_opt_set_rcvbuf},
  {"sndbuf", llsock_opt_get_sndbuf, llsock_opt_set_sndbuf},
  {"rcvlowat", llsock_opt_get_rcvlowat, llsock_opt_set_rcvlowat},
  {"sndlowat", llsock_opt_get_sndlowat, llsock_opt_set_sndlowat},
};

static const struct timeo_option {
  const char *name;
  timeo_get_fn get;
  timeo_set_fn set;
} timeo_options[] = {
  {"rcvtimeo", llsock_opt_get_rcvtimeo, llsock_opt_set_rcvtimeo},
  {"sndtimeo", llsock_opt_get_sndtimeo, llsock_opt_set_sndtimeo},
};

static const int socktypes[] = {SOCK_STREAM, SOCK_DGRAM};

static int socket_of(int socktype) {
  int fd = llsock_socket(AF_INET, socktype, 0, 0);

  ck_assert_int_ge(fd, 0);
  return fd;
}

static int has_net_admin(void) {
  char line[256];
  unsigned long long caps = 0;
  FILE *status = fopen("/proc/self/status", "re");

  ck_assert_ptr_nonnull(status);
  while (fgets(line, sizeof(line), status) != NULL)
    if (sscanf(line, "CapEff: %llx", &caps) == 1)
      break;
  fclose(status);
  return (caps >> CAP_NET_ADMIN_BIT) & 1;
}

/* ---- flags --------------------------------------------------------------- */

/* Read the default, turn on (with 1 and any nonzero value), turn off. */
static void assert_flag_round_trip(const struct flag_option *opt, int fd) {
  if (opt->get == llsock_opt_get_debug && !has_net_admin()) {
    ck_assert_int_eq(opt->set(fd, 1), -EACCES);
    return;
  }
  ck_assert_int_eq(opt->get(fd), opt->initial);
  ck_assert_int_eq(opt->set(fd, 1), 0);
  ck_assert_int_eq(opt->get(fd), 1);
  ck_assert_int_eq(opt->set(fd, 0), 0);
  ck_assert_int_eq(opt->get(fd), 0);
  ck_assert_int_eq(opt->set(fd, 42), 0);
  ck_assert_int_eq(opt->get(fd), 1);
}

START_TEST(flag_on_tcp) {
  /* Each flag option reads its default on TCP, then reads back each value
   * set, nonzero as 1. */
  int fd = socket_of(SOCK_STREAM);

  assert_flag_round_trip(&flag_options[_i], fd);
  tu_close(fd);
}
END_TEST

START_TEST(flag_on_udp) {
  /* Each flag option round-trips on UDP, except TCP's own, which UDP
   * refuses with Linux's exact codes. */
  const struct flag_option *opt = &flag_options[_i];
  int fd = socket_of(SOCK_DGRAM);

  if (opt->udp_get_error != 0) {
    ck_assert_int_eq(opt->get(fd), opt->udp_get_error);
    ck_assert_int_eq(opt->set(fd, 1), opt->udp_set_error);
  } else {
    assert_flag_round_trip(opt, fd);
  }
  tu_close(fd);
}
END_TEST

START_TEST(fd_flags_on_pipe) {
  /* cloexec and nonblock are fd flags, so they work on a pipe too. */
  int fds[2];

  tu_pipe(fds);
  ck_assert_int_eq(llsock_opt_get_cloexec(fds[0]), 1);
  ck_assert_int_eq(llsock_opt_set_cloexec(fds[0], 0), 0);
  ck_assert_int_eq(llsock_opt_get_cloexec(fds[0]), 0);
  ck_assert_int_eq(llsock_opt_set_cloexec(fds[0], 1), 0);
  ck_assert_int_eq(llsock_opt_get_nonblock(fds[1]), 0);
  ck_assert_int_eq(llsock_opt_set_nonblock(fds[1], 1), 0);
  ck_assert_int_eq(llsock_opt_get_nonblock(fds[1]), 1);
  tu_close2(fds[0], fds[1]);
}
END_TEST

/* ---- sizes --------------------------------------------------------------- */

START_TEST(buffer_sizes) {
  /* rcvbuf and sndbuf read back twice the bytes set (Linux reserves room
   * for its bookkeeping), on TCP and UDP; a negative size is -EINVAL. */
  int fd = socket_of(socktypes[_i]);
  size_t i;

  for (i = 0; i < 2; i++) {
    const struct size_option *opt = &size_options[i];
    ck_assert_int_gt(opt->get(fd), 0);
    ck_assert_int_eq(opt->set(fd, 16384), 0);
    ck_assert_int_eq(opt->get(fd), 32768);
    ck_assert_int_eq(opt->set(fd, -1), -EINVAL);
    ck_assert_int_eq(opt->get(fd), 32768);
  }
  tu_close(fd);
}
END_TEST

START_TEST(rcvlowat_round_trip) {
  /* rcvlowat starts at 1, reads back what is set, and 0 means 1; a negative
   * value is -EINVAL. */
  int fd = socket_of(socktypes[_i]);

  ck_assert_int_eq(llsock_opt_get_rcvlowat(fd), 1);
  ck_assert_int_eq(llsock_opt_set_rcvlowat(fd, 100), 0);
  ck_assert_int_eq(llsock_opt_get_rcvlowat(fd), 100);
  ck_assert_int_eq(llsock_opt_set_rcvlowat(fd, 0), 0);
  ck_assert_int_eq(llsock_opt_get_rcvlowat(fd), 1);
  ck_assert_int_eq(llsock_opt_set_rcvlowat(fd, -1), -EINVAL);
  tu_close(fd);
}
END_TEST

START_TEST(sndlowat_fixed_on_linux) {
  /* Linux reads sndlowat as 1 and refuses to set it: -ENOPROTOOPT; a
   * negative value is -EINVAL before the kernel is asked. */
  int fd = socket_of(socktypes[_i]);

  ck_assert_int_eq(llsock_opt_get_sndlowat(fd), 1);
  ck_assert_int_eq(llsock_opt_set_sndlowat(fd, 100), -ENOPROTOOPT);
  ck_assert_int_eq(llsock_opt_set_sndlowat(fd, -1), -EINVAL);
  ck_assert_int_eq(llsock_opt_get_sndlowat(fd), 1);
  tu_close(fd);
}
END_TEST

/* ---- timeouts ------------------------------------------------------------ */

/*
 * Linux keeps socket timeouts in jiffies, rounding up to whole ticks of
 * 1/HZ s, so what reads back depends on HZ.  One microsecond is one tick,
 * which gives HZ; the rest follows sock_set_timeout()/sock_get_timeout().
 */
static long kernel_hz(void) {
  struct timeval one_usec = {.tv_sec = 0, .tv_usec = 1}, tick;
  socklen_t len = sizeof(tick);
  int fd = socket_of(SOCK_DGRAM);

  ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &one_usec,
                              sizeof(one_usec)),
                   0);
  ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, &len), 0);
  tu_close(fd);
  ck_assert_int_eq(tick.tv_sec, 0);
  ck_assert_int_gt(tick.tv_usec, 0);
  return (1000000 + tick.tv_usec / 2) / tick.tv_usec;
}

/* The seconds a timeout of sec s + usec us reads back as. */
static double kernel_timeout(long sec, long usec) {
  long hz = kernel_hz(), usec_per_tick = 1000000 / hz;
  long ticks = sec * hz + (usec + usec_per_tick - 1) / usec_per_tick;

  return (double)(ticks / hz) + (double)(ticks % hz * 1000000 / hz) / 1e6;
}

static double timeout_after_set(const struct timeo_option *opt, int fd,
                                double sec) {
  double got = -1;

  ck_assert_int_eq(opt->set(fd, sec), 0);
  ck_assert_int_eq(opt->get(fd, &got), 0);
  return got;
}

START_TEST(timeout_fractions) {
  /* 1.5 s and 0.25 s read back as the kernel's tick rounding of exactly
   * that many microseconds (on HZ=100 or 1000: exactly 1.5 and 0.25). */
  const struct timeo_option *opt = &timeo_options[_i];
  int fd = socket_of(SOCK_STREAM);
  double got = -1;

  ck_assert_int_eq(opt->get(fd, &got), 0);
  ck_assert_double_eq(got, 0);
  ck_assert_double_eq(timeout_after_set(opt, fd, 1.5),
                      kernel_timeout(1, 500000));
  ck_assert_double_eq(timeout_after_set(opt, fd, 0.25),
                      kernel_timeout(0, 250000));
  ck_assert_double_eq(timeout_after_set(opt, fd, 0), 0);
  ck_assert_double_eq(timeout_after_set(opt, fd, 2147483646.0), 2147483646.0);
  tu_close(fd);
}
END_TEST

/*
 * BUG (reported to the lead): set_timeout() in sockopt.c adds 1 us whenever
 * (sec - tv_sec) * 1e6 carries binary noise above the whole microsecond, as
 * for 1.1 or 2.7; the kernel then rounds that extra microsecond up to a
 * whole tick, so 1.1 reads back as 1.104 on HZ=250 (1.101 on HZ=1000).
 */
START_TEST(timeout_fraction_not_bumped) {
  /* Decimal fractions such as 1.1 s and 2.7 s are set as exactly 1100000
   * and 2700000 us, not one microsecond (one tick) more. */
  const struct timeo_option *opt = &timeo_options[_i];
  int fd = socket_of(SOCK_STREAM);

  ck_assert_double_eq(timeout_after_set(opt, fd, 1.1),
                      kernel_timeout(1, 100000));
  ck_assert_double_eq(timeout_after_set(opt, fd, 2.7),
                      kernel_timeout(2, 700000));
  tu_close(fd);
}
END_TEST

START_TEST(timeout_tiny_is_not_zero) {
  /* A tiny positive timeout (1e-9 s) reads back as one tick, never as 0,
   * which would mean "no timeout". */
  const struct timeo_option *opt = &timeo_options[_i];
  int fd = socket_of(SOCK_DGRAM);
  double got = timeout_after_set(opt, fd, 1e-9);

  ck_assert_double_gt(got, 0);
  ck_assert_double_eq(got, kernel_timeout(0, 1));
  tu_close(fd);
}
END_TEST

static const double bad_timeouts[] = {
  -1.0, -1e-9, -1e-300, 2147483647.0, 1e300,
};

START_TEST(timeout_invalid) {
  /* A negative, NaN, infinite or unrepresentable timeout is -EINVAL and
   * leaves the timeout as it was; a NULL result pointer is -EINVAL. */
  int fd = socket_of(SOCK_STREAM);
  size_t i, j;

  for (i = 0; i < TU_COUNT(timeo_options); i++) {
    const struct timeo_option *opt = &timeo_options[i];
    double got = -1;
    ck_assert_int_eq(opt->set(fd, 1.5), 0);
    for (j = 0; j < TU_COUNT(bad_timeouts); j++)
      ck_assert_msg(opt->set(fd, bad_timeouts[j]) == -EINVAL, "%s %g",
                    opt->name, bad_timeouts[j]);
    ck_assert_int_eq(opt->set(fd, NAN), -EINVAL);
    ck_assert_int_eq(opt->set(fd, INFINITY), -EINVAL);
    ck_assert_int_eq(opt->set(fd, -INFINITY), -EINVAL);
    ck_assert_int_eq(opt->get(fd, &got), 0);
    ck_assert_double_eq(got, kernel_timeout(1, 500000));
    ck_assert_int_eq(opt->get(fd, NULL), -EINVAL);
  }
  tu_close(fd);
}
END_TEST

START_TEST(rcvtimeo_bounds_a_blocking_recv) {
  /* With rcvtimeo set, a blocking recv on an idle socket gives up with
   * -EAGAIN after about that long. */
  struct timespec start, end;
  double elapsed;
  int a, b;
  char byte;

  tu_udp_pair(&a, &b);
  ck_assert_int_eq(llsock_opt_set_rcvtimeo(b, 0.05), 0);
  clock_gettime(CLOCK_MONOTONIC, &start);
  ck_assert_int_eq(llsock_recv(b, &byte, 1, 0), -EAGAIN);
  clock_gettime(CLOCK_MONOTONIC, &end);
  elapsed = (double)(end.tv_sec - start.tv_sec) +
            (double)(end.tv_nsec - start.tv_nsec) / 1e9;
  ck_assert_double_ge(elapsed, 0.04);
  ck_assert_double_lt(elapsed, 2.0);
  tu_close2(a, b);
}
END_TEST

/* ---- generic getint / setint --------------------------------------------- */

START_TEST(generic_int_options) {
  /* getint/setint reach any integer option: what setint sets the named
   * getter reads, and getint reads read-only ones like SO_TYPE. */
  int fd = socket_of(SOCK_STREAM);

  ck_assert_int_eq(llsock_opt_setint(fd, SOL_SOCKET, SO_KEEPALIVE, 1), 0);
  ck_assert_int_eq(llsock_opt_get_keepalive(fd), 1);
  ck_assert_int_eq(llsock_opt_getint(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
  ck_assert_int_eq(llsock_opt_setint(fd, IPPROTO_TCP, TCP_NODELAY, 1), 0);
  ck_assert_int_eq(llsock_opt_getint(fd, IPPROTO_TCP, TCP_NODELAY), 1);
  ck_assert_int_eq(llsock_opt_getint(fd, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
  tu_close(fd);
}
END_TEST

START_TEST(generic_int_failures) {
  /* An unknown option name is -ENOPROTOOPT, an unknown level -EOPNOTSUPP,
   * a read-only option -ENOPROTOOPT to set. */
  int fd = socket_of(SOCK_STREAM);

  ck_assert_int_eq(llsock_opt_getint(fd, SOL_SOCKET, 9999), -ENOPROTOOPT);
  ck_assert_int_eq(llsock_opt_setint(fd, SOL_SOCKET, 9999, 1), -ENOPROTOOPT);
  ck_assert_int_eq(llsock_opt_getint(fd, 12345, 1), -EOPNOTSUPP);
  ck_assert_int_eq(llsock_opt_setint(fd, SOL_SOCKET, SO_TYPE, 1),
                   -ENOPROTOOPT);
  tu_close(fd);
}
END_TEST

/* ---- bad fds ------------------------------------------------------------- */

/* Every named option, read and set, fails with code on fd; with
 * fd_flags_work the fcntl flags succeed instead. */
static void assert_options_fail(int fd, int code, int fd_flags_work) {
  double sec;
  size_t i;

  for (i = 0; i < TU_COUNT(flag_options); i++) {
    int expect = fd_flags_work && flag_options[i].fd_flag ? 0 : code;
    ck_assert_msg(flag_options[i].set(fd, 1) == expect, "set %s",
                  flag_options[i].name);
    ck_assert_msg(flag_options[i].get(fd) == (expect ? code : 1), "get %s",
                  flag_options[i].name);
  }
  for (i = 0; i < TU_COUNT(size_options); i++) {
    ck_assert_msg(size_options[i].get(fd) == code, "get %s",
                  size_options[i].name);
    ck_assert_msg(size_options[i].set(fd, 4096) == code, "set %s",
                  size_options[i].name);
  }
  for (i = 0; i < TU_COUNT(timeo_options); i++) {
    ck_assert_msg(timeo_options[i].get(fd, &sec) == code, "get %s",
                  timeo_options[i].name);
    ck_assert_msg(timeo_options[i].set(fd, 1.0) == code, "set %s",
                  timeo_options[i].name);
  }
  ck_assert_int_eq(llsock_opt_getint(fd, SOL_SOCKET, SO_TYPE), code);
  ck_assert_int_eq(llsock_opt_setint(fd, SOL_SOCKET, SO_KEEPALIVE, 1), code);
}

START_TEST(options_on_closed_fd) {
  /* Every option call on an fd that is not open is -EBADF. */
  assert_options_fail(tu_closed_fd(), -EBADF, 0);
}
END_TEST

START_TEST(options_on_pipe) {
  /* Every socket option on a pipe is -ENOTSOCK; only cloexec and nonblock
   * apply. */
  int fds[2];

  tu_pipe(fds);
  assert_options_fail(fds[0], -ENOTSOCK, 1);
  tu_close2(fds[0], fds[1]);
}
END_TEST

int main(void) {
  Suite *s = suite_create("opt");
  TCase *tc = tu_tcase(s, "flags");

  tcase_add_loop_test(tc, flag_on_tcp, 0, (int)TU_COUNT(flag_options));
  tcase_add_loop_test(tc, flag_on_udp, 0, (int)TU_COUNT(flag_options));
  tcase_add_test(tc, fd_flags_on_pipe);

  tc = tu_tcase(s, "sizes");
  tcase_add_loop_test(tc, buffer_sizes, 0, (int)TU_COUNT(socktypes));
  tcase_add_loop_test(tc, rcvlowat_round_trip, 0, (int)TU_COUNT(socktypes));
  tcase_add_loop_test(tc, sndlowat_fixed_on_linux, 0, (int)TU_COUNT(socktypes));

  tc = tu_tcase(s, "timeouts");
  tcase_add_loop_test(tc, timeout_fractions, 0, (int)TU_COUNT(timeo_options));
  tcase_add_loop_test(tc, timeout_tiny_is_not_zero, 0,
                      (int)TU_COUNT(timeo_options));
  tcase_add_test(tc, timeout_invalid);
  tcase_add_test(tc, rcvtimeo_bounds_a_blocking_recv);

  tc = tu_tcase(s, "timeout-rounding");
  tcase_add_loop_test(tc, timeout_fraction_not_bumped, 0,
                      (int)TU_COUNT(timeo_options));

  tc = tu_tcase(s, "generic");
  tcase_add_test(tc, generic_int_options);
  tcase_add_test(tc, generic_int_failures);
  tcase_add_test(tc, options_on_closed_fd);
  tcase_add_test(tc, options_on_pipe);
  return tu_run(s);
}
