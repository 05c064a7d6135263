#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* fds above this are not watched; the tests never get near it */
#define FD_SCAN_LIMIT 4096

static char open_before[FD_SCAN_LIMIT];

static int fd_scan_limit(void) {
  struct rlimit rl;

  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < FD_SCAN_LIMIT)
    return (int)rl.rlim_cur;
  return FD_SCAN_LIMIT;
}

static int fd_is_open(int fd) {
  return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

static void fd_snapshot(void) {
  int fd, limit = fd_scan_limit();

  memset(open_before, 0, sizeof(open_before));
  for (fd = 0; fd < limit; fd++)
    open_before[fd] = (char)fd_is_open(fd);
}

static void fd_compare(void) {
  char leaked[256] = "", closed[256] = "";
  size_t nl = 0, nc = 0;
  int fd, limit = fd_scan_limit();

  for (fd = 0; fd < limit; fd++) {
    int now = fd_is_open(fd);
    if (now && !open_before[fd] && nl < sizeof(leaked) - 8)
      nl += (size_t)snprintf(leaked + nl, sizeof(leaked) - nl, " %d", fd);
    if (!now && open_before[fd] && nc < sizeof(closed) - 8)
      nc += (size_t)snprintf(closed + nc, sizeof(closed) - nc, " %d", fd);
  }
  ck_assert_msg(nl == 0 && nc == 0,
                "fds leaked:%s; fds closed that were open before:%s",
                nl ? leaked : " none", nc ? closed : " none");
}

TCase *tu_tcase(Suite *s, const char *name) {
  TCase *tc = tcase_create(name);

  tcase_add_checked_fixture(tc, fd_snapshot, fd_compare);
  suite_add_tcase(s, tc);
  return tc;
}

int tu_run(Suite *s) {
  SRunner *sr = srunner_create(s);
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Unix socket paths must fit 107 bytes, so a short base beats $TMPDIR. */
char tu_tmpdir[] = "/tmp/llsock-check-XXXXXX";
static const char tmpdir_template[] = "/tmp/llsock-check-XXXXXX";

static int remove_entry(const char *path, const struct stat *st, int type,
                        struct FTW *ftw) {
  (void)st;
  (void)type;
  return ftw->level == 0 || remove(path) == 0 ? 0 : -1;
}

static void tmpdir_empty(void) {
  ck_assert_msg(nftw(tu_tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS) == 0,
                "emptying %s: %s", tu_tmpdir, strerror(errno));
}

static void tmpdir_make(void) {
  memcpy(tu_tmpdir, tmpdir_template, sizeof(tmpdir_template));
  ck_assert_msg(mkdtemp(tu_tmpdir) != NULL, "mkdtemp: %s", strerror(errno));
}

static void tmpdir_remove(void) {
  tmpdir_empty();
  ck_assert_msg(rmdir(tu_tmpdir) == 0, "rmdir %s: %s", tu_tmpdir,
                strerror(errno));
}

/*
 * The directory belongs to the test case and lives in the process that
 * runs it, so it is removed even when a forked test dies; each test starts
 * with it empty.
 */
void tu_use_tmpdir(TCase *tc) {
  tcase_add_unchecked_fixture(tc, tmpdir_make, tmpdir_remove);
  tcase_add_checked_fixture(tc, tmpdir_empty, NULL);
}

char *tu_tmppath(char buf[TU_PATHLEN], const char *name) {
  int n = snprintf(buf, TU_PATHLEN, "%s/%s", tu_tmpdir, name);

  ck_assert_int_lt(n, TU_PATHLEN);
  return buf;
}

size_t tu_abstract_name(char buf[TU_PATHLEN]) {
  static unsigned serial;
  int n;

  /* the pid keeps parallel test programs (and forked tests) apart */
  buf[0] = '\0';
  n = snprintf(buf + 1, TU_PATHLEN - 1, "llsock-check-%ld-%u", (long)getpid(),
               serial++);
  return (size_t)n + 1;
}

int tu_local_port(int fd) {
  llsock_addr addr;
  int port;

  ck_assert_int_eq(llsock_sockname(fd, &addr), 0);
  port = llsock_addr_port(&addr);
  ck_assert_int_gt(port, 0);
  return port;
}

char *tu_port_str(char buf[TU_PORTSTRLEN], int port) {
  snprintf(buf, TU_PORTSTRLEN, "%d", port);
  return buf;
}

int tu_tcp_listener(const char *host, char port[TU_PORTSTRLEN]) {
  int fd = llsock_inet_bind(host, NULL, SOCK_STREAM, 0);

  ck_assert_msg(fd >= 0, "bind %s: %s", host, llsock_errname(fd));
  ck_assert_int_eq(llsock_listen(fd, LLSOCK_BACKLOG), 0);
  tu_port_str(port, tu_local_port(fd));
  return fd;
}

void tu_tcp_pair(int *client, int *server) {
  char port[TU_PORTSTRLEN];
  int listener = tu_tcp_listener("127.0.0.1", port);

  *client = llsock_inet_connect("127.0.0.1", port, SOCK_STREAM, 0);
  ck_assert_int_ge(*client, 0);
  *server = llsock_accept(listener, NULL);
  ck_assert_int_ge(*server, 0);
  tu_close(listener);
}

void tu_udp_pair(int *a, int *b) {
  llsock_addr addr_a, addr_b;

  *a = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0);
  ck_assert_int_ge(*a, 0);
  *b = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0);
  ck_assert_int_ge(*b, 0);
  ck_assert_int_eq(llsock_sockname(*a, &addr_a), 0);
  ck_assert_int_eq(llsock_sockname(*b, &addr_b), 0);
  ck_assert_int_eq(llsock_connect(*a, &addr_b), 0);
  ck_assert_int_eq(llsock_connect(*b, &addr_a), 0);
}

void tu_unix_pair(int socktype, int *client, int *server) {
  char name[TU_PATHLEN];
  size_t len = tu_abstract_name(name);
  int listener = llsock_unix_bind(name, len, socktype, 0);

  ck_assert_int_ge(listener, 0);
  ck_assert_int_eq(llsock_listen(listener, LLSOCK_BACKLOG), 0);
  *client = llsock_unix_connect(name, len, socktype, 0);
  ck_assert_int_ge(*client, 0);
  *server = llsock_accept(listener, NULL);
  ck_assert_int_ge(*server, 0);
  tu_close(listener);
}

int tu_ipv6_usable(const char *test) {
  int fd = llsock_inet_bind("::1", NULL, SOCK_STREAM, 0);

  if (fd == -EADDRNOTAVAIL || fd == -EAFNOSUPPORT) {
    printf("SKIP %s: ::1 is not usable here (%s)\n", test,
           llsock_errname(fd));
    return 0;
  }
  ck_assert_msg(fd >= 0, "bind ::1: %s", llsock_errname(fd));
  tu_close(fd);
  return 1;
}

/* Exit codes of the tu_in_netns() child besides 0 (passed) and 1. */
enum { NETNS_SKIP = 77 };

static void netns_child(int out, const char *setup, tu_netns_fn *fn,
                        void *arg) {
  const char *msg;
  int rc;

  if (unshare(CLONE_NEWNET) == -1) {
    dprintf(out, "no network namespace here (unshare: %s)", strerror(errno));
    _exit(NETNS_SKIP);
  }
  if (setup != NULL) {
    rc = system(setup);
    if (rc != 0) {
      dprintf(out, "setup failed (%s %d; is iproute2 installed?): %s",
              WIFEXITED(rc) ? "exit status" : "wait status",
              WIFEXITED(rc) ? WEXITSTATUS(rc) : rc, setup);
      _exit(NETNS_SKIP);
    }
  }
  msg = fn(arg);
  if (msg != NULL && strncmp(msg, TU_NS_SKIP, strlen(TU_NS_SKIP)) == 0) {
    dprintf(out, "%s", msg + strlen(TU_NS_SKIP));
    _exit(NETNS_SKIP);
  }
  if (msg != NULL) {
    dprintf(out, "%s", msg);
    _exit(1);
  }
  _exit(0);
}

int tu_in_netns(const char *test, const char *setup, tu_netns_fn *fn,
                void *arg) {
  char msg[512];
  int pipefd[2], status;
  ssize_t n = 0, got;
  pid_t pid;

  /* close-on-exec: what setup leaves running must not hold the pipe */
  ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
  fflush(NULL);
  pid = fork();
  ck_assert_int_ne(pid, -1);
  if (pid == 0) {
    close(pipefd[0]);
    netns_child(pipefd[1], setup, fn, arg);
  }
  close(pipefd[1]);
  while ((size_t)n < sizeof(msg) - 1 &&
         (got = read(pipefd[0], msg + n, sizeof(msg) - 1 - (size_t)n)) > 0)
    n += got;
  msg[n] = '\0';
  close(pipefd[0]);
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert_msg(WIFEXITED(status), "%s: namespace child died", test);
  if (WEXITSTATUS(status) == NETNS_SKIP) {
    printf("SKIP %s: %s\n", test, msg);
    return 0;
  }
  ck_assert_msg(WEXITSTATUS(status) == 0, "%s (in a namespace): %s", test,
                msg);
  return 1;
}

void tu_assert_fd_mode(int fd, int nonblock) {
  ck_assert_msg(llsock_opt_get_cloexec(fd) == 1, "fd %d not close-on-exec", fd);
  ck_assert_msg(llsock_opt_get_nonblock(fd) == nonblock,
                "fd %d: nonblock is %d, want %d", fd,
                llsock_opt_get_nonblock(fd), nonblock);
}

short tu_wait(int fd, short events) {
  struct pollfd pfd = {.fd = fd, .events = events};
  int rc;

  do
    rc = poll(&pfd, 1, TU_WAIT_MS);
  while (rc == -1 && errno == EINTR);
  ck_assert_msg(rc == 1, "fd %d not ready for %#x within %d ms", fd,
                (unsigned)events, TU_WAIT_MS);
  return pfd.revents;
}

int tu_closed_fd(void) {
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(close(fd), 0);
  return fd;
}

void tu_pipe(int fds[2]) {
  ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
}

void tu_close(int fd) {
  ck_assert_int_eq(llsock_close(fd, LLSOCK_SHUT_NONE), 0);
}

void tu_close2(int a, int b) {
  tu_close(a);
  tu_close(b);
}
