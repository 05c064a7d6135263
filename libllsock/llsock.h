/*
 * llsock: a small, thread-safe socket library.
 *
 * Conventions used by every function below:
 *   - a result >= 0 is success (an fd, a byte count, a value);
 *   - a negative result is an error code: -errno for system errors, or one
 *     of LLSOCK_EAI_* for resolver errors.  llsock_strerror() and
 *     llsock_errname() describe any code.  errno is never the channel.
 *   - sockets created or accepted here are close-on-exec; sends never raise
 *     SIGPIPE (the caller gets -EPIPE).
 *   - no global state: every function is safe to call from any thread.
 *   - EINTR is never retried behind the caller's back.  The kernel already
 *     restarts calls interrupted by handlers installed with SA_RESTART; a
 *     caller who installs one without it asks for blocking calls to be
 *     interruptible (so Ctrl-C can stop a blocked recv), and gets -EINTR.
 *     An interrupted connect goes on in the background, as connect(2)'s.
 */
#ifndef LLSOCK_H
#define LLSOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netdb.h>
#include <netinet/in.h>

#include "llsock-errors.h"
#include "llsock-opts.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LLSOCK_VERSION_MAJOR 0
#define LLSOCK_VERSION_MINOR 1
#define LLSOCK_VERSION_PATCH 0
#define LLSOCK_VERSION_STRING "0.1.0"

/* The version of the library actually linked, as "MAJOR.MINOR.PATCH". */
const char *llsock_version(void);

/* ---- errors ------------------------------------------------------------ */

/*
 * Resolver (getaddrinfo/getnameinfo) failures: LLSOCK_EAI_AGAIN,
 * LLSOCK_EAI_NONAME and the others of LLSOCK_EAI_CODES in llsock-errors.h,
 * then LLSOCK_EAI_UNKNOWN.  They sit far below any -errno value so one int
 * carries both kinds without ambiguity.
 */
#define LLSOCK_EAI_BASE (-3000)
#define LLSOCK__EAI_CODE(name, n) LLSOCK_EAI_##name = LLSOCK_EAI_BASE - (n),
enum {
  LLSOCK_EAI_CODES(LLSOCK__EAI_CODE)
  LLSOCK_EAI_UNKNOWN = LLSOCK_EAI_BASE - 12
};
#undef LLSOCK__EAI_CODE

/* Nonzero when code is one of the LLSOCK_EAI_* resolver codes. */
#define LLSOCK_IS_EAI(code) \
  ((code) <= LLSOCK_EAI_BASE - 1 && (code) >= LLSOCK_EAI_UNKNOWN)

/* A message for any code ("Connection refused"); never NULL. */
const char *llsock_strerror(int code);
/* The symbolic name of any code ("ECONNREFUSED", "EAI_NONAME"); never NULL. */
const char *llsock_errname(int code);

/* ---- addresses --------------------------------------------------------- */

/*
 * Any socket address, with the length the kernel (or the parser) gave.
 * A plain value: declare it, copy it, compare it; nothing to free.
 */
typedef struct llsock_addr {
  socklen_t len;
  union {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
    struct sockaddr_un un;
    struct sockaddr_storage storage;
  } u;
} llsock_addr;

/* Room for any string llsock_addr_format() or llsock_addr_host() writes. */
#define LLSOCK_ADDRSTRLEN 512

/* Copy a raw sockaddr of len bytes; -EINVAL if len does not fit. */
int llsock_addr_set(llsock_addr *addr, const struct sockaddr *sa,
                    socklen_t len);
/*
 * Parse a numeric host ("127.0.0.1", "::1", "fe80::1%lo") and a port given
 * as a number or service name ("8080", "http").  No DNS lookup is made.
 */
int llsock_addr_inet(llsock_addr *addr, const char *host, const char *port);
/* The same with the port as a number 0..65535, which no text is made of. */
int llsock_addr_inet_port(llsock_addr *addr, const char *host, int port);
/*
 * A unix address from len bytes of path.  A path starting with a NUL byte
 * is a Linux abstract name and may hold any bytes; any other path must not
 * contain NUL.  len == 0 makes an unnamed address.  A path that does not
 * fit sun_path is -ENAMETOOLONG, never truncated.
 */
int llsock_addr_unix(llsock_addr *addr, const char *path, size_t len);

/* AF_INET, AF_INET6, AF_UNIX, ... or AF_UNSPEC for an empty address. */
int llsock_addr_family(const llsock_addr *addr);
/* The port (0..65535) of an inet address; -EAFNOSUPPORT otherwise. */
int llsock_addr_port(const llsock_addr *addr);
/*
 * The numeric host of an inet address ("::1", "fe80::1%2") into buf.
 * Returns the string length, -EAFNOSUPPORT or -ENOSPC.
 */
int llsock_addr_host(const llsock_addr *addr, char *buf, size_t size);
/*
 * The path bytes of a unix address and their count in *len (a leading NUL
 * marks an abstract name; *len == 0 is an unnamed socket).  NULL if the
 * address is not AF_UNIX.  The bytes are not NUL-terminated.
 */
const char *llsock_addr_path(const llsock_addr *addr, size_t *len);
/*
 * A readable form: "127.0.0.1:8080", "[::1]:53", "/tmp/sock",
 * "@abstract" (non-printable bytes as \xHH), "(unnamed)",
 * "netlink:PID" (with "/0xGROUPS" when groups are set),
 * "packet:IFNAME/0xPROTO" (the index when the interface has no name, "any"
 * for 0; then "/aa:bb:..." when a hardware address is set),
 * "vsock:CID:PORT".
 * Returns the string length, or -ENOSPC when size is too small
 * (LLSOCK_ADDRSTRLEN always suffices).
 */
int llsock_addr_format(const llsock_addr *addr, char *buf, size_t size);
/* 1 when both addresses are the same family, bytes and length, else 0. */
int llsock_addr_equal(const llsock_addr *a, const llsock_addr *b);
/*
 * Linux's other families.  Each constructor fills addr with a complete
 * sockaddr of its family, ready for bind(), connect() and sendto(); each
 * reader returns 0 when addr is of its family and as long as its fields
 * need, else -EAFNOSUPPORT (any output pointer may be NULL).  A platform
 * without the family gives -EAFNOSUPPORT for all of them.
 *
 * AF_NETLINK: pid is the port id (0 is the kernel, and binding 0 lets the
 * kernel choose one), groups the bit mask of multicast groups.
 */
int llsock_addr_netlink(llsock_addr *addr, uint32_t pid, uint32_t groups);
int llsock_addr_netlink_info(const llsock_addr *addr, uint32_t *pid,
                             uint32_t *groups);
/*
 * AF_VSOCK: context id (VMADDR_CID_ANY, VMADDR_CID_LOCAL, _HOST, a guest's
 * cid) and port (VMADDR_PORT_ANY picks one on bind).
 */
int llsock_addr_vsock(llsock_addr *addr, uint32_t cid, uint32_t port);
int llsock_addr_vsock_info(const llsock_addr *addr, uint32_t *cid,
                           uint32_t *port);

/* The longest hardware address a packet address carries (MAX_ADDR_LEN). */
#define LLSOCK_HWADDR_MAX 32

/* The fields of an AF_PACKET address (struct sockaddr_ll). */
typedef struct llsock_packet_addr {
  unsigned int protocol; /* ETH_P_*, in host byte order, 0..0xffff */
  int ifindex;           /* the interface; 0 is any on bind */
  unsigned int hatype;   /* ARPHRD_*: set by the kernel on receive */
  unsigned int pkttype;  /* PACKET_HOST, _BROADCAST, ...: set on receive */
  unsigned int halen;    /* bytes used of hwaddr */
  unsigned char hwaddr[LLSOCK_HWADDR_MAX];
} llsock_packet_addr;

/*
 * AF_PACKET from its fields: -EINVAL for a protocol or hatype above
 * 0xffff, a pkttype above 255, a negative ifindex or a halen above
 * LLSOCK_HWADDR_MAX.  The reader clamps halen to the bytes the address
 * holds.
 */
int llsock_addr_packet(llsock_addr *addr, const llsock_packet_addr *pkt);
int llsock_addr_packet_info(const llsock_addr *addr, llsock_packet_addr *pkt);

/*
 * getnameinfo(3): host and service names for addr, with NI_* flags.
 * Either buffer may be NULL (with size 0) when that part is not wanted.
 */
int llsock_addr_nameinfo(const llsock_addr *addr, char *host, size_t hostlen,
                         char *serv, size_t servlen, int flags);

/*
 * getaddrinfo(3) with its failure as an llsock code.  host or port may be
 * NULL (not both); a numeric port must be 0..65535.  Free *res with
 * freeaddrinfo(3).
 */
int llsock_getaddrinfo(const char *host, const char *port,
                       const struct addrinfo *hints, struct addrinfo **res);

/* ---- sockets ----------------------------------------------------------- */

/* Flags for the create/bind/connect calls. */
enum {
  LLSOCK_NONBLOCK = 1 << 0,  /* the new socket is O_NONBLOCK */
  LLSOCK_REUSEADDR = 1 << 1  /* SO_REUSEADDR before bind */
};

/* socket(2), close-on-exec, optionally non-blocking.  Returns the fd. */
int llsock_socket(int family, int socktype, int protocol, int flags);
/* socketpair(2), close-on-exec; flags: LLSOCK_NONBLOCK. */
int llsock_socketpair(int family, int socktype, int flags, int fds[2]);
/* bind(2)/connect(2) an existing socket to addr. */
int llsock_bind(int fd, const llsock_addr *addr);
/*
 * A non-blocking connect that is under way returns 0 (read the outcome
 * later with llsock_error()); -EINPROGRESS is never returned.  A blocking
 * connect cut short by SO_SNDTIMEO is -ETIMEDOUT for TCP (the attempt goes
 * on in the background, as after -EINTR) and -EAGAIN for unix sockets.
 */
int llsock_connect(int fd, const llsock_addr *addr);

/*
 * Resolve host and port (getaddrinfo), then create a socket of socktype and
 * bind or connect it, trying each result in turn until one succeeds.
 * host NULL is the wildcard for bind and loopback for connect; port NULL is
 * 0 (an ephemeral port).  flags: LLSOCK_NONBLOCK, LLSOCK_REUSEADDR.
 * Returns the new fd; on failure, the error of the last attempt.
 */
int llsock_inet_bind(const char *host, const char *port, int socktype,
                     int flags);
int llsock_inet_connect(const char *host, const char *port, int socktype,
                        int flags);
/*
 * The same with the port as a number 0..65535 (0: an ephemeral port),
 * set in each resolved address without a text round trip.  The connect
 * takes a time limit as llsock_inet_connect_timeout() does; a negative
 * timeout is none.
 */
int llsock_inet_bind_port(const char *host, int port, int socktype,
                          int flags);
int llsock_inet_connect_port(const char *host, int port, int socktype,
                             int flags, double timeout);

/*
 * The same for unix sockets, with the path rules of llsock_addr_unix().
 * flags: LLSOCK_NONBLOCK.
 */
int llsock_unix_bind(const char *path, size_t len, int socktype, int flags);
int llsock_unix_connect(const char *path, size_t len, int socktype,
                        int flags);
/* The pid, uid and gid of the peer of a connected unix socket. */
int llsock_peercred(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

int llsock_sockname(int fd, llsock_addr *addr);
int llsock_peername(int fd, llsock_addr *addr);
/* 1 at the out-of-band mark, 0 if not. */
int llsock_atmark(int fd);
int llsock_shutdown(int fd, int how);
/*
 * An identity of the socket open at fd, the same for as long as it stays
 * open and different from that of every other open socket, so a holder of
 * an fd number can tell whether the number still names its socket after
 * code it does not control may have closed it and opened another.
 * -ENOTSOCK when fd is open but not a socket.
 */
int llsock_socket_id(int fd, uint64_t *id);

/* No shutdown before close. */
#define LLSOCK_SHUT_NONE (-1)
/*
 * Close fd, after shutdown(fd, how) unless how is LLSOCK_SHUT_NONE.
 * A how other than SHUT_RD, SHUT_WR, SHUT_RDWR or LLSOCK_SHUT_NONE is
 * -EINVAL and nothing is done.  Otherwise the fd is released even when the
 * shutdown fails, and the first error is returned.  EINTR from close(2)
 * counts as success: Linux has released the fd, and retrying could close
 * one that another thread just opened.
 */
int llsock_close(int fd, int how);

/* A backlog of SOMAXCONN, the usual choice. */
#define LLSOCK_BACKLOG SOMAXCONN
int llsock_listen(int fd, int backlog);
/*
 * accept(2): the new socket is close-on-exec and blocking, whatever the
 * listener is.  peer may be NULL.
 */
int llsock_accept(int fd, llsock_addr *peer);
/* As llsock_accept(), but the new socket inherits O_NONBLOCK. */
int llsock_accept_inherit(int fd, llsock_addr *peer);

/* recv(2)/recvfrom(2)/send(2)/sendto(2) with MSG_* flags. */
ssize_t llsock_recv(int fd, void *buf, size_t len, int flags);
/* from may be NULL; for a connected stream its len may be 0. */
ssize_t llsock_recvfrom(int fd, void *buf, size_t len, int flags,
                        llsock_addr *from);
ssize_t llsock_send(int fd, const void *buf, size_t len, int flags);
/* to may be NULL, as for send(). */
ssize_t llsock_sendto(int fd, const void *buf, size_t len, int flags,
                      const llsock_addr *to);

/*
 * How many bytes of a len-byte receive buffer hold data after a receive on
 * fd with flags returned n.  That is n, except with MSG_TRUNC: there n is
 * a datagram's real length, of which only len bytes were stored, or, on a
 * TCP socket, the count of bytes discarded, none of them stored.  0 for
 * n <= 0, and for a fd whose kind cannot be read (nothing is trusted).
 * Applies to every receive call here, per message for the batch ones.
 */
size_t llsock_recv_stored(int fd, size_t len, ssize_t n, int flags);

/* ---- messages, fd passing and files ----------------------------------- */

/* The most fds one message carries (Linux's SCM_MAX_FD). */
#define LLSOCK_MAX_FDS 253

/*
 * sendmsg(2)/recvmsg(2) with the library's hygiene: sends never raise
 * SIGPIPE, received fds are close-on-exec (MSG_CMSG_CLOEXEC).  When recvmsg() sets MSG_CTRUNC in msg->msg_flags, every fd
 * that did arrive has been closed and its slot in the control data set to
 * -1, so a short control buffer can never leak descriptors.
 */
ssize_t llsock_sendmsg(int fd, const struct msghdr *msg, int flags);
/* msg->msg_control must be aligned for struct cmsghdr, else -EINVAL. */
ssize_t llsock_recvmsg(int fd, struct msghdr *msg, int flags);

/*
 * Send len bytes with nfds descriptors (SCM_RIGHTS), 0 <= nfds <=
 * LLSOCK_MAX_FDS.  A stream socket needs len >= 1 to carry them: fds with
 * no data on one are -EINVAL rather than silently dropped.
 */
ssize_t llsock_sendfds(int fd, const void *buf, size_t len, const int *fds,
                       size_t nfds, int flags);
/*
 * Receive up to len bytes and up to *nfds descriptors into fds; *nfds is
 * set to the count received.  msgflags, if not NULL, gets the message
 * flags: MSG_CTRUNC there means more fds came than fit and all of them
 * were closed (*nfds is then 0).
 */
ssize_t llsock_recvfds(int fd, void *buf, size_t len, int *fds, size_t *nfds,
                       int *msgflags, int flags);

/*
 * Send len bytes of the file open at file_fd, starting at *offset (then
 * advanced by the count sent) or, with offset NULL, at the file's own
 * position.  Uses sendfile(2); where it cannot serve, a copy loop for a
 * file that can seek (moving back over what was not sent), splice(2) for
 * a pipe (what is not sent stays in it) and peek-send-take for a stream
 * socket.  No byte is taken from the file that was not sent; any other
 * source (a datagram socket, a terminal) is -EINVAL.  A non-blocking socket never waits.  Returns the bytes sent:
 * fewer than len at end of file, when a non-blocking socket fills up or
 * when a signal interrupts after some were sent (a later call sends the
 * rest); an error (-EAGAIN, -EINTR, ...) only when nothing was sent.
 */
ssize_t llsock_sendfile(int fd, int file_fd, off_t *offset, size_t len);

/* ---- ancillary data ------------------------------------------------------ */

/* One control message as a caller builds or reads it: its level, its type
 * and len bytes of data. */
typedef struct llsock_cmsg_item {
  int level;
  int type;
  const void *data;
  size_t len;
} llsock_cmsg_item;

/*
 * The room n items take as control data, each header, data and padding
 * (0 if that overflows).  llsock_cmsg_build() lays them out in buf, which
 * must be aligned as malloc(3)'s memory is: returns the bytes written, the
 * msg_controllen to send with, or -EINVAL (buf NULL or misaligned, an item
 * without data) or -ENOSPC (size too small).  Padding is zeroed.
 */
size_t llsock_cmsg_space(const llsock_cmsg_item *items, size_t n);
ssize_t llsock_cmsg_build(void *buf, size_t size, const llsock_cmsg_item *items,
                          size_t n);

/*
 * The control messages of a received msg, in order: NULL after the last.
 * The walk stops at a header whose length is shorter than a header or runs
 * past msg_controllen, so whatever the kernel (or a caller) put there,
 * every message returned lies whole inside the control data.
 * llsock_cmsg_item_of() gives a message's level, type and data.
 */
const struct cmsghdr *llsock_cmsg_first(const struct msghdr *msg);
const struct cmsghdr *llsock_cmsg_next(const struct msghdr *msg,
                                       const struct cmsghdr *cmsg);
void llsock_cmsg_item_of(const struct cmsghdr *cmsg, llsock_cmsg_item *item);

/*
 * Decoders for received ancillary data.  Each returns 0 (fds: the count)
 * when cmsg is of its kind and complete, else -EINVAL.
 *   fds:       SCM_RIGHTS: how many descriptors it carries; the first max
 *              of them are stored in fds (-1 for one a truncated receive
 *              closed)
 *   pktinfo:   IP_PKTINFO or IPV6_PKTINFO: arrival interface and the
 *              datagram's destination address (port 0)
 *   timestamp: SCM_TIMESTAMP or SCM_TIMESTAMPNS, in seconds
 *   cred:      SCM_CREDENTIALS (Linux)
 */
int llsock_cmsg_fds(const struct cmsghdr *cmsg, int *fds, size_t max);
int llsock_cmsg_pktinfo(const struct cmsghdr *cmsg, int *ifindex,
                        llsock_addr *dst);
int llsock_cmsg_timestamp(const struct cmsghdr *cmsg, double *sec);
int llsock_cmsg_cred(const struct cmsghdr *cmsg, pid_t *pid, uid_t *uid,
                     gid_t *gid);

/*
 * One block for a receive's ancillary data and its data bytes.
 * llsock_msg_space() is the size of a block with controllen bytes of
 * control room and datalen bytes of data (0 if that overflows).
 * llsock_msg_layout() points msg's control at the start of block, which
 * must be aligned as malloc(3)'s memory is (no control for controllen 0),
 * and returns where the data bytes start: the control room comes first so
 * that its struct cmsghdr is aligned whatever the data sizes.
 */
size_t llsock_msg_space(size_t datalen, size_t controllen);
void *llsock_msg_layout(struct msghdr *msg, void *block, size_t controllen);

/*
 * The error queue (Linux).  With the recverr option on, errors about
 * datagrams sent (ICMP replies, local failures such as a datagram over the
 * path MTU) queue up on the socket, as do zerocopy completions; a receive
 * with MSG_ERRQUEUE returns the first, with an IP_RECVERR or IPV6_RECVERR
 * control message that llsock_cmsg_errqueue() decodes (0, or -EINVAL when
 * cmsg is something else).
 */
enum {
  LLSOCK_EE_ORIGIN_NONE = 0,
  LLSOCK_EE_ORIGIN_LOCAL = 1,        /* this host, e.g. EMSGSIZE */
  LLSOCK_EE_ORIGIN_ICMP = 2,         /* an ICMP message */
  LLSOCK_EE_ORIGIN_ICMP6 = 3,        /* an ICMPv6 message */
  LLSOCK_EE_ORIGIN_TIMESTAMPING = 4, /* a transmit timestamp */
  LLSOCK_EE_ORIGIN_ZEROCOPY = 5,     /* MSG_ZEROCOPY sends completed */
  LLSOCK_EE_ORIGIN_TXTIME = 6        /* SO_TXTIME dropped a packet */
};
/* In code of a zerocopy completion: the kernel copied the data after all. */
#define LLSOCK_EE_CODE_ZEROCOPY_COPIED 1

typedef struct llsock_errqueue {
  int err;              /* the error, a positive errno value (0: none) */
  int origin;           /* LLSOCK_EE_ORIGIN_* */
  int type, code;       /* ICMP type and code, as received */
  unsigned int info;    /* EMSGSIZE: the MTU; zerocopy: the first send */
  unsigned int data;    /* zerocopy: the last send of the range */
  llsock_addr offender; /* who sent the ICMP error; len 0 when none */
} llsock_errqueue;

int llsock_cmsg_errqueue(const struct cmsghdr *cmsg, llsock_errqueue *ee);
/* "local", "icmp", "icmp6", "timestamping", "zerocopy", "txtime", "none",
 * or "unknown"; never NULL. */
const char *llsock_errqueue_origin(int origin);

/*
 * UDP segmentation offload (Linux 4.18 and later; -ENOPROTOOPT, or the
 * kernel's -EINVAL or -EIO, where it is missing).
 *
 * GSO: one send of len bytes leaves as datagrams of segsize bytes each
 * (the last may be shorter), segsize 1..65535; the kernel limits a send to
 * 64 segments (128 since Linux 6.9) and one IP packet's 64 KiB.  llsock_cmsg_segment() writes the
 * UDP_SEGMENT control message that asks for it into buf (aligned for
 * struct cmsghdr), returning the bytes used, LLSOCK_CMSG_SEGMENT_SPACE, or
 * -ENOSPC; for a msghdr of one's own or each message of a batch.
 * llsock_send_segments() is one sendmsg(2) with it.
 *
 * GRO: with UDP_GRO on (llsock_opt_set_udp_gro()), one receive may return
 * several datagrams from one sender back to back; llsock_cmsg_gro() decodes
 * the UDP_GRO control message that gives their size.
 * llsock_recv_segments() receives one message and sets *segsize to the size
 * of each datagram in it but the last (the whole length when only one
 * came); from may be NULL.
 */
#define LLSOCK_CMSG_SEGMENT_SPACE CMSG_SPACE(sizeof(uint16_t))
int llsock_cmsg_segment(void *buf, size_t size, unsigned int segsize);
int llsock_cmsg_gro(const struct cmsghdr *cmsg, unsigned int *segsize);
ssize_t llsock_send_segments(int fd, const void *buf, size_t len,
                             unsigned int segsize, const llsock_addr *to,
                             int flags);
ssize_t llsock_recv_segments(int fd, void *buf, size_t len,
                             unsigned int *segsize, llsock_addr *from,
                             int flags);


/*
 * Batches: send or receive up to n datagrams in one call (sendmmsg(2) and
 * recvmmsg(2) where the platform has them, a loop elsewhere).  Each entry's
 * len gets the bytes of that message; the hygiene of llsock_sendmsg() and
 * llsock_recvmsg() applies to every message.  Returns the number of
 * messages done, or an error if none was.  llsock_mmsg has the layout of
 * Linux's struct mmsghdr, without needing _GNU_SOURCE.
 */
typedef struct llsock_mmsg {
  struct msghdr hdr;
  unsigned int len;
} llsock_mmsg;

/* The most messages one batch call takes (Linux's UIO_MAXIOV). */
#define LLSOCK_MAX_BATCH 1024

int llsock_sendmmsg(int fd, llsock_mmsg *msgs, unsigned int n, int flags);
/* MSG_WAITFORONE in flags returns as soon as one message has come. */
int llsock_recvmmsg(int fd, llsock_mmsg *msgs, unsigned int n, int flags);

/* ---- waiting ----------------------------------------------------------- */

/*
 * Readiness events, with Linux's values, so they combine with | and match
 * poll(2)'s and epoll(7)'s.  POLLRDHUP (the peer shut down its writing
 * side) is Linux only; POLLET and POLLONESHOT only mean something to a
 * poller.  POLLERR and POLLHUP are always reported, asked for or not.
 */
#define LLSOCK_POLLIN 0x001u
#define LLSOCK_POLLOUT 0x004u
#define LLSOCK_POLLERR 0x008u
#define LLSOCK_POLLHUP 0x010u
#define LLSOCK_POLLRDHUP 0x2000u
#define LLSOCK_POLLONESHOT 0x40000000u
#define LLSOCK_POLLET 0x80000000u

/*
 * Timeouts are in seconds, fractions allowed; a negative timeout waits
 * for ever, 0 does not wait, NaN is -EINVAL.  Waits are never restarted
 * after a signal handler, even one installed with SA_RESTART (poll(2) and
 * epoll_wait(2) are not, see signal(7)): they return -EINTR.  A caller who
 * goes on waiting keeps its deadline by passing what remains of it,
 * measured with llsock_clock().
 */

/* Seconds on a monotonic clock (CLOCK_MONOTONIC), for deadlines. */
double llsock_clock(void);
/* Sleep for sec seconds: 0, -EINTR if a signal handler ran, or -EINVAL. */
int llsock_sleep(double sec);

/*
 * Wait until fd is ready for events (LLSOCK_POLLIN, LLSOCK_POLLOUT, ...)
 * with poll(2), so any fd number works.  Returns the events that happened
 * (> 0; POLLERR or POLLHUP count as ready, the next call on fd says what
 * went wrong), 0 when the time ran out, or -EBADF, -EINTR, -EINVAL.
 */
int llsock_wait(int fd, unsigned int events, double timeout);

/*
 * A poller: an epoll(7) instance, close-on-exec.  Each fd in it has the
 * events it waits for and a 32-bit tag of the caller's (an index into the
 * caller's own table, say), both returned with every event, so the library
 * keeps no table of its own.  Returns the poller's fd; close it with
 * llsock_poller_close().  Where epoll is missing, -ENOSYS.
 */
int llsock_poller_create(void);
int llsock_poller_close(int poller);
/*
 * Add fd with events (LLSOCK_POLLIN | LLSOCK_POLLOUT | LLSOCK_POLLRDHUP |
 * LLSOCK_POLLET | LLSOCK_POLLONESHOT), change them, or remove it.  Adding
 * an fd already there is -EEXIST; changing or removing one that is not is
 * -ENOENT.  A closed fd leaves every poller by itself.  A one-shot fd is
 * disabled after its event until llsock_poller_modify() re-arms it.
 */
int llsock_poller_add(int poller, int fd, unsigned int events,
                      unsigned int tag);
int llsock_poller_modify(int poller, int fd, unsigned int events,
                         unsigned int tag);
int llsock_poller_remove(int poller, int fd);

/* One ready fd: which, what happened (LLSOCK_POLL* bits), and its tag. */
typedef struct llsock_event {
  int fd;
  unsigned int events;
  unsigned int tag;
} llsock_event;

/*
 * Wait up to timeout seconds for events on the fds in the poller, and
 * store up to max of them (1 <= max <= LLSOCK_MAX_EVENTS) in events, in
 * one epoll_wait(2).  Returns how many were stored, 0 when the time ran
 * out.  Fewer than max may come back while more are ready (at most 256 a
 * call where epoll_event is larger than llsock_event): the next wait gets
 * them.
 */
#define LLSOCK_MAX_EVENTS 65536
int llsock_poller_wait(int poller, llsock_event *events, int max,
                       double timeout);

/*
 * Connect with a time limit: start a non-blocking connect, wait at most
 * timeout seconds for it to finish (negative: no limit) and return its
 * outcome: 0, the connect error (-ECONNREFUSED, ...) or -ETIMEDOUT.  The
 * fd's O_NONBLOCK is left as it was.  A unix socket whose listener's
 * backlog is full waits for room in it within the same limit.  After
 * -ETIMEDOUT or -EINTR the socket is in no known state: close it.
 */
int llsock_connect_timeout(int fd, const llsock_addr *addr, double timeout);
/*
 * llsock_inet_connect() and llsock_unix_connect() with a time limit for
 * the whole call.  The inet one shares the time among the addresses the
 * name resolves to, so a dead first address leaves time for the next:
 * each attempt gets what remains divided by the attempts left.
 */
int llsock_inet_connect_timeout(const char *host, const char *port,
                                int socktype, int flags, double timeout);
int llsock_unix_connect_timeout(const char *path, size_t len, int socktype,
                                int flags, double timeout);

/* ---- options ----------------------------------------------------------- */

/*
 * Integer getsockopt/setsockopt for any level and name: the value, or a
 * negative code.
 */
int llsock_opt_getint(int fd, int level, int name);
int llsock_opt_setint(int fd, int level, int name, int value);

/*
 * Named options.  llsock_opt_get_X() returns the current value (0 or 1 for
 * flags, bytes for sizes); llsock_opt_set_X() sets it and returns 0.
 * Platforms without an option report -ENOPROTOOPT.
 */
/* SO_TYPE: SOCK_STREAM, SOCK_DGRAM, ... */
int llsock_type(int fd);
/* SO_ERROR: the pending error as a positive errno value, 0 if none; reading
 * it clears it. */
int llsock_error(int fd);

/* FD_CLOEXEC */
int llsock_opt_get_cloexec(int fd);
int llsock_opt_set_cloexec(int fd, int value);
/* O_NONBLOCK */
int llsock_opt_get_nonblock(int fd);
int llsock_opt_set_nonblock(int fd, int value);
/* The flags of LLSOCK_FAMILY_FLAGS: multicast_loop, recverr. */
#define LLSOCK__DECLARE_FAMILY_FLAG(name, ipv4, ipv6) \
  int llsock_opt_get_##name(int fd);                 \
  int llsock_opt_set_##name(int fd, int value);
LLSOCK_FAMILY_FLAGS(LLSOCK__DECLARE_FAMILY_FLAG)
#undef LLSOCK__DECLARE_FAMILY_FLAG

/* The options of one int, from the list in llsock-opts.h. */
#define LLSOCK__DECLARE_GETTER(name) int llsock_opt_get_##name(int fd);
#define LLSOCK__DECLARE_SETTER(name) \
  int llsock_opt_set_##name(int fd, int value);
#define LLSOCK__DECLARE_FLAG(name) \
  LLSOCK__DECLARE_GETTER(name) LLSOCK__DECLARE_SETTER(name)
#define LLSOCK__DECLARE_FLAG_GET(name) LLSOCK__DECLARE_GETTER(name)
#define LLSOCK__DECLARE_INT(name) LLSOCK__DECLARE_FLAG(name)
#define LLSOCK__DECLARE_INT_OR_DEFAULT(name) LLSOCK__DECLARE_FLAG(name)
#define LLSOCK__DECLARE_OPTION(name, level, optname, kind, min, max) \
  LLSOCK__DECLARE_##kind(name)
LLSOCK_OPTIONS(LLSOCK__DECLARE_OPTION)
#undef LLSOCK__DECLARE_OPTION
#undef LLSOCK__DECLARE_INT_OR_DEFAULT
#undef LLSOCK__DECLARE_INT
#undef LLSOCK__DECLARE_FLAG_GET
#undef LLSOCK__DECLARE_FLAG
#undef LLSOCK__DECLARE_SETTER
#undef LLSOCK__DECLARE_GETTER

/*
 * SO_RCVTIMEO/SO_SNDTIMEO in seconds (0 = no timeout).  A negative, NaN or
 * unrepresentable value is -EINVAL.
 */
#define LLSOCK__DECLARE_TIMEOUT(name, optname)       \
  int llsock_opt_get_##name(int fd, double *sec); \
  int llsock_opt_set_##name(int fd, double sec);
LLSOCK_TIMEOUT_OPTIONS(LLSOCK__DECLARE_TIMEOUT)
#undef LLSOCK__DECLARE_TIMEOUT

/*
 * Raw getsockopt/setsockopt for any level and name.  *len is the size of
 * buf on entry and the bytes the kernel wrote on return.
 */
int llsock_opt_get(int fd, int level, int name, void *buf, size_t *len);
int llsock_opt_set(int fd, int level, int name, const void *buf, size_t len);

/*
 * SO_LINGER: *on is 1 when close lingers up to *sec seconds for unsent
 * data (0 seconds: close resets the connection).  Setting on with a
 * negative sec is -EINVAL; sec is ignored when on is 0.
 */
int llsock_opt_get_linger(int fd, int *on, int *sec);
int llsock_opt_set_linger(int fd, int on, int sec);

/*
 * SO_MARK, any 32-bit value; setting it needs CAP_NET_ADMIN (or, since
 * Linux 5.17, CAP_NET_RAW), else -EPERM.
 */
int llsock_opt_get_mark(int fd, unsigned int *mark);
int llsock_opt_set_mark(int fd, unsigned int mark);

/*
 * SO_BINDTODEVICE: the interface name the socket is bound to ("" for
 * none) into buf, returning its length (-ENOSPC if size cannot hold it and
 * its NUL).  Setting NULL or "" unbinds; a name too long for an interface
 * is -ENAMETOOLONG; changing a binding needs CAP_NET_RAW (-EPERM).
 */
int llsock_opt_get_bindtodevice(int fd, char *buf, size_t size);
int llsock_opt_set_bindtodevice(int fd, const char *ifname);

/*
 * A network interface, as the multicast calls take it: by index, or on an
 * IPv4 socket by the address of one of its interfaces.  All zero (index 0,
 * INADDR_ANY), or a NULL pointer, leaves the choice to the kernel; naming
 * it both ways is -EINVAL.
 */
typedef struct llsock_iface {
  unsigned int index;
  struct in_addr addr;
} llsock_iface;

/*
 * An interface named as text: a name ("eth0"), an index in decimal ("2"),
 * an IPv4 address, or NULL or "" for the kernel's choice.  An unknown name
 * is -ENODEV.
 */
int llsock_iface_parse(llsock_iface *iface, const char *text);

/*
 * The interface outgoing multicast leaves by (IP_MULTICAST_IF or
 * IPV6_MULTICAST_IF, by the socket's family).  The getter returns the
 * family, AF_INET or AF_INET6: an IPv4 socket fills iface->addr (INADDR_ANY
 * for the default, or when chosen by index), an IPv6 socket iface->index
 * (0 for the default).
 */
int llsock_opt_get_multicast_if(int fd, llsock_iface *iface);
int llsock_opt_set_multicast_if(int fd, const llsock_iface *iface);

/* TCP connection states, with Linux's values. */
enum {
  LLSOCK_TCP_ESTABLISHED = 1,
  LLSOCK_TCP_SYN_SENT,
  LLSOCK_TCP_SYN_RECV,
  LLSOCK_TCP_FIN_WAIT1,
  LLSOCK_TCP_FIN_WAIT2,
  LLSOCK_TCP_TIME_WAIT,
  LLSOCK_TCP_CLOSE,
  LLSOCK_TCP_CLOSE_WAIT,
  LLSOCK_TCP_LAST_ACK,
  LLSOCK_TCP_LISTEN,
  LLSOCK_TCP_CLOSING
};

/* The basics of TCP_INFO. */
typedef struct llsock_tcpinfo {
  int state;                  /* LLSOCK_TCP_* */
  unsigned int retransmits;   /* timeouts in a row for the oldest segment */
  unsigned int probes;        /* unanswered window or keepalive probes */
  unsigned int backoff;       /* exponential backoff of the timer */
  unsigned int rto_us;        /* retransmission timeout */
  unsigned int rtt_us;        /* smoothed round-trip time */
  unsigned int rttvar_us;     /* its mean deviation */
  unsigned int snd_mss;       /* bytes per segment sent */
  unsigned int rcv_mss;       /* bytes per segment received, estimated */
  unsigned int snd_cwnd;      /* congestion window, in segments */
  unsigned int snd_ssthresh;  /* slow-start threshold, in segments */
  unsigned int unacked;       /* segments sent and not acknowledged */
  unsigned int lost;          /* segments thought lost */
  unsigned int retrans;       /* segments retransmitted and in flight */
  unsigned int total_retrans; /* segments retransmitted, ever */
  unsigned int pmtu;          /* path MTU */
} llsock_tcpinfo;

/* TCP_INFO of a TCP socket, read only; -ENOPROTOOPT where missing. */
int llsock_opt_get_tcpinfo(int fd, llsock_tcpinfo *info);

/*
 * Multicast membership, for IPv4 and IPv6 sockets.  group and source are
 * numeric addresses; iface is the interface (NULL for the one the kernel
 * picks by route; by address on IPv4 sockets only).  Uses the
 * protocol-independent MCAST_* options where the platform has them.
 */
int llsock_mcast_join(int fd, const char *group, const llsock_iface *iface);
int llsock_mcast_leave(int fd, const char *group, const llsock_iface *iface);
/* Source-specific: receive group only from source, or stop doing so. */
int llsock_mcast_join_source(int fd, const char *group, const char *source,
                             const llsock_iface *iface);
int llsock_mcast_leave_source(int fd, const char *group, const char *source,
                              const llsock_iface *iface);
/* On an any-source membership: ignore source, or stop ignoring it. */
int llsock_mcast_block_source(int fd, const char *group, const char *source,
                              const llsock_iface *iface);
int llsock_mcast_unblock_source(int fd, const char *group, const char *source,
                                const llsock_iface *iface);

#ifdef __cplusplus
}
#endif

#endif /* LLSOCK_H */
