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

/* A tiny deterministic generator, so a failure can be replayed. */
static unsigned int next_random(unsigned int *state) {
  *state = *state * 1103515245u + 12345u;
  return *state >> 8;
}

/* Random bytes as unix paths, numeric hosts and raw sockaddrs never make
 * the parsers or formatters write past their buffers (the sanitizer build
 * would abort), and every formatted string fits LLSOCK_ADDRSTRLEN. */
START_TEST(random_input_stays_in_bounds) {
  static const int families[] = {AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX, 99};
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
      sa_family_t family = (sa_family_t)families[round % 5];
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
  tcase_add_test(tc, inet_port_forms);
  tcase_add_test(tc, inet_service_name);
  tcase_add_loop_test(tc, inet_bad_port, 0, (int)TU_COUNT(bad_ports));
  tcase_add_test(tc, inet_unknown_service);
  tcase_add_test(tc, inet_non_numeric_host);
  tcase_add_test(tc, inet_null_args);

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

  tc = tu_tcase(s, "nameinfo");
  tcase_add_test(tc, nameinfo_numeric);
  tcase_add_test(tc, nameinfo_service_only);
  tcase_add_test(tc, nameinfo_resolver_errors);
  tcase_add_test(tc, nameinfo_bad_input);
  return tu_run(s);
}
