/*
 * The llsockrun REPL's line input.  With libedit: line editing, a history
 * kept between sessions and Tab completion of Lua names; without it, plain
 * lines from stdin.  Both turn Ctrl-C at the prompt into "discard the line".
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include <lauxlib.h>
#include <lua.h>

#ifdef HAVE_LIBEDIT
#include <editline/readline.h>
#endif

#include "complete.h"
#include "lineedit.h"

/* The line handed out by the last lineedit_read, freed by the next. */
static char *handed_out_line = NULL;

/*
 * Ctrl-C at the prompt.  While a line is read SIGINT stays blocked except
 * inside ppoll(), which unblocks it atomically: a Ctrl-C can then never
 * slip in just before a blocking read() and be lost.
 */
static volatile sig_atomic_t prompt_interrupted = 0;
static sigset_t mask_while_waiting;

static void on_prompt_sigint(int signo) {
  (void)signo;
  prompt_interrupted = 1;
}

/* Waits for input; 0 when there is some (or end of input), -1 on Ctrl-C
 * or error. */
static int wait_for_input(int fd) {
  struct pollfd pfd = {.fd = fd, .events = POLLIN};

  for (;;) {
    if (prompt_interrupted)
      return -1;
    if (ppoll(&pfd, 1, NULL, &mask_while_waiting) > 0)
      return 0;
    if (errno != EINTR && errno != EAGAIN)
      return -1;
  }
}

/* One byte of input, or -1 at end of input, on error or on Ctrl-C. */
static int read_input_byte(int fd) {
  unsigned char c;

  for (;;) {
    ssize_t n;

    if (wait_for_input(fd) != 0)
      return -1;
    n = read(fd, &c, 1);
    if (n == 1)
      return c;
    if (n == 0 || (errno != EINTR && errno != EAGAIN))
      return -1;
  }
}

#ifdef HAVE_LIBEDIT

/* Enough to recall a long session; the file stays small. */
#define HISTORY_MAX_ENTRIES 1000
static char *history_path = NULL;
static int history_warned = 0;


/* ---- history -------------------------------------------------------------- */

/* mkdir -p, each directory it creates private to the user. */
static int make_private_dirs(char *path) {
  char *slash;

  for (slash = strchr(path + 1, '/');; slash = strchr(slash + 1, '/')) {
    if (slash != NULL)
      *slash = '\0';
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
      if (slash != NULL)
        *slash = '/';
      return -1;
    }
    if (slash == NULL)
      return 0;
    *slash = '/';
  }
}

/*
 * $XDG_STATE_HOME/llsockrun/history, else ~/.llsockrun_history; NULL when
 * history is turned off or there is no home to keep it in.  A relative
 * XDG_STATE_HOME is ignored, as the XDG spec asks.
 */
static char *find_history_path(void) {
  const char *state = getenv("XDG_STATE_HOME");
  const char *home = getenv("HOME");
  char *path = NULL;

  if (getenv("LLSOCKRUN_NO_HISTORY") != NULL)
    return NULL;
  if (state != NULL && state[0] == '/') {
    char *dir;

    if (asprintf(&dir, "%s/llsockrun", state) < 0)
      return NULL;
    if (make_private_dirs(dir) == 0 &&
        asprintf(&path, "%s/history", dir) < 0)
      path = NULL;
    free(dir);
    return path;
  }
  if (home != NULL && home[0] != '\0' &&
      asprintf(&path, "%s/.llsockrun_history", home) < 0)
    path = NULL;
  return path;
}

/* ---- input ---------------------------------------------------------------- */

/* libedit's input function: one character, decoded from the locale's
 * multibyte encoding, or -1 to end the line (end of input or Ctrl-C). */
static int read_input_char(FILE *in) {
  int fd = fileno(in);
  mbstate_t state;
  int c;

  memset(&state, 0, sizeof state);
  while ((c = read_input_byte(fd)) >= 0) {
    char byte = (char)c;
    wchar_t wc;
    size_t used = mbrtowc(&wc, &byte, 1, &state);

    if (used == (size_t)-2)
      continue; /* the middle of a character */
    if (used == (size_t)-1)
      return c; /* not valid in this locale: pass the byte through */
    return (int)wc;
  }
  return -1;
}

/* ---- the interface ------------------------------------------------------------ */

void lineedit_open(lua_State *L) {
  /* LC_CTYPE alone: enough for multibyte input, and Lua's number
   * formatting (LC_NUMERIC) stays as in any script */
  setlocale(LC_CTYPE, "");
  rl_readline_name = "llsockrun";
  rl_getc_function = read_input_char;
  rl_initialize();
  complete_open(L);
  using_history();
  stifle_history(HISTORY_MAX_ENTRIES);
  history_path = find_history_path();
  if (history_path != NULL)
    read_history(history_path);
}

static char *read_raw_line(const char *prompt) {
  return readline(prompt);
}

void lineedit_save(const char *line) {
  add_history(line);
  if (history_path != NULL && write_history(history_path) != 0 &&
      !history_warned) {
    history_warned = 1;
    fprintf(stderr, "llsockrun: cannot write history to %s\n", history_path);
  }
}

void lineedit_close(void) {
  free(handed_out_line);
  handed_out_line = NULL;
  complete_close();
  free(history_path);
  history_path = NULL;
  clear_history();
}

int lineedit_available(void) {
  return 1;
}

#else /* !HAVE_LIBEDIT */

void lineedit_open(lua_State *L) {
  (void)L;
}

/* A line from stdin without its newline; NULL at end of input or on
 * Ctrl-C.  Read byte by byte so nothing is left in a buffer. */
static char *read_raw_line(const char *prompt) {
  char *line = NULL;
  size_t len = 0, size = 0;
  int c;

  fputs(prompt, stdout);
  fflush(stdout);
  while ((c = read_input_byte(STDIN_FILENO)) >= 0 && c != '\n') {
    if (len + 1 >= size) {
      size_t bigger = size == 0 ? 128 : size * 2;
      char *grown = realloc(line, bigger);

      if (grown == NULL)
        break;
      line = grown;
      size = bigger;
    }
    line[len++] = (char)c;
  }
  if (c < 0 && (len == 0 || prompt_interrupted)) {
    free(line);
    return NULL;
  }
  if (line == NULL)
    return strdup("");
  line[len] = '\0';
  return line;
}

void lineedit_save(const char *line) {
  (void)line;
}

void lineedit_close(void) {
  free(handed_out_line);
  handed_out_line = NULL;
}

int lineedit_available(void) {
  return 0;
}

#endif /* HAVE_LIBEDIT */

enum lineedit_result lineedit_read(const char *prompt, const char **line) {
  struct sigaction before, action;
  sigset_t blocked, old_mask;
  int catching;
  char *got;

  free(handed_out_line);
  handed_out_line = NULL;
  prompt_interrupted = 0;
  /* a SIGINT ignored since startup (a background job) stays ignored */
  sigaction(SIGINT, NULL, &before);
  catching = before.sa_handler != SIG_IGN;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGINT);
  sigprocmask(SIG_BLOCK, &blocked, &old_mask);
  mask_while_waiting = old_mask;
  sigdelset(&mask_while_waiting, SIGINT);
  if (catching) {
    memset(&action, 0, sizeof action);
    action.sa_handler = on_prompt_sigint;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
  }
  got = read_raw_line(prompt);
  /* a Ctrl-C still pending lands in our handler before it goes away */
  sigprocmask(SIG_SETMASK, &old_mask, NULL);
  if (catching)
    sigaction(SIGINT, &before, NULL);
  if (prompt_interrupted) {
    free(got);
    fputs("\n", stdout);
    fflush(stdout);
    return LINEEDIT_INTERRUPTED;
  }
  if (got == NULL)
    return LINEEDIT_EOF;
  handed_out_line = got;
  *line = got;
  return LINEEDIT_LINE;
}
