/*
 * The GSO rows of make bench, from C through libllsock: datagrams per
 * CPU second sent to a loopback receiver by sendto (one a call), sendmmsg (a
 * batch a call) and UDP GSO (a batch in one send).
 * usage: gso-bench DATAGRAMS; prints "method datagrams-per-second" lines;
 * exit 77 when the kernel has no UDP GSO.
 */
#include <llsock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIZE 1200 /* a QUIC-sized datagram */
#define BATCH 32  /* datagrams per sendmmsg, segments per GSO send */

/* CPU time, as Lua's os.clock: loopback delivery runs in the sender's
 * context, so it is all counted */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fail(const char *what, long rc) {
  fprintf(stderr, "gso-bench: %s: %s\n", what, llsock_strerror((int)rc));
  exit(1);
}

int main(int argc, char **argv) {
  static char payload[SIZE * BATCH];
  struct iovec iov[BATCH];
  llsock_mmsg msgs[BATCH];
  llsock_addr to;
  long datagrams = argc > 1 ? atol(argv[1]) : 320000, sent;
  int rx, tx, i;
  double start;

  rx = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0);
  tx = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0);
  if (rx < 0 || tx < 0)
    fail("bind", rx < 0 ? rx : tx);
  if (llsock_sockname(rx, &to) < 0 || llsock_connect(tx, &to) < 0)
    fail("connect", -1);
  if (llsock_opt_get_udp_segment(tx) < 0)
    return 77;
  memset(payload, 'g', sizeof(payload));

  start = now();
  for (sent = 0; sent < datagrams; sent++)
    if (llsock_send(tx, payload, SIZE, 0) != SIZE)
      fail("send", -1);
  printf("sendto %.0f\n", (double)sent / (now() - start));

  memset(msgs, 0, sizeof(msgs));
  for (i = 0; i < BATCH; i++) {
    iov[i].iov_base = payload + i * SIZE;
    iov[i].iov_len = SIZE;
    msgs[i].hdr.msg_iov = &iov[i];
    msgs[i].hdr.msg_iovlen = 1;
  }
  start = now();
  for (sent = 0; sent < datagrams; sent += BATCH) {
    int rc = llsock_sendmmsg(tx, msgs, BATCH, 0);
    if (rc != BATCH)
      fail("sendmmsg", rc);
  }
  printf("sendmmsg %.0f\n", (double)sent / (now() - start));

  start = now();
  for (sent = 0; sent < datagrams; sent += BATCH) {
    ssize_t rc = llsock_send_segments(tx, payload, sizeof(payload), SIZE,
                                      NULL, 0);
    if (rc != (ssize_t)sizeof(payload))
      fail("GSO send", rc);
  }
  printf("gso %.0f\n", (double)sent / (now() - start));
  llsock_close(tx, LLSOCK_SHUT_NONE);
  llsock_close(rx, LLSOCK_SHUT_NONE);
  return 0;
}
