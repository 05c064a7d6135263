"""The Python contestant of bench/run.sh: CPython's socket module.

usage: pysocket-bench.py OP ITERATIONS ROUNDS
Bound methods are looked up once, as the Lua contestants' functions are.
See harness.lua for the ops and the sizes, which this file repeats.
"""
import operator
import os
import re
import socket
import subprocess
import sys
import time

MESSAGE = b"x"
RECEIVE_SIZE = 64
RECVMSG_SIZE, RECVMSG_CONTROL = 4096, 256
DATAGRAM_SIZE = 64
CHUNK = 64 * 1024
BATCH = 32
# The exit status for an operation the socket module cannot do.
UNSUPPORTED = 77


def udp_socket():
    """A UDP socket connected to itself, non-blocking."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setblocking(False)
    s.connect(s.getsockname())
    return s


def floor(calls):
    """n calls of operator.is_(fd, x) per op, a builtin that does nothing
    much, as rawequal is for the Lua contestants."""
    def setup(s, _size):
        is_, fd, x = operator.is_, s.fileno(), RECEIVE_SIZE

        def loop(n):
            if calls == 1:
                for _ in range(n):
                    is_(fd, x)
            else:
                for _ in range(n):
                    is_(fd, x)
                    is_(fd, x)

        return (lambda: None), loop
    return setup


def getter(s, _size):
    getsockopt = s.getsockopt
    level, name = socket.SOL_SOCKET, socket.SO_RCVBUF

    def check():
        assert getsockopt(level, name) > 0

    def loop(n):
        for _ in range(n):
            getsockopt(level, name)

    return check, loop


def sendrecv(s, size):
    send, recv = s.send, s.recv

    def check():
        assert send(MESSAGE) == len(MESSAGE)
        assert recv(size) == MESSAGE

    def loop(n):
        for _ in range(n):
            send(MESSAGE)
            recv(size)

    return check, loop


def udp(s, _size):
    to = s.getsockname()
    sendto, recvfrom = s.sendto, s.recvfrom

    def check():
        assert sendto(MESSAGE, to) == len(MESSAGE)
        assert recvfrom(RECEIVE_SIZE) == (MESSAGE, to)

    def loop(n):
        for _ in range(n):
            sendto(MESSAGE, to)
            recvfrom(RECEIVE_SIZE)

    return check, loop


def msg(s, _size):
    sendmsg, recvmsg = s.sendmsg, s.recvmsg
    data = [MESSAGE]

    def check():
        assert sendmsg(data) == len(MESSAGE)
        got, control, _flags, addr = recvmsg(RECVMSG_SIZE, RECVMSG_CONTROL)
        assert got == MESSAGE and control == [] and addr == s.getsockname()

    def loop(n):
        for _ in range(n):
            sendmsg(data)
            recvmsg(RECVMSG_SIZE, RECVMSG_CONTROL)

    return check, loop


def eagain(s, _size):
    recv = s.recv

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

    return check, loop


# The wall-clock ops (see harness.lua): the contestant's side.

def listener():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(128)
    return server


def stream(_iterations):
    server = listener()

    def serve():
        conn, _ = server.accept()
        recv = conn.recv
        while recv(CHUNK):
            pass
        conn.close()
        server.close()

    return server.getsockname()[1], serve


def churn(iterations):
    server = listener()

    def serve():
        accept = server.accept
        for _ in range(iterations):
            accept()[0].close()
        server.close()

    return server.getsockname()[1], serve


def pingpong(iterations):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))

    def serve():
        sendto, recvfrom = s.sendto, s.recvfrom
        for _ in range(iterations):
            data, addr = recvfrom(DATAGRAM_SIZE)
            sendto(data, addr)
        s.close()

    return s.getsockname()[1], serve


# CPython's socket module has no address object to reuse and no
# sendmmsg/recvmmsg.
if hasattr(socket.socket, "recvmmsg"):
    raise AssertionError("socket grew recvmmsg: add the batch")

OPS = {"floor1": floor(1), "floor2": floor(2), "getter": getter,
       "sendrecv": sendrecv, "udp": udp, "udpreuse": None, "msg": msg, "msgreuse": None,
       "batch": None, "eagain": eagain}
WALL = {"stream": stream, "pingpong": pingpong, "churn": churn,
        "burst": pingpong, "burstmm": None}


def wall(op, setup, iterations, rounds):
    if op.startswith("burst"):
        iterations = (iterations + BATCH - 1) // BATCH * BATCH
    for _ in range(rounds):
        port, serve = setup(iterations)
        command = "%s %s %d %d" % (os.environ["BENCH_PEER"], op, port,
                                   iterations)
        with subprocess.Popen(command, shell=True,
                              stdout=subprocess.PIPE) as peer:
            serve()
            ns = float(peer.stdout.readline())
            if peer.wait() != 0:
                raise AssertionError("the peer failed")
        print("%.1f" % (ns / iterations))


def main():
    op, iterations, rounds = sys.argv[1:]
    iterations, rounds = int(iterations), int(rounds)
    sized = re.fullmatch(r"sendrecv(\d+)", op)
    if op in WALL:
        if WALL[op] is None:
            sys.exit(UNSUPPORTED)
        wall(op, WALL[op], iterations, rounds)
        return
    setup = OPS["sendrecv" if sized else op]
    if setup is None:
        sys.exit(UNSUPPORTED)
    s = udp_socket()
    check, loop = setup(s, int(sized.group(1)) if sized else RECEIVE_SIZE)
    check()
    loop(iterations)  # the whole run when counting, a warm-up when timing
    # process CPU time, the clock every contestant uses (see harness.lua)
    for _ in range(rounds):
        start = time.process_time_ns()
        loop(iterations)
        print("%.1f" % ((time.process_time_ns() - start) / iterations))
    s.close()


if __name__ == "__main__":
    main()
