"""Drives the llsockrun REPL through a pseudo-terminal, as a user would.

Each test starts llsockrun on a fresh pty with a private HOME and state
directory, types into it and checks what the terminal shows.  Every wait
is bounded.  Tests that need libedit (completion, history, multibyte
editing) are skipped when `llsockrun --version` says it was built without.
"""

import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
import traceback

LLSOCKRUN = os.environ.get("LLSOCKRUN")
# Sanitizer builds start and run several times slower.
SLOW = 4 if os.environ.get("SANITIZERS") else 1
TIMEOUT = 10 * SLOW

ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x07|\r")


class Timeout(Exception):
    pass


class Session:
    """llsockrun on a pty; expect() reads until a pattern shows up."""

    def __init__(self, workdir, env, args=(), libedit=True):
        self.libedit = libedit
        self.raw = b""
        self.pos = 0
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.chdir(workdir)
                # a wide terminal: libedit never wraps the lines we type
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 200, 0, 0))
                os.execve(LLSOCKRUN, [LLSOCKRUN, *args], env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.poller = select.poll()
        self.poller.register(fd, select.POLLIN)
        self.status = None

    def text(self):
        return ESCAPES.sub(b"", self.raw)

    def _read(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        if self.poller.poll(min(left, 0.1) * 1000):
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                data = b""
            if not data:
                raise EOFError("llsockrun closed the terminal:\n" + self.shown())
            self.raw += data
        return True

    def shown(self):
        return self.text().decode("utf-8", "replace")

    def expect(self, pattern, timeout=TIMEOUT):
        """Waits for pattern (a regex on the text without escapes and
        carriage returns) after the previous match; returns the match."""
        regex = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.text(), self.pos)
            if match:
                self.pos = match.end()
                return match
            if not self._read(deadline):
                raise Timeout(f"no {pattern!r} within {timeout}s; terminal shows:\n"
                              + self.shown())

    def settle(self, seconds=0.3):
        """Reads whatever arrives for a moment."""
        deadline = time.monotonic() + seconds
        try:
            while self._read(deadline):
                pass
        except EOFError:
            pass

    def send(self, data):
        os.write(self.fd, data.encode() if isinstance(data, str) else data)

    def prompt(self):
        """Waits for the primary prompt, the last thing on the terminal."""
        self.expect(r"(?<!>)> $")
        self.wait_editing()

    def wait_editing(self, timeout=TIMEOUT):
        """libedit may show the prompt before it puts the terminal in raw
        mode; keys typed in between are handled by the tty driver (a Ctrl-D
        would be lost), so wait for raw mode, as a human always does."""
        if not self.libedit:
            return
        deadline = time.monotonic() + timeout
        while termios.tcgetattr(self.fd)[3] & termios.ICANON:
            if time.monotonic() > deadline:
                raise Timeout("the terminal never left canonical mode")
            time.sleep(0.005)

    def run(self, line, output):
        """Types a line and expects its output, then the next prompt."""
        self.send(line + "\r")
        self.expect(re.escape(line) + r"\n" + output)
        self.prompt()

    def wait_exit(self, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid != 0:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            try:
                self._read(time.monotonic() + 0.05)
            except EOFError:
                time.sleep(0.05)
        raise Timeout("llsockrun did not exit; terminal shows:\n" + self.shown())

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        os.close(self.fd)


def has_libedit():
    out = subprocess.run([LLSOCKRUN, "--version"], capture_output=True,
                         text=True, timeout=TIMEOUT, check=True).stdout
    return "libedit: yes" in out.splitlines()


class Tests:
    def __init__(self, libedit):
        self.libedit = libedit
        self.tmp = tempfile.mkdtemp(prefix="llsockrun-repl.")
        self.sessions = []

    def cleanup(self):
        for s in self.sessions:
            s.close()
        self.sessions = []

    def env(self, **changes):
        home = os.path.join(self.tmp, "home")
        os.makedirs(home, exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TERM": "xterm",
            "LC_ALL": "C.UTF-8",
            "HOME": home,
            "XDG_STATE_HOME": os.path.join(self.tmp, "state"),
        }
        for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if name in os.environ:
                env[name] = os.environ[name]
        for name, value in changes.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def start(self, args=(), **env_changes):
        s = Session(self.tmp, self.env(**env_changes), args, self.libedit)
        self.sessions.append(s)
        if "-i" not in args:
            s.expect(r"llsockrun \S+ \(libllsock \S+\), Lua 5\.4")
        s.prompt()
        return s

    def quit(self, s):
        """Ctrl-D at an empty prompt ends the session with status 0."""
        s.send(b"\x04")
        status = s.wait_exit()
        assert status == 0, f"exit status {status}; terminal shows:\n{s.shown()}"

    # ---- evaluation ---------------------------------------------------------

    def test_expression_prints_its_value(self):
        """An expression typed alone prints its value, without '='."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.run("1+1", r"2\n")
        s.run("'a', 2, nil", r"a\t2\tnil\n")
        self.quit(s)

    def test_equals_prefix_still_works(self):
        """'=expr' still prints expr, as in older lua."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.run("=1+1", r"2\n")
        self.quit(s)

    def test_llsocket_is_a_global_at_the_first_prompt(self):
        """llsocket is there without require, and is the module require
        gives; a global of that name set before the REPL is kept."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.run("llsocket.version", r"\d+\.\d+\.\d+\n")
        s.run("llsocket == require 'llsocket'", r"true\n")
        self.quit(s)
        s = self.start(["-e", "llsocket = 'mine'", "-i"], LLSOCKRUN_NO_HISTORY="1")
        s.run("llsocket", r"mine\n")
        self.quit(s)

    def test_tour_leaves_something_to_explore(self):
        """-i examples/tour.lua runs the tour, then the prompt has its steps
        (tour.udp() runs one again) and llsocket."""
        tour = os.path.join(os.environ["top_srcdir"], "examples", "tour.lua")
        s = self.start(["-i", tour], LLSOCKRUN_NO_HISTORY="1")
        s.run("tour.udp()", r"\[udp\] .*\n")
        s.run("type(llsocket.opt.nodelay)", r"function\n")
        self.quit(s)

    def test_statement_prints_nothing(self):
        """A statement prints nothing and its effect persists."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.run("x = 41", r"")
        s.run("x + 1", r"42\n")
        self.quit(s)

    def test_multiline_continuation(self):
        """An incomplete chunk continues with '>> ' until it is complete."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.send("function f()\r")
        s.expect(r"function f\(\)\n>> $")
        s.wait_editing()
        s.send("return 5 end\r")
        s.expect(r"return 5 end\n")
        s.prompt()
        s.run("f()", r"5\n")
        self.quit(s)

    def test_prompts_are_honoured(self):
        """_PROMPT and _PROMPT2 replace the prompts."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.send("_PROMPT = 'P1$ ' _PROMPT2 = 'P2$ '\r")
        s.expect(r"\nP1\$ $")
        s.wait_editing()
        s.send("do\r")
        s.expect(r"do\nP2\$ $")
        s.wait_editing()
        s.send("end\r")
        s.expect(r"end\nP1\$ $")
        s.wait_editing()
        self.quit(s)

    def test_syntax_error_resets_the_buffer(self):
        """A syntax error is reported and the next line starts afresh."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.send("x = = 1\r")
        s.expect(r"x = = 1\nstdin:1: unexpected symbol near '='\n> $")
        s.run("1+2", r"3\n")
        self.quit(s)

    def test_runtime_error_keeps_the_session(self):
        """A runtime error shows message and traceback; the REPL goes on."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.send("error('e1')\r")
        s.expect(r"error\('e1'\)\nstdin:1: e1\nstack traceback:\n")
        s.prompt()
        s.run("2*3", r"6\n")
        self.quit(s)

    def test_llsocket_in_the_repl(self):
        """require "llsocket" works in the REPL and its values print."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.run('llsocket = require "llsocket"', r"")
        s.run("type(llsocket.inet.bind), llsocket.opt.SOCK_STREAM",
              r"function\t1\n")
        self.quit(s)

    # ---- Ctrl-C and Ctrl-D ---------------------------------------------------

    def interrupt_busy_loop(self, s):
        s.send("while true do end\r")
        s.expect(r"while true do end\n")
        time.sleep(0.2)
        s.send(b"\x03")
        s.expect(r"interrupted!\nstack traceback:\n")
        s.prompt()

    def test_ctrl_c_interrupts_running_code_every_time(self):
        """Ctrl-C stops a busy loop with "interrupted!", twice in a row,
        and the process keeps answering."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        self.interrupt_busy_loop(s)
        self.interrupt_busy_loop(s)
        s.run("1+1", r"2\n")
        self.quit(s)

    def test_ctrl_c_interrupts_a_blocking_recv(self):
        """Ctrl-C stops a recv blocked on an empty socket, every time."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.run('s = require "llsocket"; '
              'fd = s.inet.bind("127.0.0.1", 0, s.opt.SOCK_DGRAM)', "")
        for _ in range(2):
            s.send("s.recv(fd)\r")
            s.expect(r"s\.recv\(fd\)\n")
            time.sleep(0.2)
            s.send(b"\x03")
            s.expect(r"interrupted!\nstack traceback:\n")
            s.prompt()
        s.run("s.close(fd)", "")
        self.quit(s)

    def test_ctrl_c_interrupts_every_wait(self):
        """Ctrl-C stops a poller's wait, readable, writable and sleep, each
        blocked for far longer than the test waits, every time."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.run('s = require "llsocket"; p = s.poller(); '
              'a, b = s.socketpair(s.opt.SOCK_STREAM, true); '
              'p:add(a, s.opt.POLLIN)', "")
        # a has nothing to read, and with its send buffer and b's receive
        # buffer full, no room to write
        s.run('repeat local n = s.send(a, string.rep("x", 65536)) until not n', "")
        for call in ("p:wait()", "s.readable(a)", "s.writable(a, 1000)", "s.sleep(1000)"):
            for _ in range(2):
                line = 'print("waiting") ' + call
                s.send(line + "\r")
                s.expect(re.escape(line) + r"\nwaiting\n")
                time.sleep(0.2)
                s.send(b"\x03")
                s.expect(r"interrupted!\nstack traceback:\n")
                s.prompt()
        s.run("p:close(); s.close(a); s.close(b)", "")
        self.quit(s)

    def test_ctrl_c_at_prompt_discards_the_line(self):
        """Ctrl-C at the prompt drops what was typed and shows a new prompt."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.send("abc")
        s.expect("abc")
        s.send(b"\x03")
        s.prompt()
        s.run("1+1", r"2\n")
        self.quit(s)

    def test_ctrl_c_discards_a_continued_chunk(self):
        """Ctrl-C at the '>>' prompt drops the whole unfinished chunk."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.send("do\r")
        s.expect(r"do\n>> $")
        s.wait_editing()
        s.send(b"\x03")
        s.prompt()
        s.run("7", r"7\n")
        self.quit(s)

    def test_ctrl_d_exits_with_status_0(self):
        """Ctrl-D on an empty line ends the REPL with status 0."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        self.quit(s)

    def test_os_exit_in_the_repl(self):
        """os.exit(n) ends the REPL with status n."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.send("os.exit(4)\r")
        assert s.wait_exit() == 4

    def test_i_option_enters_the_repl_after_the_script(self):
        """-i runs the script, then gives a REPL that sees its globals."""
        script = os.path.join(self.tmp, "setx.lua")
        with open(script, "w") as f:
            f.write("x = 'from script'\n")
        s = self.start(args=("-i", script), LLSOCKRUN_NO_HISTORY="1")
        s.run("x", r"from script\n")
        self.quit(s)

    # ---- libedit -----------------------------------------------------------

    def test_history_is_saved_and_recalled(self):
        """A line typed in one session is recalled with the up arrow in the
        next, through $XDG_STATE_HOME/llsockrun/history."""
        state = os.path.join(self.tmp, "state-hist")
        s = self.start(XDG_STATE_HOME=state)
        s.run("40+2", r"42\n")
        self.quit(s)
        path = os.path.join(state, "llsockrun", "history")
        with open(path, "rb") as f:
            assert b"40+2" in f.read(), "history file lacks the line"
        assert os.stat(os.path.dirname(path)).st_mode & 0o077 == 0, \
            "history directory is not private"
        s = self.start(XDG_STATE_HOME=state)
        s.send(b"\x1b[A")
        s.expect("40\\+2")
        s.send(b"\r")
        s.expect(r"\n42\n")
        s.prompt()
        self.quit(s)

    def test_history_falls_back_to_home(self):
        """Without XDG_STATE_HOME (or with a relative one) the history is
        ~/.llsockrun_history."""
        for xdg in (None, "relative/dir"):
            home = tempfile.mkdtemp(dir=self.tmp)
            s = self.start(HOME=home, XDG_STATE_HOME=xdg)
            s.run("'fallback'", r"fallback\n")
            self.quit(s)
            with open(os.path.join(home, ".llsockrun_history"), "rb") as f:
                assert b"'fallback'" in f.read()
            assert not os.path.exists(os.path.join(self.tmp, "relative")), \
                "a relative XDG_STATE_HOME was used"

    def test_no_history_when_disabled(self):
        """LLSOCKRUN_NO_HISTORY set: no history file, not even a directory."""
        state = os.path.join(self.tmp, "state-off")
        home = tempfile.mkdtemp(dir=self.tmp)
        s = self.start(XDG_STATE_HOME=state, HOME=home, LLSOCKRUN_NO_HISTORY="")
        s.run("1+1", r"2\n")
        self.quit(s)
        assert not os.path.exists(state), "state directory was created"
        assert os.listdir(home) == [], f"files in HOME: {os.listdir(home)}"

    def test_no_history_without_home(self):
        """Neither HOME nor XDG_STATE_HOME: the REPL works, writes nothing."""
        before = set(os.listdir(self.tmp))
        s = self.start(HOME=None, XDG_STATE_HOME=None)
        s.run("1+1", r"2\n")
        self.quit(s)
        assert set(os.listdir(self.tmp)) == before

    def test_history_is_bounded(self):
        """The history file keeps at most 1000 entries."""
        state = os.path.join(self.tmp, "state-big")
        os.makedirs(os.path.join(state, "llsockrun"))
        path = os.path.join(state, "llsockrun", "history")
        with open(path, "w") as f:
            f.write("_HiStOrY_V2_\n")
            for i in range(1500):
                f.write(f"x={i}\n")
        s = self.start(XDG_STATE_HOME=state)
        s.run("'last'", r"last\n")
        self.quit(s)
        with open(path, "rb") as f:
            lines = f.read().splitlines()
        entries = [l for l in lines if l != b"_HiStOrY_V2_"]
        assert len(entries) == 1000, f"{len(entries)} entries"
        assert entries[-1] == b"'last'"

    def test_completion_of_llsocket_fields(self):
        """Tab completes llsocket.op to llsocket.opt, and nested fields."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.send("llsocket.op\t")
        s.settle()
        s.send("== llsocket.opt\r")
        s.expect(r"\ntrue\n")
        s.prompt()
        s.send("llsocket.opt.no\t\t")
        s.expect(r"llsocket\.opt\.nodelay +llsocket\.opt\.nonblock")
        s.send(b"\x15")  # kill the line
        s.settle()
        s.run("'clean'", r"clean\n")
        self.quit(s)

    def test_completion_of_globals_and_methods(self):
        """Tab completes a global, a method through a string's __index table
        and a userdata method (llsocket.addr)."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.send("pri\t")
        s.settle()
        s.send("('g-ok')\r")
        s.expect(r"\ng-ok\n")
        s.prompt()
        s.run('s = "abc"', r"")
        s.send("s:upp\t")
        s.settle()
        s.send("()\r")
        s.expect(r"\nABC\n")
        s.prompt()
        s.run('a = require("llsocket").addr.inet("127.0.0.1", 8080)', r"")
        s.send("a:po\t")
        s.settle()
        s.send("()\r")
        s.expect(r"\n8080\n")
        s.prompt()
        self.quit(s)

    def test_completion_runs_no_user_code(self):
        """Completing through a table whose __index is a function, or a
        __pairs metamethod, never calls it."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.run("ran = 0 t = setmetatable({}, {__index = function() ran = ran + 1 end,"
              " __pairs = function() ran = ran + 10 end})", r"")
        s.send("t.x\t")
        s.settle()
        s.send(b"\x15")
        s.settle()
        s.send("t.x.y\t")
        s.settle()
        s.send(b"\x15")
        s.settle()
        s.run("ran", r"0\n")
        self.quit(s)

    def test_completion_calls_no_hook(self):
        """A debug hook set by the user does not see completion at work:
        a line after a Tab costs exactly the calls it costs without one."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.run('calls = 0 debug.sethook(function() calls = calls + 1 end, "c")', r"")
        s.run("c0 = calls", r"")
        s.run("c1 = calls", r"")
        s.send("str\t\t")
        s.expect(r"string")
        s.send(b"\x15")
        s.settle()
        s.run("c2 = calls", r"")
        s.run("debug.sethook() return c2 - c1 == c1 - c0, c1 - c0 > 0", r"true\ttrue\n")
        self.quit(s)

    def test_multibyte_editing(self):
        """With a UTF-8 locale, backspace removes a whole character."""
        s = self.start(LLSOCKRUN_NO_HISTORY="1")
        s.send('"a\u00e9\x7f"\r')
        s.expect(r"\na\n")
        s.prompt()
        s.run('#"h\u00e9"', r"3\n")
        self.quit(s)


LIBEDIT_ONLY = {
    "test_history_is_saved_and_recalled",
    "test_history_falls_back_to_home",
    "test_no_history_when_disabled",
    "test_no_history_without_home",
    "test_history_is_bounded",
    "test_completion_of_llsocket_fields",
    "test_completion_of_globals_and_methods",
    "test_completion_runs_no_user_code",
    "test_completion_calls_no_hook",
    "test_multibyte_editing",
}


def main():
    if not LLSOCKRUN:
        print("LLSOCKRUN is not set", file=sys.stderr)
        return 99
    try:
        master, slave = os.openpty()
        os.close(master)
        os.close(slave)
    except OSError as err:
        print(f"# skipped: no pseudo-terminal ({err})")
        return 77
    libedit = has_libedit()
    names = [n for n in dir(Tests) if n.startswith("test_")]
    if len(sys.argv) > 1:
        names = [n for n in names if any(a in n for a in sys.argv[1:])]
    tests = Tests(libedit)
    failures = 0
    try:
        for number, name in enumerate(names, 1):
            if name in LIBEDIT_ONLY and not libedit:
                print(f"ok {number} - {name} # SKIP built without libedit")
                continue
            try:
                getattr(tests, name)()
                print(f"ok {number} - {name}")
            except Exception:
                failures += 1
                print(f"not ok {number} - {name}")
                for line in traceback.format_exc().splitlines():
                    print("#   " + line)
            finally:
                tests.cleanup()
            sys.stdout.flush()
    finally:
        tests.cleanup()
        shutil.rmtree(tests.tmp, ignore_errors=True)
    print(f"1..{len(names)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
