#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)

/* Parse host and port, which must succeed. */
static llsock_addr inet_addr_of(const char *host, const char *port) {
  llsock_addr addr;

  ck_assert_msg(llsock_addr_inet(&addr, host, port) == 0, "parse %s %s", host,
                port);
  return addr;
}

static llsock_addr unix_addr_of(const char *path, size_t len) {
  llsock_addr addr;

  ck_assert_int_eq(llsock_addr_unix(&addr, path, len), 0);
  return addr;
}

/* The formatted address, which must fit LLSOCK_ADDRSTRLEN. */
static const char *formatted(const llsock_addr *addr) {
  static char buf[LLSOCK_ADDRSTRLEN];

  ck_assert_int_ge(llsock_addr_format(addr, buf, sizeof(buf)), 0);
  return buf;
}

static int have_service(const char *name, const char *proto, const char *test) {
  if (getservbyname(name, proto) != NULL)
    return 1;
  printf("SKIP %s: no %s/%s in /etc/services\n", test, name, proto);
  return 0;
}

/* ---- llsock_addr_set ----------------------------------------------------- */

START_TEST(set_copies_sockaddr) {
  /* A raw sockaddr_in copied in reads back as the same family, host and
   * port. */
  struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(8080)};
  llsock_addr addr;
  char host[LLSOCK_ADDRSTRLEN];

  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(
      llsock_addr_set(&addr, (const struct sockaddr *)&sin, sizeof(sin)), 0);
  ck_assert_uint_eq(addr.len, sizeof(sin));
  ck_assert_int_eq(llsock_addr_family(&addr), AF_INET);
  ck_assert_int_eq(llsock_addr_port(&addr), 8080);
  ck_assert_int_eq(llsock_addr_host(&addr, host, sizeof(host)), 9);
  ck_assert_str_eq(host, "127.0.0.1");
}
END_TEST

START_TEST(set_empty_is_unspec) {
  /* A zero-length copy (sa may then be NULL) makes an empty AF_UNSPEC
   * address. */
  llsock_addr addr;

  ck_assert_int_eq(llsock_addr_set(&addr, NULL, 0), 0);
  ck_assert_uint_eq(addr.len, 0);
  ck_assert_int_eq(llsock_addr_family(&addr), AF_UNSPEC);
  ck_assert_str_eq(formatted(&addr), "(unspecified)");
}
END_TEST

START_TEST(set_bad_input) {
  /* NULL addr, NULL sa with a length, and a length beyond sockaddr_storage
   * are -EINVAL. */
  struct sockaddr_storage ss = {.ss_family = AF_INET};
  llsock_addr addr;

  ck_assert_int_eq(
      llsock_addr_set(NULL, (const struct sockaddr *)&ss, sizeof(ss)),
      -EINVAL);
  ck_assert_int_eq(llsock_addr_set(&addr, NULL, 4), -EINVAL);
  ck_assert_int_eq(
      llsock_addr_set(&addr, (const struct sockaddr *)&ss, sizeof(ss) + 1),
      -EINVAL);
  ck_assert_int_eq(
      llsock_addr_set(&addr, (const struct sockaddr *)&ss, sizeof(ss)), 0);
}
END_TEST

/* ---- llsock_addr_inet ---------------------------------------------------- */

START_TEST(inet_parses_ipv4) {
  /* A dotted quad and decimal port parse into AF_INET with both intact. */
  llsock_addr addr = inet_addr_of("127.0.0.1", "8080");

  ck_assert_uint_eq(addr.len, sizeof(struct sockaddr_in));
  ck_assert_int_eq(llsock_addr_family(&addr), AF_INET);
  ck_assert_int_eq(llsock_addr_port(&addr), 8080);
  ck_assert_uint_eq(ntohl(addr.u.in.sin_addr.s_addr), INADDR_LOOPBACK);
  ck_assert_str_eq(formatted(&addr), "127.0.0.1:8080");
}
END_TEST

START_TEST(inet_parses_ipv6) {
  /* An IPv6 literal parses into AF_INET6 with no scope. */
  llsock_addr addr = inet_addr_of("::1", "53");

  ck_assert_uint_eq(addr.len, sizeof(struct sockaddr_in6));
  ck_assert_int_eq(llsock_addr_family(&addr), AF_INET6);
  ck_assert_int_eq(llsock_addr_port(&addr), 53);
  ck_assert(IN6_IS_ADDR_LOOPBACK(&addr.u.in6.sin6_addr));
  ck_assert_uint_eq(addr.u.in6.sin6_scope_id, 0);
  ck_assert_str_eq(formatted(&addr), "[::1]:53");
}
END_TEST

START_TEST(inet_parses_scope) {
  /* A link-local address keeps its zone, by interface name or index, and
   * formats it back by name. */
  unsigned lo = if_nametoindex("lo");
  char numeric[24];
  llsock_addr by_name, by_index;

  ck_assert_uint_gt(lo, 0);
  snprintf(numeric, sizeof(numeric), "fe80::1%%%u", lo);
  by_name = inet_addr_of("fe80::1%lo", "80");
  by_index = inet_addr_of(numeric, "80");
  ck_assert_uint_eq(by_name.u.in6.sin6_scope_id, lo);
  ck_assert(llsock_addr_equal(&by_name, &by_index));
  ck_assert_str_eq(formatted(&by_name), "[fe80::1%lo]:80");
}
END_TEST

START_TEST(inet_unknown_scope_index_formats_number) {
  /* A zone index with no interface behind it formats as its number. */
  llsock_addr addr = inet_addr_of("fe80::1%999", "1");

  ck_assert_uint_eq(addr.u.in6.sin6_scope_id, 999);
  ck_assert_str_eq(formatted(&addr), "[fe80::1%999]:1");
}
END_TEST

START_TEST(inet_global_scope_formats_number) {
  /* A zone on an address that is not link-local formats as its number,
   * which parses back; the interface's name would not (glibc looks names
   * up only for link-local scopes).  Found by the fuzz_addr target. */
  unsigned lo = if_nametoindex("lo");
  char text[64], host[LLSOCK_ADDRSTRLEN];
  llsock_addr addr, back;

  snprintf(text, sizeof(text), "2001:db8::1%%%u", lo);
  addr = inet_addr_of(text, "80");
  ck_assert_int_eq(llsock_addr_host(&addr, host, sizeof(host)),
                   (int)strlen(text));
  ck_assert_str_eq(host, text);
  back = inet_addr_of(host, "80");
  ck_assert(llsock_addr_equal(&addr, &back));
}
END_TEST

START_TEST(inet_port_forms) {
  /* A NULL port is 0, and the decimal bounds 0 and 65535 are accepted. */
  llsock_addr addr;

  addr = inet_addr_of("127.0.0.1", NULL);
  ck_assert_int_eq(llsock_addr_port(&addr), 0);
  addr = inet_addr_of("127.0.0.1", "0");
  ck_assert_int_eq(llsock_addr_port(&addr), 0);
  addr = inet_addr_of("127.0.0.1", "65535");
  ck_assert_int_eq(llsock_addr_port(&addr), 65535);
}
END_TEST

START_TEST(inet_service_name) {
  /* A service name is looked up in /etc/services: "http" is port 80. */
  llsock_addr addr;

  if (!have_service("http", "tcp", "inet_service_name"))
    return;
  addr = inet_addr_of("127.0.0.1", "http");
  ck_assert_int_eq(llsock_addr_port(&addr), 80);
}
END_TEST

static const char *const bad_ports[] = {
  "65536", "-1", "", "+80", " 80", "80 ", "80x", "99999999999999999999",
};

START_TEST(inet_bad_port) {
  /* A port out of 0..65535 or not a plain decimal or name is -EINVAL. */
  llsock_addr addr;

  ck_assert_int_eq(llsock_addr_inet(&addr, "127.0.0.1", bad_ports[_i]),
                   -EINVAL);
}
END_TEST

START_TEST(inet_unknown_service) {
  /* A service name /etc/services lacks is LLSOCK_EAI_SERVICE. */
  llsock_addr addr;

  ck_assert_int_eq(llsock_addr_inet(&addr, "127.0.0.1", "no-such-service-x"),
                   LLSOCK_EAI_SERVICE);
}
END_TEST

START_TEST(inet_non_numeric_host) {
  /* A host that is no numeric address is LLSOCK_EAI_NONAME, without a
   * lookup. */
  llsock_addr addr;

  ck_assert_int_eq(llsock_addr_inet(&addr, "localhost", "80"),
                   LLSOCK_EAI_NONAME);
  ck_assert_int_eq(llsock_addr_inet(&addr, "256.1.1.1", "80"),
                   LLSOCK_EAI_NONAME);
  ck_assert_int_eq(llsock_addr_inet(&addr, "::1::2", "80"),
                   LLSOCK_EAI_NONAME);
  ck_assert_int_eq(llsock_addr_inet(&addr, "", "80"), LLSOCK_EAI_NONAME);
}
END_TEST

START_TEST(inet_null_args) {
  /* A NULL address or host is -EINVAL. */
  llsock_addr addr;

  ck_assert_int_eq(llsock_addr_inet(NULL, "127.0.0.1", "80"), -EINVAL);
  ck_assert_int_eq(llsock_addr_inet(&addr, NULL, "80"), -EINVAL);
}
END_TEST

START_TEST(inet_port_numeric) {
  /* llsock_addr_inet_port() gives what llsock_addr_inet() gives for the
   * same port as text, for both families and a zone; the bounds are
   * 0..65535 and a NULL address or host is -EINVAL. */
  static const char *const hosts[] = {"127.0.0.1", "::1", "fe80::1%lo"};
  static const int ports[] = {0, 1, 8080, 65535};
  llsock_addr numeric, text;
  char port_text[8];
  size_t i, j;

  for (i = 0; i < TU_COUNT(hosts); i++)
    for (j = 0; j < TU_COUNT(ports); j++) {
      snprintf(port_text, sizeof(port_text), "%d", ports[j]);
      text = inet_addr_of(hosts[i], port_text);
      ck_assert_int_eq(llsock_addr_inet_port(&numeric, hosts[i], ports[j]), 0);
      ck_assert_int_eq(llsock_addr_port(&numeric), ports[j]);
      ck_assert(llsock_addr_equal(&numeric, &text));
    }
  ck_assert_int_eq(llsock_addr_inet_port(&numeric, "127.0.0.1", -1), -EINVAL);
  ck_assert_int_eq(llsock_addr_inet_port(&numeric, "127.0.0.1", 65536),
                   -EINVAL);
  ck_assert_int_eq(llsock_addr_inet_port(NULL, "127.0.0.1", 80), -EINVAL);
  ck_assert_int_eq(llsock_addr_inet_port(&numeric, NULL, 80), -EINVAL);
  ck_assert_int_eq(llsock_addr_inet_port(&numeric, "localhost", 80),
                   LLSOCK_EAI_NONAME);
}
END_TEST

/* ---- llsock_addr_unix ---------------------------------------------------- */

START_TEST(unix_path) {
  /* A filesystem path is stored with its terminating NUL and read back
   * without it. */
  llsock_addr addr = unix_addr_of("/tmp/sock", 9);
  const char *path;
  size_t len;

  ck_assert_uint_eq(addr.len, offsetof(struct sockaddr_un, sun_path) + 10);
  ck_assert_int_eq(llsock_addr_family(&addr), AF_UNIX);
  path = llsock_addr_path(&addr, &len);
  ck_assert_uint_eq(len, 9);
  ck_assert_mem_eq(path, "/tmp/sock", 9);
  ck_assert_str_eq(formatted(&addr), "/tmp/sock");
}
END_TEST

START_TEST(unix_abstract) {
  /* An abstract name keeps every byte, NULs included, and no terminator. */
  static const char name[] = "\0ab\0c";
  llsock_addr addr = unix_addr_of(name, 5);
  const char *path;
  size_t len;

  ck_assert_uint_eq(addr.len, offsetof(struct sockaddr_un, sun_path) + 5);
  path = llsock_addr_path(&addr, &len);
  ck_assert_uint_eq(len, 5);
  ck_assert_mem_eq(path, name, 5);
  ck_assert_str_eq(formatted(&addr), "@ab\\x00c");
}
END_TEST

START_TEST(unix_unnamed) {
  /* Length 0 (path may be NULL) is the unnamed address: AF_UNIX, empty
   * path. */
  llsock_addr addr = unix_addr_of(NULL, 0);
  size_t len = 99;

  ck_assert_uint_eq(addr.len, offsetof(struct sockaddr_un, sun_path));
  ck_assert_int_eq(llsock_addr_family(&addr), AF_UNIX);
  ck_assert_ptr_nonnull(llsock_addr_path(&addr, &len));
  ck_assert_uint_eq(len, 0);
  ck_assert_str_eq(formatted(&addr), "(unnamed)");
}
END_TEST

START_TEST(unix_path_length_limits) {
  /* A filesystem path fits up to sizeof(sun_path) - 1 bytes, an abstract
   * name up to sizeof(sun_path); one more is -ENAMETOOLONG. */
  char path[SUN_PATH_SIZE + 2];
  llsock_addr addr;
  size_t len;

  memset(path, 'p', sizeof(path));
  ck_assert_int_eq(llsock_addr_unix(&addr, path, SUN_PATH_SIZE - 2), 0);
  ck_assert_int_eq(llsock_addr_unix(&addr, path, SUN_PATH_SIZE - 1), 0);
  ck_assert_uint_eq(addr.len, sizeof(struct sockaddr_un));
  llsock_addr_path(&addr, &len);
  ck_assert_uint_eq(len, SUN_PATH_SIZE - 1);
  ck_assert_int_eq(llsock_addr_unix(&addr, path, SUN_PATH_SIZE),
                   -ENAMETOOLONG);

  path[0] = '\0';
  ck_assert_int_eq(llsock_addr_unix(&addr, path, SUN_PATH_SIZE - 1), 0);
  ck_assert_int_eq(llsock_addr_unix(&addr, path, SUN_PATH_SIZE), 0);
  ck_assert_uint_eq(addr.len, sizeof(struct sockaddr_un));
  llsock_addr_path(&addr, &len);
  ck_assert_uint_eq(len, SUN_PATH_SIZE);
  ck_assert_int_eq(llsock_addr_unix(&addr, path, SUN_PATH_SIZE + 1),
                   -ENAMETOOLONG);
}
END_TEST

START_TEST(unix_bad_input) {
  /* An embedded NUL in a filesystem path, a NULL path with a length and a
   * NULL addr are -EINVAL. */
  llsock_addr addr;

  ck_assert_int_eq(llsock_addr_unix(&addr, "/tmp/a\0b", 8), -EINVAL);
  ck_assert_int_eq(llsock_addr_unix(&addr, "/tmp/ab\0", 8), -EINVAL);
  ck_assert_int_eq(llsock_addr_unix(&addr, NULL, 1), -EINVAL);
  ck_assert_int_eq(llsock_addr_unix(NULL, "/tmp/a", 6), -EINVAL);
}
END_TEST

/* ---- accessors ----------------------------------------------------------- */

START_TEST(family_of_short_or_null) {
  /* NULL and addresses too short to hold a family are AF_UNSPEC. */
  struct sockaddr_in sin = {.sin_family = AF_INET};
  llsock_addr addr;

  ck_assert_int_eq(llsock_addr_family(NULL), AF_UNSPEC);
  ck_assert_int_eq(llsock_addr_set(&addr, (const struct sockaddr *)&sin, 1),
                   0);
  ck_assert_int_eq(llsock_addr_family(&addr), AF_UNSPEC);
}
END_TEST

START_TEST(port_of_non_inet) {
  /* Unix, empty and NULL addresses have no port: -EAFNOSUPPORT. */
  llsock_addr un = unix_addr_of("/x", 2), empty;

  ck_assert_int_eq(llsock_addr_set(&empty, NULL, 0), 0);
  ck_assert_int_eq(llsock_addr_port(&un), -EAFNOSUPPORT);
  ck_assert_int_eq(llsock_addr_port(&empty), -EAFNOSUPPORT);
  ck_assert_int_eq(llsock_addr_port(NULL), -EAFNOSUPPORT);
}
END_TEST

START_TEST(host_buffer_sizes) {
  /* The host string needs its length plus one byte; one byte less is
   * -ENOSPC, for IPv4, IPv6 and a scoped IPv6 host. */
  llsock_addr v4 = inet_addr_of("127.0.0.1", "1");
  llsock_addr v6 = inet_addr_of("fe80::1%lo", "1");
  char buf[LLSOCK_ADDRSTRLEN];

  ck_assert_int_eq(llsock_addr_host(&v4, buf, 10), 9);
  ck_assert_str_eq(buf, "127.0.0.1");
  ck_assert_int_eq(llsock_addr_host(&v4, buf, 9), -ENOSPC);
  ck_assert_int_eq(llsock_addr_host(&v6, buf, 11), 10);
  ck_assert_str_eq(buf, "fe80::1%lo");
  ck_assert_int_eq(llsock_addr_host(&v6, buf, 10), -ENOSPC);
  ck_assert_int_eq(llsock_addr_host(&v6, buf, 8), -ENOSPC);
  ck_assert_int_eq(llsock_addr_host(&v6, buf, 7), -ENOSPC);
  ck_assert_int_eq(llsock_addr_host(&v6, buf, 0), -ENOSPC);
}
END_TEST

START_TEST(host_bad_input) {
  /* A non-inet address is -EAFNOSUPPORT and a NULL buffer -EINVAL. */
  llsock_addr un = unix_addr_of("/x", 2), v4 = inet_addr_of("127.0.0.1", "1");
  char buf[LLSOCK_ADDRSTRLEN];

  ck_assert_int_eq(llsock_addr_host(&un, buf, sizeof(buf)), -EAFNOSUPPORT);
  ck_assert_int_eq(llsock_addr_host(NULL, buf, sizeof(buf)), -EAFNOSUPPORT);
  ck_assert_int_eq(llsock_addr_host(&v4, NULL, 16), -EINVAL);
}
END_TEST

START_TEST(path_of_non_unix) {
  /* An inet address, a NULL address or a NULL length has no path: NULL. */
  llsock_addr v4 = inet_addr_of("127.0.0.1", "1"), un = unix_addr_of("/x", 2);
  size_t len = 7;

  ck_assert_ptr_null(llsock_addr_path(&v4, &len));
  ck_assert_ptr_null(llsock_addr_path(NULL, &len));
  ck_assert_ptr_null(llsock_addr_path(&un, NULL));
  ck_assert_uint_eq(len, 7);
}
END_TEST

/* ---- llsock_addr_format -------------------------------------------------- */

START_TEST(format_buffer_sizes) {
  /* The exact size fits and one byte less is -ENOSPC, for inet and
   * abstract forms alike. */
  llsock_addr v4 = inet_addr_of("127.0.0.1", "8080");
  llsock_addr abstract = unix_addr_of("\0a\x01", 3);
  char buf[LLSOCK_ADDRSTRLEN];

  ck_assert_int_eq(llsock_addr_format(&v4, buf, 15), 14);
  ck_assert_str_eq(buf, "127.0.0.1:8080");
  ck_assert_int_eq(llsock_addr_format(&v4, buf, 14), -ENOSPC);
  ck_assert_int_eq(llsock_addr_format(&abstract, buf, 7), 6);
  ck_assert_str_eq(buf, "@a\\x01");
  ck_assert_int_eq(llsock_addr_format(&abstract, buf, 6), -ENOSPC);
  ck_assert_int_eq(llsock_addr_format(&abstract, buf, 2), -ENOSPC);
}
END_TEST

START_TEST(format_longest_abstract_fits) {
  /* The longest abstract name, every byte escaped, fits
   * LLSOCK_ADDRSTRLEN. */
  char name[SUN_PATH_SIZE], expect[LLSOCK_ADDRSTRLEN] = "@";
  llsock_addr addr;
  size_t i;

  memset(name, '\\', sizeof(name));
  name[0] = '\0';
  for (i = 1; i < sizeof(name); i++)
    strcat(expect, "\\x5c");
  addr = unix_addr_of(name, sizeof(name));
  ck_assert_str_eq(formatted(&addr), expect);
}
END_TEST

START_TEST(format_other_families) {
  /* A family the library does not know formats as its number. */
  struct sockaddr sa = {.sa_family = AF_APPLETALK};
  llsock_addr addr;

  ck_assert_int_eq(llsock_addr_set(&addr, &sa, sizeof(sa)), 0);
  ck_assert_str_eq(formatted(&addr), "(family 5)");
}
END_TEST

START_TEST(format_bad_input) {
  /* A NULL or empty buffer is -EINVAL. */
  llsock_addr v4 = inet_addr_of("127.0.0.1", "1");
  char buf[4];

  ck_assert_int_eq(llsock_addr_format(&v4, NULL, 16), -EINVAL);
  ck_assert_int_eq(llsock_addr_format(&v4, buf, 0), -EINVAL);
}
END_TEST

/* ---- llsock_addr_equal --------------------------------------------------- */

START_TEST(equal_compares_family_bytes_length) {
  /* Copies are equal; a different port, family, path or length is not. */
  llsock_addr a = inet_addr_of("127.0.0.1", "80"), copy = a;
  llsock_addr other_port = inet_addr_of("127.0.0.1", "81");
  llsock_addr v6 = inet_addr_of("::ffff:127.0.0.1", "80");
  llsock_addr path = unix_addr_of("/ab", 3), abstract = unix_addr_of("\0ab", 3);

  ck_assert_int_eq(llsock_addr_equal(&a, &copy), 1);
  ck_assert_int_eq(llsock_addr_equal(&a, &other_port), 0);
  ck_assert_int_eq(llsock_addr_equal(&a, &v6), 0);
  ck_assert_int_eq(llsock_addr_equal(&path, &abstract), 0);
  ck_assert_int_eq(llsock_addr_equal(&path, &path), 1);
}
END_TEST

START_TEST(equal_null) {
  /* Two NULLs are equal; NULL and an address are not. */
  llsock_addr a = inet_addr_of("127.0.0.1", "80");

  ck_assert_int_eq(llsock_addr_equal(NULL, NULL), 1);
  ck_assert_int_eq(llsock_addr_equal(&a, NULL), 0);
  ck_assert_int_eq(llsock_addr_equal(NULL, &a), 0);
}
END_TEST

/* ---- llsock_addr_nameinfo ------------------------------------------------ */

START_TEST(nameinfo_numeric) {
  /* Numeric flags give the numeric host and port of IPv4 and IPv6
   * addresses. */
  llsock_addr v4 = inet_addr_of("127.0.0.1", "8080");
  llsock_addr v6 = inet_addr_of("::1", "53");
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  int numeric = NI_NUMERICHOST | NI_NUMERICSERV;

  ck_assert_int_eq(llsock_addr_nameinfo(&v4, host, sizeof(host), serv,
                                        sizeof(serv), numeric),
                   0);
  ck_assert_str_eq(host, "127.0.0.1");
  ck_assert_str_eq(serv, "8080");
  ck_assert_int_eq(llsock_addr_nameinfo(&v6, host, sizeof(host), serv,
                                        sizeof(serv), numeric),
                   0);
  ck_assert_str_eq(host, "::1");
  ck_assert_str_eq(serv, "53");
}
END_TEST

START_TEST(nameinfo_service_only) {
  /* With no host buffer only the service is resolved, from /etc/services. */
  llsock_addr v4 = inet_addr_of("127.0.0.1", "80");
  char serv[NI_MAXSERV];

  if (!have_service("http", "tcp", "nameinfo_service_only"))
    return;
  ck_assert_int_eq(
      llsock_addr_nameinfo(&v4, NULL, 0, serv, sizeof(serv), 0), 0);
  ck_assert_str_eq(serv, "http");
}
END_TEST

START_TEST(nameinfo_resolver_errors) {
  /* A short host buffer is LLSOCK_EAI_OVERFLOW, an empty address
   * LLSOCK_EAI_FAMILY, unknown flags LLSOCK_EAI_BADFLAGS. */
  llsock_addr v4 = inet_addr_of("127.0.0.1", "80"), empty;
  char host[NI_MAXHOST];

  ck_assert_int_eq(llsock_addr_set(&empty, NULL, 0), 0);

  ck_assert_int_eq(llsock_addr_nameinfo(&v4, host, 4, NULL, 0, NI_NUMERICHOST),
                   LLSOCK_EAI_OVERFLOW);
  ck_assert_int_eq(llsock_addr_nameinfo(&empty, host, sizeof(host), NULL, 0,
                                        NI_NUMERICHOST),
                   LLSOCK_EAI_FAMILY);
  ck_assert_int_eq(llsock_addr_nameinfo(&v4, host, sizeof(host), NULL, 0,
                                        NI_NUMERICHOST | 0x40000000),
                   LLSOCK_EAI_BADFLAGS);
}
END_TEST

START_TEST(nameinfo_bad_input) {
  /* A NULL address, a NULL buffer with a size, or a size beyond socklen_t
   * is -EINVAL. */
  llsock_addr v4 = inet_addr_of("127.0.0.1", "80");
  char host[NI_MAXHOST];

  ck_assert_int_eq(llsock_addr_nameinfo(NULL, host, sizeof(host), NULL, 0,
                                        NI_NUMERICHOST),
                   -EINVAL);
  ck_assert_int_eq(
      llsock_addr_nameinfo(&v4, NULL, 16, NULL, 0, NI_NUMERICHOST), -EINVAL);
  ck_assert_int_eq(
      llsock_addr_nameinfo(&v4, host, sizeof(host), NULL, 16, NI_NUMERICHOST),
      -EINVAL);
#if SIZE_MAX > UINT_MAX
  ck_assert_int_eq(llsock_addr_nameinfo(&v4, host, (size_t)UINT_MAX + 1,
                                        NULL, 0, NI_NUMERICHOST),
                   -EINVAL);
#endif
}
END_TEST

/* getaddrinfo resolves numeric hosts and passive wildcards with the
 * socket type asked for, without DNS. */
START_TEST(getaddrinfo_numeric_and_passive) {
  struct addrinfo hints, *res;
  llsock_addr addr;
  char host[LLSOCK_ADDRSTRLEN];

  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST;
  ck_assert_int_eq(llsock_getaddrinfo("127.0.0.1", "53", &hints, &res), 0);
  ck_assert_int_eq(res->ai_socktype, SOCK_DGRAM);
  ck_assert_int_eq(llsock_addr_set(&addr, res->ai_addr, res->ai_addrlen), 0);
  ck_assert_int_eq(llsock_addr_port(&addr), 53);
  freeaddrinfo(res);

  hints.ai_family = AF_INET6;
  hints.ai_flags = AI_PASSIVE;
  ck_assert_int_eq(llsock_getaddrinfo(NULL, "0", &hints, &res), 0);
  ck_assert_int_eq(llsock_addr_set(&addr, res->ai_addr, res->ai_addrlen), 0);
  ck_assert_int_gt(llsock_addr_host(&addr, host, sizeof(host)), 0);
  ck_assert_str_eq(host, "::");
  freeaddrinfo(res);
}
END_TEST

/* getaddrinfo failures come back as llsock codes, never raw EAI values. */
START_TEST(getaddrinfo_failures) {
  struct addrinfo hints, *res = NULL;

  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST;
  ck_assert_int_eq(llsock_getaddrinfo("not-numeric", "80", &hints, &res),
                   LLSOCK_EAI_NONAME);
  ck_assert_int_eq(llsock_getaddrinfo(NULL, NULL, NULL, &res),
                   LLSOCK_EAI_NONAME);
  ck_assert_int_eq(llsock_getaddrinfo("127.0.0.1", "70000", NULL, &res),
                   -EINVAL);
  ck_assert_int_eq(llsock_getaddrinfo("127.0.0.1", "80", NULL, NULL),
                   -EINVAL);
  hints.ai_flags = -1;
  ck_assert_int_eq(llsock_getaddrinfo("127.0.0.1", "80", &hints, &res),
                   LLSOCK_EAI_BADFLAGS);
  hints.ai_flags = 0;
  hints.ai_socktype = 12345;
  ck_assert_int_eq(llsock_getaddrinfo("127.0.0.1", "80", &hints, &res),
                   LLSOCK_EAI_SOCKTYPE);
  ck_assert_ptr_null(res);
}
END_TEST

/* ---- netlink, packet and vsock addresses -------------------------------- */

#if defined(HAVE_LINUX_NETLINK_H) && defined(HAVE_LINUX_IF_PACKET_H) &&       \
    defined(HAVE_LINUX_VM_SOCKETS_H)
#define HAVE_LINUX_FAMILIES 1
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_arp.h>
#include <linux/if_packet.h>
#include <linux/vm_sockets.h>
#include <poll.h>
#include <stdlib.h>

START_TEST(netlink_round_trip) {
  /* A netlink address is a whole sockaddr_nl with the pid and groups given,
   * reads them back, and formats as netlink:PID[/0xGROUPS]. */
  llsock_addr addr;
  struct sockaddr_nl nl;
  uint32_t pid = 1, groups = 1;

  ck_assert_int_eq(llsock_addr_netlink(&addr, 4000000000u, 0x11), 0);
  ck_assert_int_eq(llsock_addr_family(&addr), AF_NETLINK);
  ck_assert_uint_eq(addr.len, sizeof(nl));
  memcpy(&nl, &addr.u, sizeof(nl));
  ck_assert_uint_eq(nl.nl_pid, 4000000000u);
  ck_assert_uint_eq(nl.nl_groups, 0x11);
  ck_assert_int_eq(llsock_addr_netlink_info(&addr, &pid, &groups), 0);
  ck_assert_uint_eq(pid, 4000000000u);
  ck_assert_uint_eq(groups, 0x11);
  ck_assert_str_eq(formatted(&addr), "netlink:4000000000/0x11");
  ck_assert_int_eq(llsock_addr_netlink(&addr, 0, 0), 0);
  ck_assert_str_eq(formatted(&addr), "netlink:0");
  ck_assert_int_eq(llsock_addr_netlink_info(&addr, NULL, NULL), 0);
  ck_assert_int_eq(llsock_addr_port(&addr), -EAFNOSUPPORT);
  ck_assert_ptr_null(llsock_addr_path(&addr, &(size_t){0}));
}
END_TEST

START_TEST(vsock_round_trip) {
  /* A vsock address holds cid and port as given, also the ANY values, and
   * formats as vsock:CID:PORT. */
  llsock_addr addr;
  struct sockaddr_vm vm;
  uint32_t cid = 0, port = 0;

  ck_assert_int_eq(llsock_addr_vsock(&addr, VMADDR_CID_HOST, 1234), 0);
  ck_assert_int_eq(llsock_addr_family(&addr), AF_VSOCK);
  ck_assert_uint_eq(addr.len, sizeof(vm));
  memcpy(&vm, &addr.u, sizeof(vm));
  ck_assert_uint_eq(vm.svm_cid, VMADDR_CID_HOST);
  ck_assert_uint_eq(vm.svm_port, 1234);
  ck_assert_int_eq(llsock_addr_vsock_info(&addr, &cid, &port), 0);
  ck_assert_uint_eq(cid, 2);
  ck_assert_uint_eq(port, 1234);
  ck_assert_str_eq(formatted(&addr), "vsock:2:1234");
  ck_assert_int_eq(llsock_addr_vsock(&addr, VMADDR_CID_ANY, VMADDR_PORT_ANY),
                   0);
  ck_assert_int_eq(llsock_addr_vsock_info(&addr, &cid, &port), 0);
  ck_assert_uint_eq(cid, 0xffffffffu);
  ck_assert_uint_eq(port, 0xffffffffu);
  ck_assert_str_eq(formatted(&addr), "vsock:4294967295:4294967295");
}
END_TEST

START_TEST(packet_round_trip) {
  /* A packet address holds every field of sockaddr_ll (the protocol in
   * network order), is at least a whole sockaddr_ll, and formats as
   * packet:IF/0xPROTO/HWADDR. */
  llsock_packet_addr in = {.protocol = ETH_P_IP, .ifindex = 1,
                           .hatype = ARPHRD_ETHER, .pkttype = PACKET_BROADCAST,
                           .halen = 6,
                           .hwaddr = {0x02, 0, 0, 0, 0xab, 0xcd}};
  llsock_packet_addr out;
  llsock_addr addr;
  struct sockaddr_ll ll;
  char lo[IF_NAMESIZE], want[64];

  ck_assert_int_eq(llsock_addr_packet(&addr, &in), 0);
  ck_assert_int_eq(llsock_addr_family(&addr), AF_PACKET);
  ck_assert_uint_eq(addr.len, sizeof(ll));
  memcpy(&ll, &addr.u, sizeof(ll));
  ck_assert_uint_eq(ll.sll_protocol, htons(ETH_P_IP));
  ck_assert_int_eq(ll.sll_ifindex, 1);
  ck_assert_uint_eq(ll.sll_hatype, ARPHRD_ETHER);
  ck_assert_uint_eq(ll.sll_pkttype, PACKET_BROADCAST);
  ck_assert_uint_eq(ll.sll_halen, 6);
  ck_assert_mem_eq(ll.sll_addr, in.hwaddr, 6);
  ck_assert_int_eq(llsock_addr_packet_info(&addr, &out), 0);
  ck_assert_mem_eq(&out, &in, sizeof(in));
  ck_assert_ptr_nonnull(if_indextoname(1, lo));
  snprintf(want, sizeof(want), "packet:%s/0x0800/02:00:00:00:ab:cd", lo);
  ck_assert_str_eq(formatted(&addr), want);

  /* no hardware address, any interface */
  memset(&in, 0, sizeof(in));
  in.protocol = ETH_P_ALL;
  ck_assert_int_eq(llsock_addr_packet(&addr, &in), 0);
  ck_assert_str_eq(formatted(&addr), "packet:any/0x0003");
  /* an interface index with no interface formats as the number */
  in.ifindex = 999999;
  ck_assert_int_eq(llsock_addr_packet(&addr, &in), 0);
  ck_assert_str_eq(formatted(&addr), "packet:999999/0x0003");
}
END_TEST

START_TEST(packet_long_hwaddr) {
  /* A hardware address longer than sll_addr (InfiniBand's 20 bytes, up to
   * LLSOCK_HWADDR_MAX) runs on past sockaddr_ll and reads back whole. */
  llsock_packet_addr in = {.protocol = 0x88b5, .ifindex = 0, .halen = 32};
  llsock_packet_addr out;
  llsock_addr addr;
  unsigned int i;

  for (i = 0; i < in.halen; i++)
    in.hwaddr[i] = (unsigned char)(0xf0 + i);
  ck_assert_int_eq(llsock_addr_packet(&addr, &in), 0);
  ck_assert_uint_eq(addr.len, offsetof(struct sockaddr_ll, sll_addr) + 32);
  ck_assert_int_eq(llsock_addr_packet_info(&addr, &out), 0);
  ck_assert_uint_eq(out.halen, 32);
  ck_assert_mem_eq(out.hwaddr, in.hwaddr, 32);
  ck_assert_int_ge(llsock_addr_format(&addr, (char[LLSOCK_ADDRSTRLEN]){0},
                                      LLSOCK_ADDRSTRLEN),
                   0);
}
END_TEST

START_TEST(packet_bad_fields) {
  /* Fields out of range are -EINVAL and NULL pointers too. */
  llsock_packet_addr base = {.protocol = ETH_P_ALL}, p;
  llsock_addr addr;

  p = base, p.protocol = 0x10000;
  ck_assert_int_eq(llsock_addr_packet(&addr, &p), -EINVAL);
  p = base, p.hatype = 0x10000;
  ck_assert_int_eq(llsock_addr_packet(&addr, &p), -EINVAL);
  p = base, p.pkttype = 256;
  ck_assert_int_eq(llsock_addr_packet(&addr, &p), -EINVAL);
  p = base, p.ifindex = -1;
  ck_assert_int_eq(llsock_addr_packet(&addr, &p), -EINVAL);
  p = base, p.halen = LLSOCK_HWADDR_MAX + 1;
  ck_assert_int_eq(llsock_addr_packet(&addr, &p), -EINVAL);
  ck_assert_int_eq(llsock_addr_packet(NULL, &base), -EINVAL);
  ck_assert_int_eq(llsock_addr_packet(&addr, NULL), -EINVAL);
  ck_assert_int_eq(llsock_addr_netlink(NULL, 0, 0), -EINVAL);
  ck_assert_int_eq(llsock_addr_vsock(NULL, 0, 0), -EINVAL);
}
END_TEST

START_TEST(readers_refuse_other_or_short) {
  /* Each reader refuses another family, a NULL address and one too short
   * for its fields (a kernel-given length is trusted, never read past). */
  llsock_addr v4 = inet_addr_of("127.0.0.1", "1"), nl, vm, ll;
  llsock_packet_addr pkt = {.protocol = 1, .halen = 6};
  uint32_t a, b;

  ck_assert_int_eq(llsock_addr_netlink_info(&v4, &a, &b), -EAFNOSUPPORT);
  ck_assert_int_eq(llsock_addr_vsock_info(&v4, &a, &b), -EAFNOSUPPORT);
  ck_assert_int_eq(llsock_addr_packet_info(&v4, &pkt), -EAFNOSUPPORT);
  ck_assert_int_eq(llsock_addr_netlink_info(NULL, &a, &b), -EAFNOSUPPORT);
  ck_assert_int_eq(llsock_addr_vsock_info(NULL, &a, &b), -EAFNOSUPPORT);
  ck_assert_int_eq(llsock_addr_packet_info(NULL, &pkt), -EAFNOSUPPORT);

  ck_assert_int_eq(llsock_addr_netlink(&nl, 5, 0), 0);
  nl.len--;
  ck_assert_int_eq(llsock_addr_netlink_info(&nl, &a, &b), -EAFNOSUPPORT);
  ck_assert_str_eq(formatted(&nl), "(family 16)");
  ck_assert_int_eq(llsock_addr_vsock(&vm, 3, 4), 0);
  vm.len = offsetof(struct sockaddr_vm, svm_cid) + 3;
  ck_assert_int_eq(llsock_addr_vsock_info(&vm, &a, &b), -EAFNOSUPPORT);
  ck_assert_int_eq(llsock_addr_packet(&ll, &pkt), 0);
  /* a header with no room for the 6 bytes it announces */
  ll.len = offsetof(struct sockaddr_ll, sll_addr) + 2;
  ck_assert_int_eq(llsock_addr_packet_info(&ll, &pkt), 0);
  ck_assert_uint_eq(pkt.halen, 2);
  ll.len = offsetof(struct sockaddr_ll, sll_addr) - 1;
  ck_assert_int_eq(llsock_addr_packet_info(&ll, &pkt), -EAFNOSUPPORT);
}
END_TEST

START_TEST(inet_readers_refuse_short) {
  /* An inet address cut short has no port or host (the fuzz_addr target
   * found them read from the zeros past its length): the readers refuse
   * it and it formats by its family number. */
  llsock_addr v4 = inet_addr_of("127.0.0.1", "80");
  llsock_addr v6 = inet_addr_of("::1", "80");
  char host[LLSOCK_ADDRSTRLEN];

  v4.len = offsetof(struct sockaddr_in, sin_port) + 2;
  ck_assert_int_eq(llsock_addr_port(&v4), -EAFNOSUPPORT);
  ck_assert_int_eq(llsock_addr_host(&v4, host, sizeof(host)), -EAFNOSUPPORT);
  ck_assert_str_eq(formatted(&v4), "(family 2)");
  v6.len = sizeof(struct sockaddr_in6) - 1;
  ck_assert_int_eq(llsock_addr_port(&v6), -EAFNOSUPPORT);
  ck_assert_int_eq(llsock_addr_host(&v6, host, sizeof(host)), -EAFNOSUPPORT);
  ck_assert_str_eq(formatted(&v6), "(family 10)");
  v4.len = sizeof(struct sockaddr_in);
  ck_assert_int_eq(llsock_addr_port(&v4), 80);
  ck_assert_str_eq(formatted(&v4), "127.0.0.1:80");
}
END_TEST

START_TEST(families_equal) {
  /* Addresses of the new families compare by family, bytes and length. */
  llsock_addr a, b;
  llsock_packet_addr p = {.protocol = ETH_P_ALL, .ifindex = 1};

  ck_assert_int_eq(llsock_addr_netlink(&a, 7, 0), 0);
  ck_assert_int_eq(llsock_addr_netlink(&b, 7, 0), 0);
  ck_assert_int_eq(llsock_addr_equal(&a, &b), 1);
  ck_assert_int_eq(llsock_addr_netlink(&b, 7, 1), 0);
  ck_assert_int_eq(llsock_addr_equal(&a, &b), 0);
  ck_assert_int_eq(llsock_addr_vsock(&a, 3, 7), 0);
  ck_assert_int_eq(llsock_addr_vsock(&b, 3, 7), 0);
  ck_assert_int_eq(llsock_addr_equal(&a, &b), 1);
  ck_assert_int_eq(llsock_addr_packet(&a, &p), 0);
  ck_assert_int_eq(llsock_addr_packet(&b, &p), 0);
  ck_assert_int_eq(llsock_addr_equal(&a, &b), 1);
  p.ifindex = 2;
  ck_assert_int_eq(llsock_addr_packet(&b, &p), 0);
  ck_assert_int_eq(llsock_addr_equal(&a, &b), 0);
}
END_TEST

START_TEST(netlink_bind_gets_port_id) {
  /* Binding a route netlink socket to pid 0 makes the kernel assign a port
   * id, which sockname reads back as a netlink address. */
  llsock_addr any, got;
  uint32_t pid = 0, groups = 1;
  int fd = llsock_socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, 0);

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_addr_netlink(&any, 0, 0), 0);
  ck_assert_int_eq(llsock_bind(fd, &any), 0);
  ck_assert_int_eq(llsock_sockname(fd, &got), 0);
  ck_assert_int_eq(llsock_addr_netlink_info(&got, &pid, &groups), 0);
  ck_assert_uint_ne(pid, 0);
  ck_assert_uint_eq(groups, 0);
  tu_close(fd);
}
END_TEST

/* The veth pair the namespace tests make, with fixed hardware addresses. */
#define VETH_SETUP                                                            \
  "ip link set lo up && "                                                     \
  "ip link add llsk0 address 02:00:00:00:11:00 type veth "                    \
  "peer name llsk1 address 02:00:00:00:11:01 && "                             \
  "ip link set llsk0 up && ip link set llsk1 up"

/* Counts the interfaces that iproute2 lists in this namespace. */
static int ip_link_count(void) {
  char line[512];
  int n = 0;
  FILE *p = popen("ip -o link show", "r");

  if (p == NULL)
    return -1;
  while (fgets(line, sizeof(line), p) != NULL)
    n++;
  return pclose(p) == 0 ? n : -1;
}

/* One RTM_GETLINK dump over a route netlink socket: the names, as the kernel
 * sends them, must be lo, llsk0 and llsk1 and as many as ip lists. */
static const char *dump_links(void *arg) {
  struct {
    struct nlmsghdr nh;
    struct ifinfomsg ifi;
  } req = {.nh = {.nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
                  .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1},
           .ifi = {.ifi_family = AF_UNSPEC}};
  static char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
  llsock_addr kernel, from;
  uint32_t pid = 1;
  int fd, done = 0, seen_lo = 0, seen0 = 0, seen1 = 0, count = 0;

  (void)arg;
  fd = llsock_socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, 0);
  TU_NS_CHECK(fd >= 0);
  TU_NS_CHECK(llsock_addr_netlink(&kernel, 0, 0) == 0);
  TU_NS_CHECK(llsock_sendto(fd, &req, sizeof(req), 0, &kernel) ==
              (ssize_t)sizeof(req));
  while (!done) {
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    ssize_t n;
    struct nlmsghdr *nh;

    TU_NS_CHECK(poll(&pfd, 1, TU_WAIT_MS) == 1);
    n = llsock_recvfrom(fd, buf, sizeof(buf), 0, &from);
    TU_NS_CHECK(n > 0);
    /* every reply comes from the kernel: port id 0 */
    TU_NS_CHECK(llsock_addr_netlink_info(&from, &pid, NULL) == 0);
    TU_NS_CHECK(pid == 0);
    for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
         nh = NLMSG_NEXT(nh, n)) {
      struct rtattr *rta;
      int len;
      if (nh->nlmsg_type == NLMSG_DONE) {
        done = 1;
        break;
      }
      TU_NS_CHECK(nh->nlmsg_type == RTM_NEWLINK);
      count++;
      rta = IFLA_RTA(NLMSG_DATA(nh));
      len = (int)IFLA_PAYLOAD(nh);
      for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
        const char *name = RTA_DATA(rta);
        if (rta->rta_type != IFLA_IFNAME)
          continue;
        seen_lo |= strcmp(name, "lo") == 0;
        seen0 |= strcmp(name, "llsk0") == 0;
        seen1 |= strcmp(name, "llsk1") == 0;
      }
    }
  }
  llsock_close(fd, LLSOCK_SHUT_NONE);
  TU_NS_CHECK(seen_lo && seen0 && seen1);
  TU_NS_CHECK(count == ip_link_count());
  return NULL;
}

START_TEST(netlink_dumps_namespace_links) {
  /* A route netlink socket dumps the links of a namespace holding a veth
   * pair: replies come from port id 0, and name lo, llsk0 and llsk1. */
  tu_in_netns("netlink_dumps_namespace_links", VETH_SETUP, dump_links, NULL);
}
END_TEST

/* An experimental ethertype (IEEE 802 local use): nothing else sends it. */
#define TEST_ETHERTYPE 0x88b5

static const char *packet_over_veth(void *arg) {
  static const unsigned char mac0[6] = {2, 0, 0, 0, 0x11, 0x00};
  static const unsigned char mac1[6] = {2, 0, 0, 0, 0x11, 0x01};
  llsock_packet_addr rx = {.protocol = TEST_ETHERTYPE}, tx, got;
  llsock_addr bind_addr, to, from, name;
  struct pollfd pfd = {.events = POLLIN};
  int tries;
  char buf[64];
  int sender, receiver;
  ssize_t n;

  (void)arg;
  rx.ifindex = (int)if_nametoindex("llsk1");
  TU_NS_CHECK(rx.ifindex > 0);
  receiver = llsock_socket(AF_PACKET, SOCK_DGRAM, htons(TEST_ETHERTYPE), 0);
  if (receiver == -EPERM)
    return TU_NS_SKIP "no CAP_NET_RAW for packet sockets";
  TU_NS_CHECK(receiver >= 0);
  TU_NS_CHECK(llsock_addr_packet(&bind_addr, &rx) == 0);
  TU_NS_CHECK(llsock_bind(receiver, &bind_addr) == 0);
  TU_NS_CHECK(llsock_sockname(receiver, &name) == 0);
  TU_NS_CHECK(llsock_addr_packet_info(&name, &got) == 0);
  TU_NS_CHECK(got.ifindex == rx.ifindex && got.protocol == TEST_ETHERTYPE);
  TU_NS_CHECK(got.hatype == ARPHRD_ETHER && got.halen == 6);
  TU_NS_CHECK(memcmp(got.hwaddr, mac1, 6) == 0);

  sender = llsock_socket(AF_PACKET, SOCK_DGRAM, 0, 0);
  TU_NS_CHECK(sender >= 0);
  memset(&tx, 0, sizeof(tx));
  tx.protocol = TEST_ETHERTYPE;
  tx.ifindex = (int)if_nametoindex("llsk0");
  tx.halen = 6;
  memcpy(tx.hwaddr, mac1, 6);
  TU_NS_CHECK(llsock_addr_packet(&to, &tx) == 0);
  /* a veth pair just set up may drop frames until its carrier is up:
   * send again, a bounded number of times, until one arrives */
  pfd.fd = receiver;
  for (tries = 0; tries < 40; tries++) {
    TU_NS_CHECK(llsock_sendto(sender, "hello, veth", 11, 0, &to) == 11);
    if (poll(&pfd, 1, 100) == 1)
      break;
  }
  TU_NS_CHECK(tries < 40);
  n = llsock_recvfrom(receiver, buf, sizeof(buf), 0, &from);
  TU_NS_CHECK(n == 11 && memcmp(buf, "hello, veth", 11) == 0);
  TU_NS_CHECK(llsock_addr_packet_info(&from, &got) == 0);
  TU_NS_CHECK(got.ifindex == rx.ifindex);
  TU_NS_CHECK(got.protocol == TEST_ETHERTYPE);
  TU_NS_CHECK(got.hatype == ARPHRD_ETHER);
  TU_NS_CHECK(got.pkttype == PACKET_HOST);
  TU_NS_CHECK(got.halen == 6 && memcmp(got.hwaddr, mac0, 6) == 0);
  llsock_close(sender, LLSOCK_SHUT_NONE);
  llsock_close(receiver, LLSOCK_SHUT_NONE);
  return NULL;
}

START_TEST(packet_sees_frame_on_veth) {
  /* A packet socket bound to one end of a veth pair receives a frame sent
   * to its hardware address from the other end, and the sender's address
   * reads back: interface, ethertype, ARPHRD_ETHER, PACKET_HOST, MAC. */
  tu_in_netns("packet_sees_frame_on_veth", VETH_SETUP, packet_over_veth,
              NULL);
}
END_TEST

START_TEST(vsock_bind_reads_back) {
  /* Where the host has vsock, a socket bound to any cid and any port reads
   * back as vsock with the cid and a port the kernel chose. */
  llsock_addr addr, got;
  uint32_t cid = 0, port = 0;
  int fd = llsock_socket(AF_VSOCK, SOCK_STREAM, 0, 0), rc;

  if (fd < 0) {
    printf("SKIP vsock_bind_reads_back: no vsock sockets here (%s)\n",
           llsock_errname(fd));
    return;
  }
  ck_assert_int_eq(llsock_addr_vsock(&addr, VMADDR_CID_ANY, VMADDR_PORT_ANY),
                   0);
  rc = llsock_bind(fd, &addr);
  if (rc < 0) {
    printf("SKIP vsock_bind_reads_back: no vsock transport to bind (%s)\n",
           llsock_errname(rc));
    tu_close(fd);
    return;
  }
  ck_assert_int_eq(llsock_sockname(fd, &got), 0);
  ck_assert_int_eq(llsock_addr_vsock_info(&got, &cid, &port), 0);
  ck_assert_uint_eq(cid, VMADDR_CID_ANY);
  ck_assert_uint_ne(port, VMADDR_PORT_ANY);
  tu_close(fd);
}
END_TEST
#endif /* HAVE_LINUX_FAMILIES */

/* A tiny deterministic generator, so a failure can be replayed. */
static unsigned int next_random(unsigned int *state) {
  *state = *state * 1103515245u + 12345u;
  return *state >> 8;
}

/* Random bytes as unix paths, numeric hosts and raw sockaddrs never make
 * the parsers or formatters write past their buffers (the sanitizer build
 * would abort), and every formatted string fits LLSOCK_ADDRSTRLEN. */
START_TEST(random_input_stays_in_bounds) {
  static const int families[] = {AF_UNSPEC, AF_INET,    AF_INET6, AF_UNIX,
                                 99,        AF_NETLINK, AF_PACKET, AF_VSOCK};
  unsigned int state = 20261125u;
  char bytes[sizeof(struct sockaddr_storage) + 16], text[LLSOCK_ADDRSTRLEN];
  llsock_addr addr;
  int round;

  for (round = 0; round < 20000; round++) {
    size_t len = next_random(&state) % sizeof(bytes), i, pathlen;
    int n;
    for (i = 0; i < len; i++)
      bytes[i] = (char)next_random(&state);
    if (len > 0 && round % 3 == 0)
      bytes[0] = '\0'; /* abstract names */
    if (llsock_addr_unix(&addr, bytes, len) == 0) {
      ck_assert_ptr_nonnull(llsock_addr_path(&addr, &pathlen));
      ck_assert_uint_le(pathlen, len);
      n = llsock_addr_format(&addr, text, sizeof(text));
      ck_assert(n >= 0 && (size_t)n < sizeof(text));
    }
    bytes[len < sizeof(bytes) - 1 ? len : sizeof(bytes) - 1] = '\0';
    if (llsock_addr_inet(&addr, bytes, "80") == 0) {
      n = llsock_addr_format(&addr, text, sizeof(text));
      ck_assert(n > 0 && (size_t)n < sizeof(text));
    }
    if (len >= sizeof(sa_family_t)) {
      sa_family_t family =
          (sa_family_t)families[round % (int)TU_COUNT(families)];
      memcpy(bytes, &family, sizeof(family));
    }
    if (llsock_addr_set(&addr, (struct sockaddr *)bytes,
                        (socklen_t)(len <= sizeof(addr.u) ? len : 0)) == 0) {
      n = llsock_addr_format(&addr, text, sizeof(text));
      ck_assert(n >= 0 && (size_t)n < sizeof(text));
      n = llsock_addr_host(&addr, text, sizeof(text));
      ck_assert(n == -EAFNOSUPPORT || (n >= 0 && (size_t)n < sizeof(text)));
      llsock_addr_path(&addr, &pathlen);
      llsock_addr_port(&addr);
      llsock_addr_netlink_info(&addr, NULL, NULL);
      llsock_addr_vsock_info(&addr, NULL, NULL);
      llsock_addr_packet_info(&addr, &(llsock_packet_addr){0});
    }
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("addr");
  TCase *tc = tu_tcase(s, "set");

  tcase_add_test(tc, set_copies_sockaddr);
  tcase_add_test(tc, set_empty_is_unspec);
  tcase_add_test(tc, set_bad_input);

  tc = tu_tcase(s, "getaddrinfo");
  tcase_add_test(tc, getaddrinfo_numeric_and_passive);
  tcase_add_test(tc, getaddrinfo_failures);

  tc = tu_tcase(s, "random");
  tcase_add_test(tc, random_input_stays_in_bounds);

  tc = tu_tcase(s, "inet");
  tcase_add_test(tc, inet_parses_ipv4);
  tcase_add_test(tc, inet_parses_ipv6);
  tcase_add_test(tc, inet_parses_scope);
  tcase_add_test(tc, inet_unknown_scope_index_formats_number);
  tcase_add_test(tc, inet_global_scope_formats_number);
  tcase_add_test(tc, inet_port_forms);
  tcase_add_test(tc, inet_service_name);
  tcase_add_loop_test(tc, inet_bad_port, 0, (int)TU_COUNT(bad_ports));
  tcase_add_test(tc, inet_unknown_service);
  tcase_add_test(tc, inet_non_numeric_host);
  tcase_add_test(tc, inet_null_args);
  tcase_add_test(tc, inet_port_numeric);

  tc = tu_tcase(s, "unix");
  tcase_add_test(tc, unix_path);
  tcase_add_test(tc, unix_abstract);
  tcase_add_test(tc, unix_unnamed);
  tcase_add_test(tc, unix_path_length_limits);
  tcase_add_test(tc, unix_bad_input);

  tc = tu_tcase(s, "accessors");
  tcase_add_test(tc, family_of_short_or_null);
  tcase_add_test(tc, port_of_non_inet);
  tcase_add_test(tc, host_buffer_sizes);
  tcase_add_test(tc, host_bad_input);
  tcase_add_test(tc, path_of_non_unix);

  tc = tu_tcase(s, "format");
  tcase_add_test(tc, format_buffer_sizes);
  tcase_add_test(tc, format_longest_abstract_fits);
  tcase_add_test(tc, format_other_families);
  tcase_add_test(tc, format_bad_input);

  tc = tu_tcase(s, "equal");
  tcase_add_test(tc, equal_compares_family_bytes_length);
  tcase_add_test(tc, equal_null);

#ifdef HAVE_LINUX_FAMILIES
  tc = tu_tcase(s, "families");
  tcase_add_test(tc, netlink_round_trip);
  tcase_add_test(tc, vsock_round_trip);
  tcase_add_test(tc, packet_round_trip);
  tcase_add_test(tc, packet_long_hwaddr);
  tcase_add_test(tc, packet_bad_fields);
  tcase_add_test(tc, readers_refuse_other_or_short);
  tcase_add_test(tc, inet_readers_refuse_short);
  tcase_add_test(tc, families_equal);
  tcase_add_test(tc, netlink_bind_gets_port_id);
  tcase_add_test(tc, netlink_dumps_namespace_links);
  tcase_add_test(tc, packet_sees_frame_on_veth);
  tcase_add_test(tc, vsock_bind_reads_back);
#endif

  tc = tu_tcase(s, "nameinfo");
  tcase_add_test(tc, nameinfo_numeric);
  tcase_add_test(tc, nameinfo_service_only);
  tcase_add_test(tc, nameinfo_resolver_errors);
  tcase_add_test(tc, nameinfo_bad_input);
  return tu_run(s);
}
