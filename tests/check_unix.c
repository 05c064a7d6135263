#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)
/* The longest filesystem path: sun_path keeps a byte for its NUL. */
#define PATH_MAX_LEN (SUN_PATH_SIZE - 1)
/* The longest abstract name, leading NUL included. */
#define ABSTRACT_MAX_LEN SUN_PATH_SIZE

/* A path in tu_tmpdir exactly len bytes long. */
static char *tmppath_of_length(char buf[TU_PATHLEN], size_t len) {
  size_t dirlen = strlen(tu_tmpdir);

  ck_assert_uint_gt(len, dirlen + 1);
  ck_assert_uint_lt(len, TU_PATHLEN);
  memcpy(buf, tu_tmpdir, dirlen);
  buf[dirlen] = '/';
  memset(buf + dirlen + 1, 'p', len - dirlen - 1);
  buf[len] = '\0';
  return buf;
}

/* An abstract name unique to this process padded to exactly len bytes. */
static char *abstract_of_length(char buf[TU_PATHLEN], size_t len) {
  size_t used = tu_abstract_name(buf);

  ck_assert_uint_le(used, len);
  ck_assert_uint_lt(len, TU_PATHLEN);
  memset(buf + used, 'a', len - used);
  return buf;
}

/* Bind path (len bytes) as a listening socket of socktype; the fd. */
static int unix_listener(const char *path, size_t len, int socktype) {
  int fd = llsock_unix_bind(path, len, socktype, 0);

  ck_assert_msg(fd >= 0, "bind: %s", llsock_errname(fd));
  ck_assert_int_eq(llsock_listen(fd, LLSOCK_BACKLOG), 0);
  return fd;
}

/* fd's own address has exactly these path bytes. */
static void assert_sockname_path(int fd, const char *path, size_t len) {
  llsock_addr addr;
  size_t got;
  const char *bytes;

  ck_assert_int_eq(llsock_sockname(fd, &addr), 0);
  ck_assert_int_eq(llsock_addr_family(&addr), AF_UNIX);
  bytes = llsock_addr_path(&addr, &got);
  ck_assert_uint_eq(got, len);
  ck_assert_mem_eq(bytes, path, len);
}

/* Connect to a listener at path, accept, and check one byte each way. */
static void assert_connects(const char *path, size_t len, int listener,
                            int socktype) {
  int client = llsock_unix_connect(path, len, socktype, 0), server;
  char byte = 0;

  ck_assert_msg(client >= 0, "connect: %s", llsock_errname(client));
  server = llsock_accept(listener, NULL);
  ck_assert_int_ge(server, 0);
  ck_assert_int_eq(llsock_send(client, "x", 1, 0), 1);
  ck_assert_int_eq(llsock_recv(server, &byte, 1, 0), 1);
  ck_assert_int_eq(byte, 'x');
  ck_assert_int_eq(llsock_send(server, "y", 1, 0), 1);
  ck_assert_int_eq(llsock_recv(client, &byte, 1, 0), 1);
  ck_assert_int_eq(byte, 'y');
  tu_close2(client, server);
}

/* Bind and connect at path, which must work for every socktype. */
static void assert_binds_and_connects(const char *path, size_t len) {
  int listener = unix_listener(path, len, SOCK_STREAM);

  assert_sockname_path(listener, path, len);
  assert_connects(path, len, listener, SOCK_STREAM);
  tu_close(listener);
}

/* ---- socket types -------------------------------------------------------- */

START_TEST(stream_bind_connect) {
  /* A stream socket bound to a path accepts a connection whose client is
   * unnamed and whose peer is that path. */
  char path[TU_PATHLEN];
  int listener, client, server;
  llsock_addr peer;
  size_t len;

  tu_tmppath(path, "stream");
  listener = unix_listener(path, strlen(path), SOCK_STREAM);
  ck_assert_int_eq(access(path, F_OK), 0);
  client = llsock_unix_connect(path, strlen(path), SOCK_STREAM, 0);
  ck_assert_int_ge(client, 0);
  tu_assert_fd_mode(client, 0);
  server = llsock_accept(listener, &peer);
  ck_assert_int_ge(server, 0);
  ck_assert_ptr_nonnull(llsock_addr_path(&peer, &len));
  ck_assert_uint_eq(len, 0);
  ck_assert_int_eq(llsock_peername(client, &peer), 0);
  ck_assert_mem_eq(llsock_addr_path(&peer, &len), path, strlen(path));
  ck_assert_uint_eq(len, strlen(path));
  ck_assert_int_eq(llsock_type(client), SOCK_STREAM);
  tu_close2(client, server);
  tu_close(listener);
}
END_TEST

START_TEST(dgram_bind_sendto_recvfrom) {
  /* Datagrams between two bound paths arrive whole, with the sender's path
   * as their source. */
  char server_path[TU_PATHLEN], client_path[TU_PATHLEN], buf[16];
  llsock_addr to, from;
  int server, client;
  size_t len;

  tu_tmppath(server_path, "server");
  tu_tmppath(client_path, "client");
  server = llsock_unix_bind(server_path, strlen(server_path), SOCK_DGRAM, 0);
  client = llsock_unix_bind(client_path, strlen(client_path), SOCK_DGRAM, 0);
  ck_assert_int_ge(server, 0);
  ck_assert_int_ge(client, 0);
  ck_assert_int_eq(llsock_type(server), SOCK_DGRAM);
  ck_assert_int_eq(llsock_addr_unix(&to, server_path, strlen(server_path)), 0);
  ck_assert_int_eq(llsock_sendto(client, "ping", 4, 0, &to), 4);
  ck_assert_int_eq(llsock_recvfrom(server, buf, sizeof(buf), 0, &from), 4);
  ck_assert_mem_eq(buf, "ping", 4);
  ck_assert_mem_eq(llsock_addr_path(&from, &len), client_path,
                   strlen(client_path));
  ck_assert_uint_eq(len, strlen(client_path));
  ck_assert_int_eq(llsock_sendto(server, "pong", 4, 0, &from), 4);
  ck_assert_int_eq(llsock_recv(client, buf, sizeof(buf), 0), 4);
  ck_assert_mem_eq(buf, "pong", 4);
  tu_close2(server, client);
}
END_TEST

START_TEST(dgram_connect) {
  /* A datagram socket connected to a bound path sends with no address. */
  char path[TU_PATHLEN], buf[8];
  int server, client;

  tu_tmppath(path, "dgram");
  server = llsock_unix_bind(path, strlen(path), SOCK_DGRAM, 0);
  ck_assert_int_ge(server, 0);
  client = llsock_unix_connect(path, strlen(path), SOCK_DGRAM, 0);
  ck_assert_int_ge(client, 0);
  ck_assert_int_eq(llsock_send(client, "abc", 3, 0), 3);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), 3);
  ck_assert_mem_eq(buf, "abc", 3);
  tu_close2(server, client);
}
END_TEST

START_TEST(seqpacket_keeps_boundaries) {
  /* A seqpacket connection delivers each message whole and separately. */
  char path[TU_PATHLEN], buf[16];
  int listener, client, server;

  tu_tmppath(path, "seqpacket");
  listener = unix_listener(path, strlen(path), SOCK_SEQPACKET);
  client = llsock_unix_connect(path, strlen(path), SOCK_SEQPACKET, 0);
  ck_assert_int_ge(client, 0);
  server = llsock_accept(listener, NULL);
  ck_assert_int_ge(server, 0);
  ck_assert_int_eq(llsock_type(server), SOCK_SEQPACKET);
  ck_assert_int_eq(llsock_send(client, "ab", 2, 0), 2);
  ck_assert_int_eq(llsock_send(client, "cde", 3, 0), 3);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), 2);
  ck_assert_mem_eq(buf, "ab", 2);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), 3);
  ck_assert_mem_eq(buf, "cde", 3);
  tu_close2(client, server);
  tu_close(listener);
}
END_TEST

START_TEST(nonblock_flag) {
  /* LLSOCK_NONBLOCK makes bound and connected unix sockets non-blocking and
   * they stay close-on-exec. */
  char name[TU_PATHLEN];
  size_t len = tu_abstract_name(name);
  int listener = llsock_unix_bind(name, len, SOCK_STREAM, LLSOCK_NONBLOCK);
  int client;

  ck_assert_int_ge(listener, 0);
  tu_assert_fd_mode(listener, 1);
  ck_assert_int_eq(llsock_listen(listener, 1), 0);
  client = llsock_unix_connect(name, len, SOCK_STREAM, LLSOCK_NONBLOCK);
  ck_assert_int_ge(client, 0);
  tu_assert_fd_mode(client, 1);
  tu_close2(client, listener);
}
END_TEST

/* ---- abstract and unnamed ------------------------------------------------ */

START_TEST(abstract_bind_connect) {
  /* An abstract name binds without touching the filesystem and reads back
   * byte for byte. */
  char name[TU_PATHLEN];
  size_t len = tu_abstract_name(name);
  int listener = unix_listener(name, len, SOCK_STREAM);

  assert_sockname_path(listener, name, len);
  ck_assert_int_eq(access(name + 1, F_OK), -1);
  assert_connects(name, len, listener, SOCK_STREAM);
  tu_close(listener);
}
END_TEST

START_TEST(abstract_any_bytes) {
  /* An abstract name may hold NUL and non-printable bytes; they survive the
   * kernel round trip and format as \xHH. */
  char name[TU_PATHLEN], text[LLSOCK_ADDRSTRLEN];
  size_t len = tu_abstract_name(name);
  llsock_addr addr;
  int fd;

  memcpy(name + len, "\0\x01z", 3);
  len += 3;
  fd = llsock_unix_bind(name, len, SOCK_DGRAM, 0);
  ck_assert_int_ge(fd, 0);
  assert_sockname_path(fd, name, len);
  ck_assert_int_eq(llsock_sockname(fd, &addr), 0);
  ck_assert_int_gt(llsock_addr_format(&addr, text, sizeof(text)), 0);
  ck_assert_str_eq(text + strlen(text) - 9, "\\x00\\x01z");
  tu_close(fd);
}
END_TEST

START_TEST(unnamed_bind_autobinds) {
  /* Binding the unnamed address makes Linux pick an abstract name of five
   * hex digits. */
  int fd = llsock_unix_bind(NULL, 0, SOCK_DGRAM, 0);
  llsock_addr addr;
  const char *path;
  size_t len;

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_sockname(fd, &addr), 0);
  path = llsock_addr_path(&addr, &len);
  ck_assert_uint_eq(len, 6);
  ck_assert_int_eq(path[0], '\0');
  ck_assert_uint_eq(strspn(path + 1, "0123456789abcdef"), 5);
  tu_close(fd);
}
END_TEST

START_TEST(unnamed_connect) {
  /* Connecting to the unnamed address is -EINVAL. */
  ck_assert_int_eq(llsock_unix_connect(NULL, 0, SOCK_STREAM, 0), -EINVAL);
}
END_TEST

/* ---- path lengths -------------------------------------------------------- */

static const struct {
  size_t len;
  int abstract;
} name_lengths[] = {
  {PATH_MAX_LEN - 1, 0},     {PATH_MAX_LEN, 0},
  {PATH_MAX_LEN + 1, 0},     {ABSTRACT_MAX_LEN - 1, 1},
  {ABSTRACT_MAX_LEN, 1},     {ABSTRACT_MAX_LEN + 1, 1},
};

START_TEST(name_length_limits) {
  /* A filesystem path of up to sizeof(sun_path) - 1 bytes and an abstract
   * name of up to sizeof(sun_path) bind and connect; one byte more is
   * -ENAMETOOLONG and creates nothing. */
  size_t len = name_lengths[_i].len;
  int abstract = name_lengths[_i].abstract;
  char name[TU_PATHLEN];

  if (abstract)
    abstract_of_length(name, len);
  else
    tmppath_of_length(name, len);
  if (len <= (abstract ? ABSTRACT_MAX_LEN : PATH_MAX_LEN)) {
    assert_binds_and_connects(name, len);
    return;
  }
  ck_assert_int_eq(llsock_unix_bind(name, len, SOCK_STREAM, 0),
                   -ENAMETOOLONG);
  ck_assert_int_eq(llsock_unix_connect(name, len, SOCK_STREAM, 0),
                   -ENAMETOOLONG);
  if (!abstract)
    ck_assert_int_eq(access(name, F_OK), -1);
}
END_TEST

/* ---- failures ------------------------------------------------------------ */

START_TEST(embedded_nul) {
  /* A filesystem path with a NUL inside or at its end is -EINVAL. */
  char path[TU_PATHLEN];
  size_t len = strlen(tu_tmppath(path, "a"));

  path[len - 2] = '\0';
  ck_assert_int_eq(llsock_unix_bind(path, len, SOCK_STREAM, 0), -EINVAL);
  ck_assert_int_eq(llsock_unix_connect(path, len, SOCK_STREAM, 0), -EINVAL);
  ck_assert_int_eq(llsock_unix_bind(path, len - 1, SOCK_STREAM, 0), -EINVAL);
}
END_TEST

START_TEST(connect_missing_path) {
  /* Connecting to a path that does not exist is -ENOENT, for both stream
   * and datagram sockets. */
  char path[TU_PATHLEN];

  tu_tmppath(path, "missing");
  ck_assert_int_eq(llsock_unix_connect(path, strlen(path), SOCK_STREAM, 0),
                   -ENOENT);
  ck_assert_int_eq(llsock_unix_connect(path, strlen(path), SOCK_DGRAM, 0),
                   -ENOENT);
}
END_TEST

START_TEST(bind_missing_directory) {
  /* Binding inside a directory that does not exist is -ENOENT. */
  char path[TU_PATHLEN];

  tu_tmppath(path, "no-dir/sock");
  ck_assert_int_eq(llsock_unix_bind(path, strlen(path), SOCK_STREAM, 0),
                   -ENOENT);
}
END_TEST

START_TEST(bind_existing_path) {
  /* Binding a path that exists is -EADDRINUSE, even after its socket is
   * closed or when it is a plain file. */
  char path[TU_PATHLEN], file[TU_PATHLEN];
  int fd, file_fd;

  tu_tmppath(path, "taken");
  fd = llsock_unix_bind(path, strlen(path), SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_unix_bind(path, strlen(path), SOCK_STREAM, 0),
                   -EADDRINUSE);
  tu_close(fd);
  ck_assert_int_eq(llsock_unix_bind(path, strlen(path), SOCK_DGRAM, 0),
                   -EADDRINUSE);
  tu_tmppath(file, "file");
  file_fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  ck_assert_int_ge(file_fd, 0);
  tu_close(file_fd);
  ck_assert_int_eq(llsock_unix_bind(file, strlen(file), SOCK_STREAM, 0),
                   -EADDRINUSE);
}
END_TEST

START_TEST(bind_existing_abstract) {
  /* Binding an abstract name already bound is -EADDRINUSE. */
  char name[TU_PATHLEN];
  size_t len = tu_abstract_name(name);
  int fd = llsock_unix_bind(name, len, SOCK_STREAM, 0);

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_unix_bind(name, len, SOCK_STREAM, 0), -EADDRINUSE);
  tu_close(fd);
}
END_TEST

START_TEST(connect_refused) {
  /* Connecting to a socket that is not listening, or to a path that is no
   * socket, is -ECONNREFUSED. */
  char path[TU_PATHLEN], file[TU_PATHLEN];
  int fd, file_fd;

  tu_tmppath(path, "idle");
  tu_tmppath(file, "file");
  fd = llsock_unix_bind(path, strlen(path), SOCK_STREAM, 0);
  file_fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_ge(file_fd, 0);
  ck_assert_int_eq(llsock_unix_connect(path, strlen(path), SOCK_STREAM, 0),
                   -ECONNREFUSED);
  ck_assert_int_eq(llsock_unix_connect(file, strlen(file), SOCK_STREAM, 0),
                   -ECONNREFUSED);
  tu_close2(fd, file_fd);
}
END_TEST

START_TEST(connect_wrong_socktype) {
  /* A stream socket connecting to a datagram socket's path is -EPROTOTYPE;
   * at an abstract name Linux keeps the types apart, so it is
   * -ECONNREFUSED. */
  char path[TU_PATHLEN], name[TU_PATHLEN];
  size_t len = tu_abstract_name(name);
  int by_path, by_name;

  tu_tmppath(path, "dgram");
  by_path = llsock_unix_bind(path, strlen(path), SOCK_DGRAM, 0);
  by_name = llsock_unix_bind(name, len, SOCK_DGRAM, 0);
  ck_assert_int_ge(by_path, 0);
  ck_assert_int_ge(by_name, 0);
  ck_assert_int_eq(llsock_unix_connect(path, strlen(path), SOCK_STREAM, 0),
                   -EPROTOTYPE);
  ck_assert_int_eq(llsock_unix_connect(name, len, SOCK_STREAM, 0),
                   -ECONNREFUSED);
  tu_close2(by_path, by_name);
}
END_TEST

START_TEST(bad_arguments) {
  /* A socktype <= 0 or unknown, a flag other than LLSOCK_NONBLOCK and a
   * NULL path with a length are -EINVAL. */
  char name[TU_PATHLEN];
  size_t len = tu_abstract_name(name);

  ck_assert_int_eq(llsock_unix_bind(name, len, 0, 0), -EINVAL);
  ck_assert_int_eq(llsock_unix_connect(name, len, -1, 0), -EINVAL);
  ck_assert_int_eq(llsock_unix_bind(name, len, 999, 0), -EINVAL);
  ck_assert_int_eq(llsock_unix_bind(name, len, SOCK_STREAM, LLSOCK_REUSEADDR),
                   -EINVAL);
  ck_assert_int_eq(llsock_unix_connect(name, len, SOCK_STREAM, -1), -EINVAL);
  ck_assert_int_eq(llsock_unix_bind(NULL, 5, SOCK_STREAM, 0), -EINVAL);
  ck_assert_int_eq(llsock_unix_connect(NULL, 5, SOCK_STREAM, 0), -EINVAL);
}
END_TEST

/* A unix peer's credentials are this process's own; other sockets have
 * none to give. */
START_TEST(peercred_unix) {
  int pair[2];
  pid_t pid;
  uid_t uid;
  gid_t gid;

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  ck_assert_int_eq(llsock_peercred(pair[0], &pid, &uid, &gid), 0);
  ck_assert_int_eq(pid, getpid());
  ck_assert_int_eq(uid, getuid());
  ck_assert_int_eq(gid, getgid());
  ck_assert_int_eq(llsock_peercred(pair[0], NULL, NULL, NULL), 0);
  tu_close2(pair[0], pair[1]);
  for (int i = 0; i < 3; i++) {
    static const int kinds[][2] = {{AF_UNIX, SOCK_STREAM},
                                   {AF_UNIX, SOCK_DGRAM},
                                   {AF_INET, SOCK_DGRAM}};
    int fd = socket(kinds[i][0], kinds[i][1], 0);

    ck_assert_int_ge(fd, 0);
    pid = 12345;
    ck_assert_int_eq(llsock_peercred(fd, &pid, &uid, &gid), -ENOTCONN);
    ck_assert_int_eq(pid, 12345); /* untouched */
    close(fd);
  }
  ck_assert_int_eq(llsock_peercred(tu_closed_fd(), &pid, &uid, &gid), -EBADF);
}
END_TEST

/* A socket's id is stable while it is open, shared by its duplicates, and
 * not that of the next socket to get its fd number. */
START_TEST(socket_id_names_the_socket) {
  int pair[2], copy, reused;
  uint64_t a, a2, b, dup_id, new_id;

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  ck_assert_int_eq(llsock_socket_id(pair[0], &a), 0);
  ck_assert_int_eq(llsock_socket_id(pair[0], &a2), 0);
  ck_assert_int_eq(llsock_socket_id(pair[1], &b), 0);
  ck_assert(a == a2);
  ck_assert(a != b);
  copy = dup(pair[0]);
  ck_assert_int_ge(copy, 0);
  ck_assert_int_eq(llsock_socket_id(copy, &dup_id), 0);
  ck_assert(dup_id == a);
  ck_assert_int_eq(llsock_close(copy, LLSOCK_SHUT_NONE), 0);

  /* the lowest free number: pair[0]'s, once it is closed */
  ck_assert_int_eq(llsock_close(pair[0], LLSOCK_SHUT_NONE), 0);
  reused = llsock_socket(AF_UNIX, SOCK_DGRAM, 0, 0);
  ck_assert_int_eq(reused, pair[0]);
  ck_assert_int_eq(llsock_socket_id(reused, &new_id), 0);
  ck_assert(new_id != a);
  tu_close2(reused, pair[1]);
}
END_TEST

/* Not a socket, not open, or nowhere to write the id. */
START_TEST(socket_id_failures) {
  int p[2];
  uint64_t id;

  ck_assert_int_eq(pipe(p), 0);
  ck_assert_int_eq(llsock_socket_id(p[0], &id), -ENOTSOCK);
  close(p[0]);
  close(p[1]);
  ck_assert_int_eq(llsock_socket_id(p[0], &id), -EBADF);
  ck_assert_int_eq(llsock_socket_id(-1, &id), -EBADF);
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, p), 0);
  ck_assert_int_eq(llsock_socket_id(p[0], NULL), -EINVAL);
  tu_close2(p[0], p[1]);
}
END_TEST

int main(void) {
  Suite *s = suite_create("unix");
  TCase *tc = tu_tcase(s, "types");

  tu_use_tmpdir(tc);
  tcase_add_test(tc, stream_bind_connect);
  tcase_add_test(tc, dgram_bind_sendto_recvfrom);
  tcase_add_test(tc, dgram_connect);
  tcase_add_test(tc, seqpacket_keeps_boundaries);
  tcase_add_test(tc, nonblock_flag);

  tc = tu_tcase(s, "names");
  tcase_add_test(tc, abstract_bind_connect);
  tcase_add_test(tc, abstract_any_bytes);
  tcase_add_test(tc, unnamed_bind_autobinds);
  tcase_add_test(tc, unnamed_connect);

  tc = tu_tcase(s, "lengths");
  tu_use_tmpdir(tc);
  tcase_add_loop_test(tc, name_length_limits, 0, (int)TU_COUNT(name_lengths));

  tc = tu_tcase(s, "failures");
  tu_use_tmpdir(tc);
  tcase_add_test(tc, embedded_nul);
  tcase_add_test(tc, connect_missing_path);
  tcase_add_test(tc, bind_missing_directory);
  tcase_add_test(tc, bind_existing_path);
  tcase_add_test(tc, bind_existing_abstract);
  tcase_add_test(tc, connect_refused);
  tcase_add_test(tc, connect_wrong_socktype);
  tcase_add_test(tc, bad_arguments);
  tcase_add_test(tc, peercred_unix);

  tc = tu_tcase(s, "socket id");
  tcase_add_test(tc, socket_id_names_the_socket);
  tcase_add_test(tc, socket_id_failures);
  return tu_run(s);
}
