/*
 * Fuzz target: unix addresses from arbitrary bytes and lengths, as
 * llsock_addr_unix() takes them and as raw sockaddr bytes from a kernel
 * or a caller, with their readers and formatting; and a bound abstract
 * name read back from the kernel.
 *
 * Promises checked:
 *   - a path is refused exactly when it would not fit sun_path (with the
 *     NUL a filesystem path keeps) or a filesystem path holds a NUL; it is
 *     never truncated;
 *   - an accepted path reads back byte for byte, and its address
 *     round-trips through llsock_addr_path();
 *   - the formatted form is printable text for abstract names;
 *   - an abstract name bound by the kernel reads back (llsock_sockname())
 *     as the same address.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <sys/un.h>
#include <unistd.h>

#include "fuzzinput.h"
#include "llsock.h"

#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)

static void check_formatted(const llsock_addr *addr) {
  char text[LLSOCK_ADDRSTRLEN], *exact;
  size_t len;
  const char *path = llsock_addr_path(addr, &len);
  int n = llsock_addr_format(addr, text, sizeof(text));

  FUZZ_ASSERT(path != NULL);
  FUZZ_ASSERT(n >= 0 && (size_t)n < sizeof(text) && strlen(text) == (size_t)n);
  if (len > 0 && path[0] == '\0') {
    FUZZ_ASSERT(text[0] == '@');
    for (int i = 0; i < n; i++)
      FUZZ_ASSERT(isprint((unsigned char)text[i]));
  }
  exact = fuzz_zeroed((size_t)n + 1);
  FUZZ_ASSERT(llsock_addr_format(addr, exact, (size_t)n + 1) == n);
  FUZZ_ASSERT(memcmp(exact, text, (size_t)n + 1) == 0);
  FUZZ_ASSERT(n == 0 || llsock_addr_format(addr, exact, (size_t)n) == -ENOSPC);
  free(exact);
}

static void from_path(const uint8_t *bytes, size_t len) {
  char *path = fuzz_copy(bytes, len, 0);
  int abstract = len > 0 && path[0] == '\0';
  int has_nul = len > 0 && memchr(path, '\0', len) != NULL;
  size_t room = SUN_PATH_SIZE - (abstract ? 0 : 1), got;
  llsock_addr addr, back;
  const char *read;
  int rc = llsock_addr_unix(&addr, path, len);

  if (!abstract && has_nul)
    FUZZ_ASSERT(rc == -EINVAL);
  else if (len > room)
    FUZZ_ASSERT(rc == -ENAMETOOLONG);
  else
    FUZZ_ASSERT(rc == 0);
  if (rc == 0) {
    FUZZ_ASSERT(llsock_addr_family(&addr) == AF_UNIX);
    read = llsock_addr_path(&addr, &got);
    FUZZ_ASSERT(read != NULL && got == len && memcmp(read, path, len) == 0);
    FUZZ_ASSERT(llsock_addr_unix(&back, read, got) == 0);
    FUZZ_ASSERT(llsock_addr_equal(&addr, &back));
    FUZZ_ASSERT(llsock_addr_port(&addr) == -EAFNOSUPPORT);
    check_formatted(&addr);
  }
  free(path);
}

/* Raw sockaddr_un bytes of any length: no NUL terminator promised. */
static void from_sockaddr(const uint8_t *bytes, size_t len, socklen_t salen) {
  struct sockaddr_un un;
  llsock_addr addr;
  char *raw;
  size_t got;
  const char *read;

  memset(&un, 0, sizeof(un));
  un.sun_family = AF_UNIX;
  memcpy(un.sun_path, bytes, len < SUN_PATH_SIZE ? len : SUN_PATH_SIZE);
  if (salen > sizeof(un))
    salen = sizeof(un);
  raw = fuzz_copy(&un, salen, 0);
  FUZZ_ASSERT(llsock_addr_set(&addr, (struct sockaddr *)raw, salen) == 0);
  read = llsock_addr_path(&addr, &got);
  if (llsock_addr_family(&addr) == AF_UNIX) {
    FUZZ_ASSERT(read != NULL && got <= SUN_PATH_SIZE);
    FUZZ_ASSERT(got <= salen - offsetof(struct sockaddr_un, sun_path));
    check_formatted(&addr);
  } else {
    FUZZ_ASSERT(read == NULL);
  }
  free(raw);
}

/* Bind a socket to an abstract name (this process's own prefix, so that
 * nothing else on the machine is named) and read it back. */
static void bind_abstract(const uint8_t *bytes, size_t len) {
  char name[SUN_PATH_SIZE];
  int prefix = snprintf(name, sizeof(name), "%cllsock-fuzz-%ld-", '\0',
                        (long)getpid());
  size_t n = (size_t)prefix + (len < sizeof(name) - (size_t)prefix
                                   ? len
                                   : sizeof(name) - (size_t)prefix);
  llsock_addr addr, bound;
  int fd;

  memcpy(name + prefix, bytes, n - (size_t)prefix);
  FUZZ_ASSERT(llsock_addr_unix(&addr, name, n) == 0);
  fd = llsock_socket(AF_UNIX, SOCK_DGRAM, 0, LLSOCK_NONBLOCK);
  FUZZ_ASSERT(fd >= 0);
  if (llsock_bind(fd, &addr) == 0) {
    FUZZ_ASSERT(llsock_sockname(fd, &bound) == 0);
    FUZZ_ASSERT(llsock_addr_equal(&addr, &bound));
  }
  close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_input in = {data, size};
  uint8_t how = fuzz_u8(&in);

  switch (how % 3) {
  case 0:
    from_path(in.at, in.left);
    break;
  case 1:
    from_sockaddr(in.at + 1, in.left > 0 ? in.left - 1 : 0,
                  fuzz_u8(&in) % (sizeof(struct sockaddr_un) + 1));
    break;
  default:
    bind_abstract(in.at, in.left);
    break;
  }
  return 0;
}
