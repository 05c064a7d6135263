#include "llsock-int.h"

#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#if HAVE_SYS_EPOLL_H
#include <sys/epoll.h>
#endif

/* The public event bits are the kernel's, so they pass through unchanged. */
_Static_assert(LLSOCK_POLLIN == POLLIN && LLSOCK_POLLOUT == POLLOUT &&
                   LLSOCK_POLLERR == POLLERR && LLSOCK_POLLHUP == POLLHUP,
               "poll(2) event bits");
#if HAVE_SYS_EPOLL_H
_Static_assert(LLSOCK_POLLIN == EPOLLIN && LLSOCK_POLLOUT == EPOLLOUT &&
                   LLSOCK_POLLERR == EPOLLERR && LLSOCK_POLLHUP == EPOLLHUP &&
                   LLSOCK_POLLRDHUP == EPOLLRDHUP &&
                   LLSOCK_POLLONESHOT == EPOLLONESHOT &&
                   LLSOCK_POLLET == (unsigned int)EPOLLET,
               "epoll(7) event bits");
#endif

/* ERR and HUP are reported whether asked for or not; asking is harmless. */
#define POLLER_EVENTS                                                        \
  (LLSOCK_POLLIN | LLSOCK_POLLOUT | LLSOCK_POLLERR | LLSOCK_POLLHUP |        \
   LLSOCK_POLLRDHUP | LLSOCK_POLLONESHOT | LLSOCK_POLLET)

double llsock_clock(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds to a timespec; 1 when sec is a finite, non-negative time. */
static int to_timespec(double sec, struct timespec *ts) {
  if (!(sec >= 0) || sec > (double)INT_MAX * 1000)
    return 0;
  ts->tv_sec = (time_t)sec;
  ts->tv_nsec = (long)((sec - (double)ts->tv_sec) * 1e9);
  if (ts->tv_nsec > 999999999)
    ts->tv_nsec = 999999999;
  return 1;
}

int llsock_sleep(double sec) {
  struct timespec ts;

  if (!to_timespec(sec, &ts))
    return -EINVAL;
  if (nanosleep(&ts, NULL) == -1)
    return -errno;
  return 0;
}

/*
 * Milliseconds for poll/epoll_wait: -1 for ever, rounded up so a wait
 * never ends before its time, capped where the int runs out.
 */
int llsock__timeout_ms(double sec) {
  double ms = sec * 1000;
  int whole;

  if (isnan(sec))
    return -2;
  if (sec < 0 || isinf(sec))
    return -1;
  if (ms >= INT_MAX)
    return INT_MAX;
  whole = (int)ms;
  return whole < ms ? whole + 1 : whole;
}

int llsock_wait(int fd, unsigned int events, double timeout) {
  struct pollfd p;
  int ms = llsock__timeout_ms(timeout), n;

  if (fd < 0 || events & ~(LLSOCK_POLLIN | LLSOCK_POLLOUT | LLSOCK_POLLERR |
                           LLSOCK_POLLHUP | LLSOCK_POLLRDHUP))
    return fd < 0 ? -EBADF : -EINVAL;
  if (ms == -2)
    return -EINVAL;
  p.fd = fd;
  p.events = (short)events;
  p.revents = 0;
  n = poll(&p, 1, ms);
  if (n == -1)
    return -errno;
  if (n == 0)
    return 0;
  if (p.revents & POLLNVAL)
    return -EBADF;
  return p.revents;
}

#if HAVE_SYS_EPOLL_H

int llsock_poller_create(void) {
  int fd = epoll_create1(EPOLL_CLOEXEC);
  return fd == -1 ? -errno : fd;
}

int llsock_poller_close(int poller) {
  return llsock_close(poller, LLSOCK_SHUT_NONE);
}

/* The tag rides in the upper half of epoll's data, next to the fd. */
static int poller_ctl(int poller, int op, int fd, unsigned int events,
                      unsigned int tag) {
  struct epoll_event ev;

  if (fd < 0)
    return -EBADF;
  if (events & ~POLLER_EVENTS)
    return -EINVAL;
  memset(&ev, 0, sizeof(ev));
  ev.events = events;
  ev.data.u64 = (uint64_t)tag << 32 | (uint32_t)fd;
  if (epoll_ctl(poller, op, fd, &ev) == -1)
    return -errno;
  return 0;
}

int llsock_poller_add(int poller, int fd, unsigned int events,
                      unsigned int tag) {
  return poller_ctl(poller, EPOLL_CTL_ADD, fd, events, tag);
}

int llsock_poller_modify(int poller, int fd, unsigned int events,
                         unsigned int tag) {
  return poller_ctl(poller, EPOLL_CTL_MOD, fd, events, tag);
}

int llsock_poller_remove(int poller, int fd) {
  return poller_ctl(poller, EPOLL_CTL_DEL, fd, 0, 0);
}

/* Where epoll_event is larger than llsock_event, events pass through a
 * stack buffer of this many. */
#define WAIT_CHUNK 256

/* Converts n epoll_events the kernel wrote at buf into llsock_events in
 * the same memory, last first, so no entry is overwritten before it is
 * read (an llsock_event is at least as large). */
/* The fd and tag poller_ctl() packed into ev's data, with its events. */
static void unpack_event(llsock_event *out, const struct epoll_event *ev) {
  out->fd = (int)(uint32_t)ev->data.u64;
  out->events = ev->events;
  out->tag = (unsigned int)(ev->data.u64 >> 32);
}

static void convert_in_place(void *buf, int n) {
  const size_t size = sizeof(struct epoll_event);
  struct epoll_event ev;
  llsock_event *out = (llsock_event *)buf;
  int i;

  for (i = n - 1; i >= 0; i--) {
    memcpy(&ev, (unsigned char *)buf + size * (size_t)i, size);
    unpack_event(&out[i], &ev);
  }
}

/*
 * One epoll_wait: a second call could report a level-triggered fd again.
 * Where an llsock_event can hold an epoll_event (x86-64, where epoll_event
 * is packed), the kernel writes into the caller's array directly.
 */
int llsock_poller_wait(int poller, llsock_event *events, int max,
                       double timeout) {
  int ms = llsock__timeout_ms(timeout), n;

  if (events == NULL || max < 1 || max > LLSOCK_MAX_EVENTS || ms == -2)
    return -EINVAL;
  if (sizeof(struct epoll_event) <= sizeof(llsock_event)) {
    n = epoll_wait(poller, (struct epoll_event *)(void *)events, max, ms);
    if (n > 0)
      convert_in_place(events, n);
  } else {
    struct epoll_event chunk[WAIT_CHUNK];
    int i;

    n = epoll_wait(poller, chunk, max < WAIT_CHUNK ? max : WAIT_CHUNK, ms);
    for (i = 0; i < n; i++)
      unpack_event(&events[i], &chunk[i]);
  }
  return n == -1 ? -errno : n;
}

#else /* no epoll: the poller is Linux's */

int llsock_poller_create(void) {
  return -ENOSYS;
}

int llsock_poller_close(int poller) {
  return llsock_close(poller, LLSOCK_SHUT_NONE);
}

int llsock_poller_add(int poller, int fd, unsigned int events,
                      unsigned int tag) {
  (void)poller, (void)fd, (void)events, (void)tag;
  return -ENOSYS;
}

int llsock_poller_modify(int poller, int fd, unsigned int events,
                         unsigned int tag) {
  (void)poller, (void)fd, (void)events, (void)tag;
  return -ENOSYS;
}

int llsock_poller_remove(int poller, int fd) {
  (void)poller, (void)fd;
  return -ENOSYS;
}

int llsock_poller_wait(int poller, llsock_event *events, int max,
                       double timeout) {
  (void)poller, (void)events, (void)max, (void)timeout;
  return -ENOSYS;
}

#endif

/* Time left until deadline (seconds on llsock_clock()); < 0 for ever. */
static double remaining(double deadline) {
  double left;

  if (deadline < 0)
    return -1;
  left = deadline - llsock_clock();
  return left > 0 ? left : 0;
}

/*
 * A unix stream connect to a full backlog cannot be polled for: the socket
 * only waits in a blocking connect, which SO_SNDTIMEO limits.  The fd's
 * own send timeout and mode are put back afterwards.
 */
static int unix_connect_timeout(int fd, const llsock_addr *addr,
                                double timeout) {
  struct timeval limit, before;
  socklen_t len = sizeof(before);
  int rc, nonblock = llsock_opt_get_nonblock(fd);

  if (nonblock < 0)
    return nonblock;
  if (timeout == 0) {
    if (!nonblock && (rc = llsock_opt_set_nonblock(fd, 1)) < 0)
      return rc;
    rc = llsock_connect(fd, addr);
    if (!nonblock)
      llsock_opt_set_nonblock(fd, 0);
    return rc == -EAGAIN ? -ETIMEDOUT : rc;
  }
  if (getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &before, &len) == -1)
    return -errno;
  if (timeout > 0) {
    limit.tv_sec = (time_t)timeout;
    limit.tv_usec = (suseconds_t)((timeout - (double)limit.tv_sec) * 1e6);
    if (limit.tv_sec == 0 && limit.tv_usec == 0)
      limit.tv_usec = 1; /* 0 would mean no limit at all */
  } else {
    memset(&limit, 0, sizeof(limit));
  }
  if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit)) == -1)
    return -errno;
  if (nonblock)
    llsock_opt_set_nonblock(fd, 0);
  rc = connect(fd, &addr->u.sa, addr->len) == -1 ? -errno : 0;
  if (nonblock)
    llsock_opt_set_nonblock(fd, 1);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &before, sizeof(before));
  return rc == -EAGAIN || rc == -EINPROGRESS ? -ETIMEDOUT : rc;
}

int llsock_connect_timeout(int fd, const llsock_addr *addr, double timeout) {
  double deadline;
  int rc, nonblock, ready;

  if (addr == NULL || isnan(timeout))
    return -EINVAL;
  if (addr->u.sa.sa_family == AF_UNIX)
    return unix_connect_timeout(fd, addr, timeout);
  deadline = timeout < 0 ? -1 : llsock_clock() + timeout;
  nonblock = llsock_opt_get_nonblock(fd);
  if (nonblock < 0)
    return nonblock;
  if (!nonblock && (rc = llsock_opt_set_nonblock(fd, 1)) < 0)
    return rc;
  rc = llsock_connect(fd, addr); /* 0 while in progress, as non-blocking */
  if (rc == 0) {
    ready = llsock_wait(fd, LLSOCK_POLLOUT, remaining(deadline));
    if (ready == 0)
      rc = -ETIMEDOUT;
    else if (ready < 0)
      rc = ready;
    else if ((rc = llsock_error(fd)) > 0)
      rc = -rc;
  }
  if (!nonblock)
    llsock_opt_set_nonblock(fd, 0);
  return rc;
}

int llsock__connect_until(int fd, const llsock_addr *addr, double deadline,
                          int attempts_left) {
  double left = remaining(deadline);

  if (left > 0 && attempts_left > 1)
    left /= attempts_left;
  return llsock_connect_timeout(fd, addr, left);
}
