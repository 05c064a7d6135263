#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char file_text[] = "0123456789abcdefghijklmnopqrstuvwxyz";

/* A file in the test's temp dir holding file_text, open for reading. */
static int text_file(void) {
  char path[TU_PATHLEN];
  int fd = open(tu_tmppath(path, "text"), O_RDWR | O_CREAT | O_TRUNC, 0600);

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, file_text, sizeof(file_text) - 1),
                   (ssize_t)sizeof(file_text) - 1);
  ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
  return fd;
}

static void same_file(int a, int b) {
  struct stat sa, sb;

  ck_assert_int_eq(fstat(a, &sa), 0);
  ck_assert_int_eq(fstat(b, &sb), 0);
  ck_assert(sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

/* socketpair gives two connected, close-on-exec sockets, non-blocking on
 * request. */
START_TEST(socketpair_connected) {
  int fds[2], type;
  char buf[4];

  for (type = 0; type < 2; type++) {
    int socktype = type ? SOCK_DGRAM : SOCK_STREAM;
    ck_assert_int_eq(llsock_socketpair(AF_UNIX, socktype, 0, fds), 0);
    ck_assert_int_eq(llsock_type(fds[0]), socktype);
    ck_assert_int_eq(llsock_opt_get_cloexec(fds[1]), 1);
    ck_assert_int_eq(llsock_opt_get_nonblock(fds[1]), 0);
    ck_assert_int_eq(llsock_send(fds[0], "hey", 3, 0), 3);
    ck_assert_int_eq(llsock_recv(fds[1], buf, sizeof(buf), 0), 3);
    ck_assert_int_eq(memcmp(buf, "hey", 3), 0);
    tu_close2(fds[0], fds[1]);
  }
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, LLSOCK_NONBLOCK,
                                     fds), 0);
  ck_assert_int_eq(llsock_opt_get_nonblock(fds[0]), 1);
  ck_assert_int_eq(llsock_recv(fds[0], buf, sizeof(buf), 0), -EAGAIN);
  tu_close2(fds[0], fds[1]);
}
END_TEST

/* socketpair refuses bad flags, a NULL array and families without pairs. */
START_TEST(socketpair_bad_input) {
  int fds[2];

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, LLSOCK_REUSEADDR,
                                     fds), -EINVAL);
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, NULL), -EINVAL);
  ck_assert_int_eq(llsock_socketpair(AF_INET, SOCK_STREAM, 0, fds),
                   -EOPNOTSUPP);
}
END_TEST

/* 0, 1, several and LLSOCK_MAX_FDS descriptors each arrive intact,
 * close-on-exec, naming the same open files. */
START_TEST(fds_round_trip) {
  static const size_t counts[] = {0, 1, 3, LLSOCK_MAX_FDS};
  int pair[2], sent[LLSOCK_MAX_FDS], got[LLSOCK_MAX_FDS], file, msgflags;
  size_t i, c, n;
  char byte;

  file = text_file();
  for (i = 0; i < LLSOCK_MAX_FDS; i++)
    sent[i] = file;
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
    ck_assert_int_eq(llsock_sendfds(pair[0], "x", 1, sent, counts[c], 0), 1);
    n = LLSOCK_MAX_FDS;
    ck_assert_int_eq(llsock_recvfds(pair[1], &byte, 1, got, &n, &msgflags, 0),
                     1);
    ck_assert_uint_eq(n, counts[c]);
    ck_assert_int_eq(msgflags & MSG_CTRUNC, 0);
    for (i = 0; i < n; i++) {
      ck_assert_int_eq(llsock_opt_get_cloexec(got[i]), 1);
      same_file(got[i], file);
      close(got[i]);
    }
  }
  tu_close2(pair[0], pair[1]);
  close(file);
}
END_TEST

/* When more fds come than the receiver has room for, all of them are
 * closed and MSG_CTRUNC says so (the fixture would catch a leak). */
START_TEST(fds_truncated_are_closed) {
  int pair[2], sent[3], got[2], msgflags, file;
  size_t n = 2;
  char byte;

  file = text_file();
  sent[0] = sent[1] = sent[2] = file;
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_DGRAM, 0, pair), 0);
  ck_assert_int_eq(llsock_sendfds(pair[0], "x", 1, sent, 3, 0), 1);
  ck_assert_int_eq(llsock_recvfds(pair[1], &byte, 1, got, &n, &msgflags, 0),
                   1);
  ck_assert_uint_eq(n, 0);
  ck_assert_int_ne(msgflags & MSG_CTRUNC, 0);
  /* no room at all: the fds are dropped too */
  ck_assert_int_eq(llsock_sendfds(pair[0], "y", 1, sent, 1, 0), 1);
  n = 0;
  ck_assert_int_eq(llsock_recvfds(pair[1], &byte, 1, NULL, &n, NULL, 0), 1);
  ck_assert_uint_eq(n, 0);
  tu_close2(pair[0], pair[1]);
  close(file);
}
END_TEST

/* Credentials and timestamps arriving with the fds take control room of
 * their own, not the fds': 1 fd with room for 1 or 3 arrives, and a
 * message without fds is not reported as truncated. */
START_TEST(fds_arrive_with_other_control) {
  static const int options[][2] = {
      {SO_PASSCRED, 0}, {SO_TIMESTAMP, 0}, {SO_TIMESTAMPNS, 0},
      {SO_PASSCRED, SO_TIMESTAMP}, {SO_PASSCRED, SO_TIMESTAMPNS}};
  static const int socktypes[] = {SOCK_DGRAM, SOCK_STREAM, SOCK_SEQPACKET};
  int pair[2], got[3], msgflags, file = text_file();
  size_t o, t, room, n;
  char byte;

  for (t = 0; t < TU_COUNT(socktypes); t++) {
    for (o = 0; o < TU_COUNT(options); o++) {
      ck_assert_int_eq(llsock_socketpair(AF_UNIX, socktypes[t], 0, pair), 0);
      ck_assert_int_eq(llsock_opt_setint(pair[1], SOL_SOCKET, options[o][0], 1),
                       0);
      if (options[o][1] != 0)
        ck_assert_int_eq(
            llsock_opt_setint(pair[1], SOL_SOCKET, options[o][1], 1), 0);
      for (room = 1; room <= 3; room += 2) {
        ck_assert_int_eq(llsock_sendfds(pair[0], "x", 1, &file, 1, 0), 1);
        n = room;
        msgflags = -1;
        ck_assert_int_eq(
            llsock_recvfds(pair[1], &byte, 1, got, &n, &msgflags, 0), 1);
        ck_assert_msg(n == 1 && (msgflags & MSG_CTRUNC) == 0,
                      "socktype %d, options %d+%d, room %zu: %zu fds, "
                      "flags %#x", socktypes[t], options[o][0], options[o][1],
                      room, n, (unsigned)msgflags);
        same_file(got[0], file);
        close(got[0]);
      }
      ck_assert_int_eq(llsock_send(pair[0], "y", 1, 0), 1);
      n = 0;
      ck_assert_int_eq(
          llsock_recvfds(pair[1], &byte, 1, NULL, &n, &msgflags, 0), 1);
      ck_assert_uint_eq(n, 0);
      ck_assert_int_eq(msgflags & MSG_CTRUNC, 0);
      tu_close2(pair[0], pair[1]);
    }
  }
  close(file);
}
END_TEST

/* recvmsg with a short control buffer closes what arrived and leaves -1. */
START_TEST(recvmsg_ctrunc_marks_slots) {
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int))];
  } control;
  int pair[2], sent[2], file, slot;
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

  file = text_file();
  sent[0] = sent[1] = file;
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_DGRAM, 0, pair), 0);
  ck_assert_int_eq(llsock_sendfds(pair[0], "x", 1, sent, 2, 0), 1);
  msg.msg_control = control.buf;
  msg.msg_controllen = CMSG_LEN(sizeof(int));
  ck_assert_int_eq(llsock_recvmsg(pair[1], &msg, 0), 1);
  ck_assert_int_ne(msg.msg_flags & MSG_CTRUNC, 0);
  ck_assert_ptr_nonnull(CMSG_FIRSTHDR(&msg));
  memcpy(&slot, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(slot));
  ck_assert_int_eq(slot, -1);
  tu_close2(pair[0], pair[1]);
  close(file);
}
END_TEST

/* A control buffer off struct cmsghdr's alignment is -EINVAL before
 * anything is received: the message stays queued. */
START_TEST(recvmsg_misaligned_control) {
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int)) + 8];
  } control;
  int pair[2];
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  llsock_mmsg mmsg = {.hdr = msg};

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_DGRAM, 0, pair), 0);
  ck_assert_int_eq(llsock_sendfds(pair[0], "x", 1, pair, 1, 0), 1);
  for (size_t skew = 1; skew < sizeof(size_t); skew++) {
    msg.msg_control = control.buf + skew;
    msg.msg_controllen = CMSG_SPACE(sizeof(int));
    ck_assert_int_eq(llsock_recvmsg(pair[1], &msg, 0), -EINVAL);
    mmsg.hdr = msg;
    ck_assert_int_eq(llsock_recvmmsg(pair[1], &mmsg, 1, 0), -EINVAL);
  }
  msg.msg_control = control.buf;
  ck_assert_int_eq(llsock_recvmsg(pair[1], &msg, 0), 1);
  ck_assert_int_eq(msg.msg_flags & MSG_CTRUNC, 0);
  ck_assert_ptr_nonnull(CMSG_FIRSTHDR(&msg));
  close(*(int *)CMSG_DATA(CMSG_FIRSTHDR(&msg)));
  tu_close2(pair[0], pair[1]);
}
END_TEST

/* llsock_msg_layout() puts the control room first, where the block's own
 * alignment serves struct cmsghdr, and the data after it. */
START_TEST(msg_layout_aligns_control) {
  for (size_t controllen = 0; controllen < 80; controllen++) {
    union {
      struct cmsghdr align;
      char buf[256];
    } block;
    struct msghdr msg;
    char *data;

    memset(&msg, 0, sizeof(msg));
    ck_assert_uint_ge(llsock_msg_space(13, controllen), 13 + controllen);
    data = llsock_msg_layout(&msg, block.buf, controllen);
    ck_assert_ptr_eq(data + 13, block.buf + llsock_msg_space(13, controllen));
    if (controllen == 0) {
      ck_assert_ptr_null(msg.msg_control);
    } else {
      ck_assert_ptr_eq(msg.msg_control, block.buf);
      ck_assert_uint_eq(msg.msg_controllen, controllen);
    }
    ck_assert_uint_ge((size_t)(data - block.buf), controllen);
  }
  ck_assert_uint_eq(llsock_msg_space(SIZE_MAX, 1), 0);
  ck_assert_uint_eq(llsock_msg_space(1, SIZE_MAX), 0);
}
END_TEST

/* fds with no data would vanish on a stream socket: that is -EINVAL; a
 * datagram socket carries them in an empty message. */
START_TEST(fds_need_data_on_streams) {
  int pair[2], got[1], file = text_file();
  size_t n = 1;
  char byte;

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  ck_assert_int_eq(llsock_sendfds(pair[0], "", 0, &file, 1, 0), -EINVAL);
  tu_close2(pair[0], pair[1]);
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_DGRAM, 0, pair), 0);
  ck_assert_int_eq(llsock_sendfds(pair[0], "", 0, &file, 1, 0), 0);
  ck_assert_int_eq(llsock_recvfds(pair[1], &byte, 1, got, &n, NULL, 0), 0);
  ck_assert_uint_eq(n, 1);
  same_file(got[0], file);
  close(got[0]);
  tu_close2(pair[0], pair[1]);
  close(file);
}
END_TEST

/* Bad fd lists and NULL messages are refused before any syscall. */
START_TEST(fds_bad_input) {
  int pair[2], fds[LLSOCK_MAX_FDS + 1] = {0};
  size_t n = 1;
  char byte;

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  ck_assert_int_eq(llsock_sendfds(pair[0], "x", 1, fds, LLSOCK_MAX_FDS + 1, 0),
                   -EINVAL);
  ck_assert_int_eq(llsock_sendfds(pair[0], "x", 1, NULL, 1, 0), -EINVAL);
  ck_assert_int_eq(llsock_sendfds(pair[0], NULL, 1, fds, 1, 0), -EINVAL);
  fds[0] = tu_closed_fd();
  ck_assert_int_eq(llsock_sendfds(pair[0], "x", 1, fds, 1, 0), -EBADF);
  ck_assert_int_eq(llsock_recvfds(pair[1], &byte, 1, fds, NULL, NULL, 0),
                   -EINVAL);
  ck_assert_int_eq(llsock_recvfds(pair[1], &byte, 1, NULL, &n, NULL, 0),
                   -EINVAL);
  ck_assert_int_eq(llsock_sendmsg(pair[0], NULL, 0), -EINVAL);
  ck_assert_int_eq(llsock_recvmsg(pair[1], NULL, 0), -EINVAL);
  ck_assert_int_eq(llsock_sendfds(tu_closed_fd(), "x", 1, NULL, 0, 0), -EBADF);
  tu_close2(pair[0], pair[1]);
}
END_TEST

static void recv_exact(int fd, const char *want, size_t len) {
  char buf[sizeof(file_text)];
  size_t got = 0;

  while (got < len) {
    ssize_t n;
    tu_wait(fd, POLLIN);
    n = llsock_recv(fd, buf + got, len - got, 0);
    ck_assert_int_gt(n, 0);
    got += (size_t)n;
  }
  ck_assert_int_eq(memcmp(buf, want, len), 0);
}

/* sendfile sends from an offset (advancing it) or from the file position,
 * and stops short at end of file. */
START_TEST(sendfile_offsets) {
  int pair[2], file = text_file();
  off_t offset = 10;

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  ck_assert_int_eq(llsock_sendfile(pair[0], file, &offset, 5), 5);
  ck_assert_int_eq(offset, 15);
  recv_exact(pair[1], "abcde", 5);
  ck_assert_int_eq(lseek(file, 0, SEEK_CUR), 0);

  ck_assert_int_eq(llsock_sendfile(pair[0], file, NULL, 4), 4);
  ck_assert_int_eq(lseek(file, 0, SEEK_CUR), 4);
  recv_exact(pair[1], "0123", 4);

  offset = 30;
  ck_assert_int_eq(llsock_sendfile(pair[0], file, &offset, 100), 6);
  recv_exact(pair[1], "uvwxyz", 6);
  ck_assert_int_eq(llsock_sendfile(pair[0], file, &offset, 100), 0);
  tu_close2(pair[0], pair[1]);
  close(file);
}
END_TEST

/* A pipe cannot feed sendfile(2): the copy fallback sends it all. */
START_TEST(sendfile_from_pipe) {
  int pair[2], pipefd[2];

  tu_pipe(pipefd);
  ck_assert_int_eq(write(pipefd[1], "piped", 5), 5);
  close(pipefd[1]);
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  ck_assert_int_eq(llsock_sendfile(pair[0], pipefd[0], NULL, 100), 5);
  recv_exact(pair[1], "piped", 5);
  tu_close2(pair[0], pair[1]);
  close(pipefd[0]);
}
END_TEST

/* A full non-blocking socket makes sendfile stop short, then -EAGAIN. */
START_TEST(sendfile_partial_when_full) {
  int pair[2], file = text_file();
  off_t offset = 0;
  ssize_t n;
  int rounds = 0;

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, LLSOCK_NONBLOCK,
                                     pair), 0);
  while ((n = llsock_send(pair[0], file_text, sizeof(file_text) - 1, 0)) > 0)
    ck_assert_int_lt(++rounds, 1000000);
  ck_assert_int_eq(n, -EAGAIN);
  ck_assert_int_eq(llsock_sendfile(pair[0], file, &offset, 10), -EAGAIN);
  ck_assert_int_eq(offset, 0);
  tu_close2(pair[0], pair[1]);
  close(file);
}
END_TEST

/* Fill a non-blocking socket until it takes no more. */
static void fill_socket(int fd) {
  static const char chunk[4096];
  int rounds = 0;
  ssize_t n;

  while ((n = llsock_send(fd, chunk, sizeof(chunk), 0)) > 0)
    ck_assert_int_lt(++rounds, 100000);
  ck_assert_int_eq(n, -EAGAIN);
}

/* Read what is left in a pipe without waiting; the byte count. */
static size_t drain_pipe(int fd, char *buf, size_t size) {
  size_t got = 0;
  ssize_t n;

  ck_assert_int_eq(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
  while (got < size && (n = read(fd, buf + got, size - got)) > 0)
    got += (size_t)n;
  return got;
}

/* From a pipe into a full non-blocking socket, sendfile returns -EAGAIN at
 * once (no wait) and takes nothing from the pipe; once there is room it
 * sends the bytes, in order. */
START_TEST(sendfile_pipe_to_full_socket_loses_nothing) {
  int pair[2], pipefd[2];
  char buf[64], sink[65536];
  ssize_t n;

  tu_pipe(pipefd);
  ck_assert_int_eq(write(pipefd[1], file_text, 36), 36);
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, LLSOCK_NONBLOCK,
                                     pair), 0);
  fill_socket(pair[0]);
  ck_assert_int_eq(llsock_sendfile(pair[0], pipefd[0], NULL, 36), -EAGAIN);
  ck_assert_int_eq(llsock_sendfile(pair[0], pipefd[0], NULL, 10), -EAGAIN);
  while (llsock_recv(pair[1], sink, sizeof(sink), 0) > 0)
    ;
  n = llsock_sendfile(pair[0], pipefd[0], NULL, 10);
  ck_assert_int_eq(n, 10);
  ck_assert_int_eq(llsock_recv(pair[1], buf, sizeof(buf), 0), 10);
  ck_assert_mem_eq(buf, file_text, 10);
  ck_assert_uint_eq(drain_pipe(pipefd[0], buf, sizeof(buf)), 26);
  ck_assert_mem_eq(buf, file_text + 10, 26);
  tu_close2(pair[0], pair[1]);
  tu_close2(pipefd[0], pipefd[1]);
}
END_TEST

static void on_alarm(int sig) {
  (void)sig;
}

/* A signal interrupts a sendfile from a pipe blocked on a full socket:
 * it returns -EINTR or a short count, and every byte it did not send is
 * still in the pipe. */
START_TEST(sendfile_pipe_interrupted_loses_nothing) {
  struct sigaction sa, saved;
  struct itimerval tick = {.it_value = {.tv_usec = 50000}};
  int pair[2], pipefd[2];
  char buf[4096];
  ssize_t n;
  size_t left;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  tu_pipe(pipefd);
  memset(buf, 'p', sizeof(buf));
  ck_assert_int_eq(write(pipefd[1], buf, sizeof(buf)), (ssize_t)sizeof(buf));
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, LLSOCK_NONBLOCK,
                                     pair), 0);
  fill_socket(pair[0]);
  ck_assert_int_eq(llsock_opt_set_nonblock(pair[0], 0), 0);
  ck_assert_int_eq(sigaction(SIGALRM, &sa, &saved), 0);
  ck_assert_int_eq(setitimer(ITIMER_REAL, &tick, NULL), 0);
  n = llsock_sendfile(pair[0], pipefd[0], NULL, sizeof(buf));
  ck_assert_int_eq(sigaction(SIGALRM, &saved, NULL), 0);
  ck_assert_msg(n == -EINTR || (n >= 0 && n < (ssize_t)sizeof(buf)),
                "sendfile returned %zd", n);
  left = drain_pipe(pipefd[0], buf, sizeof(buf));
  ck_assert_uint_eq(left, sizeof(buf) - (n > 0 ? (size_t)n : 0));
  tu_close2(pair[0], pair[1]);
  tu_close2(pipefd[0], pipefd[1]);
}
END_TEST

/* From a stream socket only what was sent is taken from it; a datagram
 * socket, whose datagrams cannot be taken in part, is -EINVAL with
 * nothing taken. */
START_TEST(sendfile_from_sockets) {
  int pair[2], src[2];
  char buf[8], sink[65536];

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, LLSOCK_NONBLOCK,
                                     pair), 0);
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, src), 0);
  ck_assert_int_eq(llsock_send(src[0], "abcdef", 6, 0), 6);
  ck_assert_int_eq(llsock_sendfile(pair[0], src[1], NULL, 2), 2);
  ck_assert_int_eq(llsock_recv(pair[1], buf, sizeof(buf), 0), 2);
  ck_assert_mem_eq(buf, "ab", 2);
  fill_socket(pair[0]);
  ck_assert_int_eq(llsock_sendfile(pair[0], src[1], NULL, 4), -EAGAIN);
  while (llsock_recv(pair[1], sink, sizeof(sink), 0) > 0)
    ;
  ck_assert_int_eq(llsock_sendfile(pair[0], src[1], NULL, 100), 4);
  ck_assert_int_eq(llsock_recv(pair[1], buf, sizeof(buf), 0), 4);
  ck_assert_mem_eq(buf, "cdef", 4);
  ck_assert_int_eq(llsock_sendfile(pair[0], src[1], NULL, 100), -EAGAIN);
  tu_close2(src[0], src[1]);

  /* a socket's own peer as the source: what the call sends arrives back
   * in it, and a non-blocking call still ends, with what was queued */
  ck_assert_int_eq(llsock_send(pair[0], "loop", 4, 0), 4);
  ck_assert_int_eq(llsock_sendfile(pair[0], pair[1], NULL, SSIZE_MAX), 4);
  ck_assert_int_eq(llsock_recv(pair[1], buf, sizeof(buf), 0), 4);
  ck_assert_mem_eq(buf, "loop", 4);
  ck_assert_int_eq(llsock_recv(pair[1], buf, sizeof(buf), 0), -EAGAIN);

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_DGRAM, 0, src), 0);
  ck_assert_int_eq(llsock_send(src[0], "abc", 3, 0), 3);
  ck_assert_int_eq(llsock_sendfile(pair[0], src[1], NULL, 3), -EINVAL);
  ck_assert_int_eq(llsock_recv(src[1], buf, sizeof(buf), 0), 3);
  tu_close2(pair[0], pair[1]);
  tu_close2(src[0], src[1]);
}
END_TEST

/* sendfile refuses a negative offset and reports bad descriptors. */
START_TEST(sendfile_bad_input) {
  int pair[2], file = text_file();
  off_t offset = -1;

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  ck_assert_int_eq(llsock_sendfile(pair[0], file, &offset, 1), -EINVAL);
  ck_assert_int_eq(llsock_sendfile(pair[0], tu_closed_fd(), NULL, 1), -EBADF);
  ck_assert_int_eq(llsock_sendfile(tu_closed_fd(), file, NULL, 1), -EBADF);
  tu_close2(pair[0], pair[1]);
  close(file);
}
END_TEST

/* One sendmmsg call sends every datagram and one recvmmsg call receives
 * them all, each with its length and sender. */
START_TEST(batch_round_trip) {
  enum { N = 8 };
  llsock_mmsg out[N], in[N];
  struct iovec oiov[N], iiov[N];
  char text[N][8], buf[N][16];
  llsock_addr from[N], addr_a;
  int a, b, i;

  tu_udp_pair(&a, &b);
  ck_assert_int_eq(llsock_sockname(a, &addr_a), 0);
  memset(out, 0, sizeof(out));
  memset(in, 0, sizeof(in));
  for (i = 0; i < N; i++) {
    snprintf(text[i], sizeof(text[i]), "msg %d", i);
    oiov[i] = (struct iovec){text[i], strlen(text[i])};
    out[i].hdr.msg_iov = &oiov[i];
    out[i].hdr.msg_iovlen = 1;
    iiov[i] = (struct iovec){buf[i], sizeof(buf[i])};
    in[i].hdr.msg_iov = &iiov[i];
    in[i].hdr.msg_iovlen = 1;
    in[i].hdr.msg_name = &from[i].u.sa;
    in[i].hdr.msg_namelen = sizeof(from[i].u.storage);
  }
  ck_assert_int_eq(llsock_sendmmsg(a, out, N, 0), N);
  for (i = 0; i < N; i++)
    ck_assert_uint_eq(out[i].len, strlen(text[i]));
  tu_wait(b, POLLIN);
  ck_assert_int_eq(llsock_recvmmsg(b, in, N, MSG_DONTWAIT), N);
  for (i = 0; i < N; i++) {
    ck_assert_uint_eq(in[i].len, strlen(text[i]));
    ck_assert_int_eq(memcmp(buf[i], text[i], in[i].len), 0);
    from[i].len = in[i].hdr.msg_namelen;
    ck_assert(llsock_addr_equal(&from[i], &addr_a));
  }
  ck_assert_int_eq(llsock_recvmmsg(b, in, N, MSG_DONTWAIT), -EAGAIN);
  tu_close2(a, b);
}
END_TEST

/* MSG_WAITFORONE returns what has arrived instead of waiting for n. */
START_TEST(batch_waitforone) {
  llsock_mmsg in[4];
  struct iovec iov[4];
  char buf[4][8];
  int a, b, i;

  tu_udp_pair(&a, &b);
  memset(in, 0, sizeof(in));
  for (i = 0; i < 4; i++) {
    iov[i] = (struct iovec){buf[i], sizeof(buf[i])};
    in[i].hdr.msg_iov = &iov[i];
    in[i].hdr.msg_iovlen = 1;
  }
  ck_assert_int_eq(llsock_send(a, "one", 3, 0), 3);
  tu_wait(b, POLLIN);
  ck_assert_int_eq(llsock_recvmmsg(b, in, 4, MSG_WAITFORONE), 1);
  ck_assert_uint_eq(in[0].len, 3);
  tu_close2(a, b);
}
END_TEST

/* Batches refuse NULL arrays, too many messages and closed fds. */
START_TEST(batch_bad_input) {
  llsock_mmsg one;

  memset(&one, 0, sizeof(one));
  ck_assert_int_eq(llsock_sendmmsg(0, NULL, 1, 0), -EINVAL);
  ck_assert_int_eq(llsock_recvmmsg(0, NULL, 1, 0), -EINVAL);
  ck_assert_int_eq(llsock_sendmmsg(0, &one, LLSOCK_MAX_BATCH + 1, 0),
                   -EINVAL);
  ck_assert_int_eq(llsock_recvmmsg(0, &one, LLSOCK_MAX_BATCH + 1, 0),
                   -EINVAL);
  ck_assert_int_eq(llsock_sendmmsg(tu_closed_fd(), &one, 1, 0), -EBADF);
  ck_assert_int_eq(llsock_recvmmsg(tu_closed_fd(), &one, 1, 0), -EBADF);
}
END_TEST

/* Receives a datagram sent to b with room for ancillary data. */
static ssize_t recv_with_control(int b, char *control, size_t size,
                                 struct msghdr *msg) {
  static char byte[4];
  static struct iovec iov = {byte, sizeof(byte)};

  memset(msg, 0, sizeof(*msg));
  msg->msg_iov = &iov;
  msg->msg_iovlen = 1;
  msg->msg_control = control;
  msg->msg_controllen = size;
  tu_wait(b, POLLIN);
  return llsock_recvmsg(b, msg, 0);
}

/* IP_PKTINFO and SO_TIMESTAMPNS data decode to the arrival interface,
 * the destination address and a plausible time. */
START_TEST(cmsg_pktinfo_and_timestamp) {
  union {
    struct cmsghdr align;
    char buf[256];
  } control;
  struct msghdr msg;
  struct cmsghdr *cmsg;
  llsock_addr dst;
  char host[LLSOCK_ADDRSTRLEN];
  int a, b, ifindex = -1, seen = 0;
  double sec = 0;

  tu_udp_pair(&a, &b);
  ck_assert_int_eq(llsock_opt_setint(b, IPPROTO_IP, IP_PKTINFO, 1), 0);
  ck_assert_int_eq(llsock_opt_setint(b, SOL_SOCKET, SO_TIMESTAMPNS, 1), 0);
  ck_assert_int_eq(llsock_send(a, "t", 1, 0), 1);
  ck_assert_int_eq(recv_with_control(b, control.buf, sizeof(control), &msg),
                   1);
  for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
    if (llsock_cmsg_pktinfo(cmsg, &ifindex, &dst) == 0) {
      ck_assert_int_gt(ifindex, 0);
      ck_assert_int_gt(llsock_addr_host(&dst, host, sizeof(host)), 0);
      ck_assert_str_eq(host, "127.0.0.1");
      seen |= 1;
    } else if (llsock_cmsg_timestamp(cmsg, &sec) == 0) {
      ck_assert(sec > (double)time(NULL) - 60 && sec < (double)time(NULL) + 60);
      seen |= 2;
    }
    ck_assert_int_eq(llsock_cmsg_cred(cmsg, NULL, NULL, NULL), -EINVAL);
  }
  ck_assert_int_eq(seen, 3);
  tu_close2(a, b);
}
END_TEST

/* SO_PASSCRED makes SCM_CREDENTIALS arrive naming the sender. */
START_TEST(cmsg_credentials) {
  union {
    struct cmsghdr align;
    char buf[256];
  } control;
  struct msghdr msg;
  int pair[2], ifindex;
  pid_t pid = 0;
  uid_t uid = 1;
  gid_t gid = 1;
  double sec;
  llsock_addr dst;

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_DGRAM, 0, pair), 0);
  ck_assert_int_eq(llsock_opt_setint(pair[1], SOL_SOCKET, SO_PASSCRED, 1), 0);
  ck_assert_int_eq(llsock_send(pair[0], "c", 1, 0), 1);
  ck_assert_int_eq(
      recv_with_control(pair[1], control.buf, sizeof(control), &msg), 1);
  ck_assert_ptr_nonnull(CMSG_FIRSTHDR(&msg));
  ck_assert_int_eq(llsock_cmsg_cred(CMSG_FIRSTHDR(&msg), &pid, &uid, &gid), 0);
  ck_assert_int_eq(pid, getpid());
  ck_assert_int_eq(uid, getuid());
  ck_assert_int_eq(gid, getgid());
  ck_assert_int_eq(llsock_cmsg_timestamp(CMSG_FIRSTHDR(&msg), &sec), -EINVAL);
  ck_assert_int_eq(llsock_cmsg_pktinfo(CMSG_FIRSTHDR(&msg), &ifindex, &dst),
                   -EINVAL);
  ck_assert_int_eq(llsock_cmsg_pktinfo(NULL, &ifindex, &dst), -EINVAL);
  ck_assert_int_eq(llsock_cmsg_timestamp(NULL, &sec), -EINVAL);
  ck_assert_int_eq(llsock_cmsg_cred(NULL, &pid, &uid, &gid), -EINVAL);
  tu_close2(pair[0], pair[1]);
}
END_TEST

int main(void) {
  Suite *s = suite_create("msg");
  TCase *tc;

  tc = tu_tcase(s, "socketpair");
  tcase_add_test(tc, socketpair_connected);
  tcase_add_test(tc, socketpair_bad_input);
  tc = tu_tcase(s, "fds");
  tu_use_tmpdir(tc);
  tcase_add_test(tc, fds_round_trip);
  tcase_add_test(tc, fds_truncated_are_closed);
  tcase_add_test(tc, recvmsg_ctrunc_marks_slots);
  tcase_add_test(tc, fds_arrive_with_other_control);
  tcase_add_test(tc, recvmsg_misaligned_control);
  tcase_add_test(tc, msg_layout_aligns_control);
  tcase_add_test(tc, fds_bad_input);
  tcase_add_test(tc, fds_need_data_on_streams);
  tc = tu_tcase(s, "batch");
  tcase_add_test(tc, batch_round_trip);
  tcase_add_test(tc, batch_waitforone);
  tcase_add_test(tc, batch_bad_input);
  tc = tu_tcase(s, "cmsg");
  tcase_add_test(tc, cmsg_pktinfo_and_timestamp);
  tcase_add_test(tc, cmsg_credentials);
  tc = tu_tcase(s, "sendfile");
  tu_use_tmpdir(tc);
  tcase_add_test(tc, sendfile_offsets);
  tcase_add_test(tc, sendfile_from_pipe);
  tcase_add_test(tc, sendfile_partial_when_full);
  tcase_add_test(tc, sendfile_pipe_to_full_socket_loses_nothing);
  tcase_add_test(tc, sendfile_pipe_interrupted_loses_nothing);
  tcase_add_test(tc, sendfile_from_sockets);
  tcase_add_test(tc, sendfile_bad_input);
  return tu_run(s);
}
