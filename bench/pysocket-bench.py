"""The Python contestant of bench/run.sh: CPython's socket module.

usage: pysocket-bench.py OP ITERATIONS ROUNDS SOCKPATH
Bound methods are looked up once, as the Lua contestants' functions are.
"""
import os
import socket
import sys
import time

MESSAGE = (b"llsock bench message" * 4)[:64]
RECEIVE_SIZE = 4096


def unix_pair(sockpath):
    """rx is bound to sockpath and non-blocking; tx is connected to it."""
    rx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    tx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    rx.bind(sockpath)
    rx.setblocking(False)
    tx.connect(sockpath)
    return rx, tx


def sendrecv(sockpath):
    rx, tx = unix_pair(sockpath)
    send, recv = tx.send, rx.recv

    def check():
        assert send(MESSAGE) == len(MESSAGE)
        assert recv(RECEIVE_SIZE) == MESSAGE

    def loop(n):
        for _ in range(n):
            send(MESSAGE)
            recv(RECEIVE_SIZE)

    return check, loop, (rx, tx)


def udp(_sockpath):
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    rx.setblocking(False)
    tx.bind(("127.0.0.1", 0))
    to = rx.getsockname()
    sendto, recvfrom = tx.sendto, rx.recvfrom

    def check():
        assert sendto(MESSAGE, to) == len(MESSAGE)
        assert recvfrom(RECEIVE_SIZE) == (MESSAGE, tx.getsockname())

    def loop(n):
        for _ in range(n):
            sendto(MESSAGE, to)
            recvfrom(RECEIVE_SIZE)

    return check, loop, (rx, tx)


def getter(_sockpath):
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    getsockopt = tcp.getsockopt
    level, name = socket.IPPROTO_TCP, socket.TCP_NODELAY

    def check():
        assert getsockopt(level, name) == 0

    def loop(n):
        for _ in range(n):
            getsockopt(level, name)

    return check, loop, (tcp,)


def eagain(sockpath):
    rx, tx = unix_pair(sockpath)
    recv = rx.recv

    def check():
        try:
            recv(RECEIVE_SIZE)
        except BlockingIOError:
            return
        raise AssertionError("recv on an empty socket returned data")

    def loop(n):
        for _ in range(n):
            try:
                recv(RECEIVE_SIZE)
            except BlockingIOError:
                pass

    return check, loop, (rx, tx)


# The exit status for an operation the socket module cannot do.
UNSUPPORTED = 77

# CPython's socket module has no sendmmsg/recvmmsg: its best for a UDP
# server is the udp op.
if hasattr(socket.socket, "sendmmsg"):
    raise AssertionError("socket grew sendmmsg: add the batch")
batch = None

OPS = {"sendrecv": sendrecv, "udp": udp, "getter": getter, "eagain": eagain,
       "batch": batch}


def main():
    op, iterations, rounds, sockpath = sys.argv[1:]
    iterations, rounds = int(iterations), int(rounds)
    if OPS[op] is None:
        sys.exit(UNSUPPORTED)
    check, loop, sockets = OPS[op](sockpath)
    check()
    loop(iterations)  # the whole run when counting, a warm-up when timing
    # process CPU time, the clock every contestant uses (see harness.lua)
    for _ in range(rounds):
        start = time.process_time_ns()
        loop(iterations)
        print("%.1f" % ((time.process_time_ns() - start) / iterations))
    for s in sockets:
        s.close()
    if os.path.exists(sockpath):
        os.remove(sockpath)


if __name__ == "__main__":
    main()
