/*
 * Fuzz target: inet host and port parsing, and every address reader and
 * formatter fed what the parsers make and arbitrary sockaddr bytes.
 *
 * Promises checked, beyond "no crash, no sanitizer report":
 *   - a parsed inet address formats to a host and port that parse back to
 *     the same address;
 *   - a port outside 0..65535 or a port string with a sign, a blank or
 *     trailing junk is refused;
 *   - every formatter writes a NUL-terminated string that fits the buffer,
 *     is the same at every size that holds it, and reports -ENOSPC for a
 *     buffer one byte short;
 *   - the netlink, vsock and packet constructors and readers round-trip
 *     their fields;
 *   - a reader that succeeds had the bytes it read inside the address.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stddef.h>

#include "fuzzinput.h"
#include "llsock.h"

/* Runs fmt at size, then at the exact size the first call reported and
 * one byte less, each in a heap buffer of exactly that size. */
typedef int (*formatter)(const llsock_addr *, char *, size_t);

static int check_format(formatter fmt, const llsock_addr *addr, size_t size,
                        char *out, size_t outsize) {
  char *buf = fuzz_zeroed(size);
  int n = fmt(addr, buf, size);

  FUZZ_ASSERT(n < 0 || (size_t)n < size);
  if (n >= 0) {
    FUZZ_ASSERT(strlen(buf) == (size_t)n);
    if (out != NULL && (size_t)n < outsize)
      memcpy(out, buf, (size_t)n + 1);
  }
  free(buf);
  if (n < 0)
    return n;
  buf = fuzz_zeroed((size_t)n + 1);
  FUZZ_ASSERT(fmt(addr, buf, (size_t)n + 1) == n);
  FUZZ_ASSERT(out == NULL || (size_t)n >= outsize || memcmp(buf, out, (size_t)n + 1) == 0);
  free(buf);
  if (n > 0) {
    buf = fuzz_zeroed((size_t)n);
    FUZZ_ASSERT(fmt(addr, buf, (size_t)n) == -ENOSPC);
    free(buf);
  }
  return n;
}

static void read_everything(const llsock_addr *addr) {
  char text[LLSOCK_ADDRSTRLEN], host[NI_MAXHOST], serv[NI_MAXSERV];
  llsock_packet_addr pkt;
  llsock_addr again;
  uint32_t a, b;
  size_t len;
  int family = llsock_addr_family(addr), port;

  FUZZ_ASSERT(family == AF_UNSPEC ||
              addr->len >= offsetof(struct sockaddr, sa_family) +
                               sizeof(sa_family_t));
  port = llsock_addr_port(addr);
  if (port >= 0) {
    FUZZ_ASSERT(port <= 65535);
    FUZZ_ASSERT(family == AF_INET || family == AF_INET6);
    FUZZ_ASSERT(addr->len >= (family == AF_INET
                                  ? offsetof(struct sockaddr_in, sin_port)
                                  : offsetof(struct sockaddr_in6, sin6_port)) +
                                 sizeof(in_port_t));
  }
  if (check_format(llsock_addr_host, addr, sizeof(text), NULL, 0) >= 0)
    FUZZ_ASSERT(addr->len >= (family == AF_INET
                                  ? offsetof(struct sockaddr_in, sin_addr) +
                                        sizeof(struct in_addr)
                                  : offsetof(struct sockaddr_in6, sin6_addr) +
                                        sizeof(struct in6_addr)));
  check_format(llsock_addr_format, addr, sizeof(text), text, sizeof(text));
  check_format(llsock_addr_format, addr, 1 + (size_t)addr->len % 24, NULL, 0);

  if (llsock_addr_path(addr, &len) != NULL)
    FUZZ_ASSERT(family == AF_UNIX && len <= addr->len &&
                len <= sizeof(addr->u.un.sun_path));
  FUZZ_ASSERT(llsock_addr_equal(addr, addr));
  /* numeric only: a name lookup would reach for DNS */
  llsock_addr_nameinfo(addr, host, sizeof(host), serv, sizeof(serv),
                       NI_NUMERICHOST | NI_NUMERICSERV);
  if (llsock_addr_netlink_info(addr, &a, &b) == 0) {
    FUZZ_ASSERT(llsock_addr_netlink(&again, a, b) == 0);
    FUZZ_ASSERT(llsock_addr_netlink_info(&again, &a, NULL) == 0);
  }
  if (llsock_addr_vsock_info(addr, &a, &b) == 0) {
    uint32_t cid, vport;
    FUZZ_ASSERT(llsock_addr_vsock(&again, a, b) == 0);
    FUZZ_ASSERT(llsock_addr_vsock_info(&again, &cid, &vport) == 0);
    FUZZ_ASSERT(cid == a && vport == b);
  }
  if (llsock_addr_packet_info(addr, &pkt) == 0) {
    llsock_packet_addr back;
    FUZZ_ASSERT(pkt.halen <= LLSOCK_HWADDR_MAX);
    /* raw bytes may hold a negative index, which no constructor takes */
    if (pkt.ifindex < 0)
      return;
    FUZZ_ASSERT(llsock_addr_packet(&again, &pkt) == 0);
    FUZZ_ASSERT(llsock_addr_packet_info(&again, &back) == 0);
    FUZZ_ASSERT(memcmp(&pkt, &back, sizeof(pkt)) == 0);
  }
}

/* The host and port of a parsed inet address parse back to it. */
static void round_trip(const llsock_addr *addr) {
  char host[LLSOCK_ADDRSTRLEN], port[8];
  llsock_addr back;
  int n = llsock_addr_host(addr, host, sizeof(host));

  FUZZ_ASSERT(n > 0);
  snprintf(port, sizeof(port), "%d", llsock_addr_port(addr));
  FUZZ_ASSERT(llsock_addr_inet(&back, host, port) == 0);
  FUZZ_ASSERT(llsock_addr_equal(addr, &back));
  FUZZ_ASSERT(llsock_addr_inet_port(&back, host, llsock_addr_port(addr)) == 0);
  FUZZ_ASSERT(llsock_addr_equal(addr, &back));
}

/* Whether a port string is a number with nothing around it. */
static int plain_number(const char *s) {
  if (*s < '0' || *s > '9')
    return 0;
  while (*s >= '0' && *s <= '9')
    s++;
  return *s == '\0';
}

static void parse_inet(fuzz_input *in) {
  size_t hostlen, portlen;
  const uint8_t *h = fuzz_bytes(in, 200, &hostlen);
  const uint8_t *p = fuzz_bytes(in, 40, &portlen);
  char *host = fuzz_copy(h, hostlen, 1), *port = fuzz_copy(p, portlen, 1);
  int number = (int32_t)fuzz_u32(in);
  llsock_addr addr;
  int rc;

  rc = llsock_addr_inet(&addr, host, portlen > 0 ? port : NULL);
  if (rc == 0) {
    FUZZ_ASSERT(llsock_addr_family(&addr) == AF_INET ||
                llsock_addr_family(&addr) == AF_INET6);
    if (portlen > 0 && plain_number(port))
      FUZZ_ASSERT(strtoul(port, NULL, 10) ==
                  (unsigned long)llsock_addr_port(&addr));
    round_trip(&addr);
    read_everything(&addr);
  }
  if (portlen > 0 && (port[0] == '-' || port[0] == '+' || port[0] == ' '))
    FUZZ_ASSERT(rc < 0);
  rc = llsock_addr_inet_port(&addr, host, number);
  if (number < 0 || number > 65535)
    FUZZ_ASSERT(rc == -EINVAL);
  if (rc == 0) {
    FUZZ_ASSERT(llsock_addr_port(&addr) == number);
    round_trip(&addr);
  }
  free(host);
  free(port);
}

static void raw_sockaddr(fuzz_input *in) {
  socklen_t len = (socklen_t)fuzz_bits(in, 2) % (sizeof(struct sockaddr_storage) + 9);
  uint16_t family = (uint16_t)fuzz_bits(in, 2);
  static const uint16_t families[] = {AF_UNSPEC, AF_INET,    AF_INET6,
                                      AF_UNIX,   AF_NETLINK, AF_PACKET,
                                      AF_VSOCK};
  uint8_t bytes[sizeof(struct sockaddr_storage) + 8] = {0};
  struct sockaddr *sa;
  llsock_addr addr;
  int rc;

  if (family < 0x100)
    family = families[family % (sizeof(families) / sizeof(families[0]))];
  memcpy(bytes, &family, sizeof(family));
  for (size_t i = sizeof(family); i < sizeof(bytes) && in->left > 0; i++)
    bytes[i] = fuzz_u8(in);
  sa = (struct sockaddr *)fuzz_copy(bytes, len, 0);
  rc = llsock_addr_set(&addr, sa, len);
  if (len > sizeof(struct sockaddr_storage))
    FUZZ_ASSERT(rc == -EINVAL);
  else {
    FUZZ_ASSERT(rc == 0 && addr.len == len);
    read_everything(&addr);
  }
  free(sa);
}

static void linux_families(fuzz_input *in) {
  llsock_packet_addr pkt, back;
  llsock_addr addr;
  uint32_t a = fuzz_u32(in), b = fuzz_u32(in), x, y;

  FUZZ_ASSERT(llsock_addr_netlink(&addr, a, b) == 0);
  FUZZ_ASSERT(llsock_addr_netlink_info(&addr, &x, &y) == 0 && x == a && y == b);
  read_everything(&addr);
  FUZZ_ASSERT(llsock_addr_vsock(&addr, a, b) == 0);
  FUZZ_ASSERT(llsock_addr_vsock_info(&addr, &x, &y) == 0 && x == a && y == b);
  read_everything(&addr);

  memset(&pkt, 0, sizeof(pkt));
  pkt.protocol = (unsigned)fuzz_bits(in, 3);
  pkt.ifindex = (int)fuzz_u32(in);
  pkt.hatype = (unsigned)fuzz_bits(in, 3);
  pkt.pkttype = (unsigned)fuzz_bits(in, 2);
  pkt.halen = fuzz_u8(in) % (LLSOCK_HWADDR_MAX + 8);
  for (size_t i = 0; i < LLSOCK_HWADDR_MAX; i++)
    pkt.hwaddr[i] = i < pkt.halen ? fuzz_u8(in) : 0;
  if (llsock_addr_packet(&addr, &pkt) == 0) {
    FUZZ_ASSERT(llsock_addr_packet_info(&addr, &back) == 0);
    FUZZ_ASSERT(memcmp(&pkt, &back, sizeof(pkt)) == 0);
    read_everything(&addr);
  } else {
    FUZZ_ASSERT(pkt.protocol > 0xffff || pkt.hatype > 0xffff ||
                pkt.pkttype > 0xff || pkt.ifindex < 0 ||
                pkt.halen > LLSOCK_HWADDR_MAX);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_input in = {data, size};

  switch (fuzz_u8(&in) % 3) {
  case 0:
    parse_inet(&in);
    break;
  case 1:
    raw_sockaddr(&in);
    break;
  default:
    linux_families(&in);
    break;
  }
  return 0;
}
