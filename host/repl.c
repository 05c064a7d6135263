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

#include "repl.h"

/* The line handed out by the last repl_read_line, freed by the next. */
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
/* How deep completion follows __index tables before giving up on a cycle. */
#define COMPLETION_MAX_DEPTH 16

static lua_State *completion_state = NULL;
static char *history_path = NULL;
static int history_warned = 0;

/* Where the name to complete starts; '.' and ':' are not among them, so
 * "llsocket.opt.no" is completed as a whole. */
static char word_breaks[] = " \t\n\"\\'`@$><=;|&{}()[]+-*/%^~#,";

/* Matches of the last Tab, handed to libedit one at a time. */
static char **completion_list = NULL;
static size_t completion_count = 0;

static const char *const lua_keywords[] = {
    "and",   "break", "do",       "else", "elseif", "end",
    "false", "for",   "function", "goto", "if",     "in",
    "local", "nil",   "not",      "or",   "repeat", "return",
    "then",  "true",  "until",    "while", NULL};

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

/* ---- completion ----------------------------------------------------------- */

static int is_identifier(const char *s) {
  const char *const *kw;

  if (!(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') ||
        (s[0] >= 'A' && s[0] <= 'Z')))
    return 0;
  for (; *s != '\0'; s++)
    if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9')))
      return 0;
  for (kw = lua_keywords; *kw != NULL; kw++)
    if (strcmp(s, *kw) == 0)
      return 0;
  return 1;
}

/* Replaces the value on top by its metatable's __index when that is a
 * table; otherwise pops it and returns 0.  Raw access only. */
static int next_index_table(lua_State *L) {
  if (!lua_getmetatable(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  lua_pushliteral(L, "__index");
  lua_rawget(L, -2);
  lua_remove(L, -2);
  lua_remove(L, -2);
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  return 1;
}

/* Replaces the value on top by its field name, as t.name would find it
 * through tables alone; nil when that would need to run code. */
static void raw_field(lua_State *L, const char *name) {
  int depth;

  for (depth = 0; depth < COMPLETION_MAX_DEPTH; depth++) {
    if (lua_istable(L, -1)) {
      lua_pushstring(L, name);
      lua_rawget(L, -2);
      if (!lua_isnil(L, -1)) {
        lua_remove(L, -2);
        return;
      }
      lua_pop(L, 1);
    }
    if (!next_index_table(L)) {
      lua_pushnil(L);
      return;
    }
  }
  lua_pop(L, 1);
  lua_pushnil(L);
}

/* Adds prefix..key to the list at index list for every identifier key of
 * the table on top that starts with partial (functions only for a
 * method call), skipping the names in seen. */
static void add_table_keys(lua_State *L, int seen, int list, const char *prefix,
                           const char *partial, int methods_only) {
  size_t partial_len = strlen(partial);

  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    if (lua_type(L, -2) == LUA_TSTRING &&
        (!methods_only || lua_type(L, -1) == LUA_TFUNCTION)) {
      const char *key = lua_tostring(L, -2);

      if (strncmp(key, partial, partial_len) == 0 && is_identifier(key)) {
        lua_pushvalue(L, -2);
        if (lua_rawget(L, seen) == LUA_TNIL) {
          lua_pushvalue(L, -3);
          lua_pushboolean(L, 1);
          lua_rawset(L, seen);
          lua_pushfstring(L, "%s%s", prefix, key);
          lua_rawseti(L, list, (lua_Integer)lua_rawlen(L, list) + 1);
        }
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
  }
}

/* The fields of the value on top (popped): its own, if it is a table,
 * then those of its __index tables. */
static void add_fields(lua_State *L, int seen, int list, const char *prefix,
                       const char *partial, int methods_only) {
  int depth;

  for (depth = 0; depth < COMPLETION_MAX_DEPTH; depth++) {
    if (lua_istable(L, -1))
      add_table_keys(L, seen, list, prefix, partial, methods_only);
    if (!next_index_table(L))
      return;
  }
  lua_pop(L, 1);
}

/* Replaces the value on top by the one the dotted path text..sep leads
 * to (nil when there is none); a ':' may only come last. */
static void walk_path(lua_State *L, const char *text, const char *sep) {
  const char *p = text;

  while (p < sep) {
    char name[128];
    size_t len = strcspn(p, ".:");

    if (len >= sizeof name || (p + len < sep && p[len] == ':')) {
      lua_pop(L, 1);
      lua_pushnil(L);
      return;
    }
    memcpy(name, p, len);
    name[len] = '\0';
    if (!is_identifier(name)) {
      lua_pop(L, 1);
      lua_pushnil(L);
      return;
    }
    raw_field(L, name);
    if (lua_isnil(L, -1))
      return;
    p += len + 1;
  }
}

/*
 * Protected: builds the list of completions of the text (a light
 * userdata) into a new table.  "na" completes globals and keywords,
 * "a.b.na" the fields of a.b, "a.b:na" its methods.
 */
static int collect_completions(lua_State *L) {
  const char *text = lua_touserdata(L, 1);
  const char *sep = NULL, *p;
  int seen, list;

  lua_newtable(L);
  seen = lua_gettop(L);
  lua_newtable(L);
  list = lua_gettop(L);
  for (p = text; *p != '\0'; p++)
    if (*p == '.' || *p == ':')
      sep = p;
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  if (sep == NULL) {
    const char *const *kw;

    add_fields(L, seen, list, "", text, 0);
    for (kw = lua_keywords; *kw != NULL; kw++)
      if (strncmp(*kw, text, strlen(text)) == 0) {
        lua_pushstring(L, *kw);
        lua_rawseti(L, list, (lua_Integer)lua_rawlen(L, list) + 1);
      }
  } else {
    walk_path(L, text, sep);
    lua_pushlstring(L, text, (size_t)(sep - text) + 1);
    lua_insert(L, -2);
    add_fields(L, seen, list, lua_tostring(L, -2), sep + 1, *sep == ':');
  }
  lua_pushvalue(L, list);
  return 1;
}

static void free_completions(void) {
  size_t i;

  for (i = 0; i < completion_count; i++)
    free(completion_list[i]);
  free(completion_list);
  completion_list = NULL;
  completion_count = 0;
}

/* Copies the completions of text out of Lua; none on any error. */
static void find_completions(const char *text) {
  lua_State *L = completion_state;
  int top = lua_gettop(L);
  size_t i, n;
  lua_Hook hook = lua_gethook(L);
  int hook_mask = lua_gethookmask(L), hook_count = lua_gethookcount(L);
  int collecting = lua_gc(L, LUA_GCISRUNNING);
  int status;

  free_completions();
  if (!lua_checkstack(L, 4))
    return;
  /* no debug hook and no finalizer (__gc) may run while we look around */
  lua_sethook(L, NULL, 0, 0);
  lua_gc(L, LUA_GCSTOP);
  lua_pushcfunction(L, collect_completions);
  lua_pushlightuserdata(L, (void *)text);
  status = lua_pcall(L, 1, 1, 0);
  if (collecting)
    lua_gc(L, LUA_GCRESTART);
  lua_sethook(L, hook, hook_mask, hook_count);
  if (status == LUA_OK && lua_istable(L, -1)) {
    n = lua_rawlen(L, -1);
    completion_list = calloc(n + 1, sizeof *completion_list);
    for (i = 0; completion_list != NULL && i < n; i++) {
      lua_rawgeti(L, -1, (lua_Integer)i + 1);
      completion_list[i] = strdup(lua_tostring(L, -1));
      lua_pop(L, 1);
      if (completion_list[i] == NULL)
        break;
      completion_count++;
    }
  }
  lua_settop(L, top);
}

/* libedit's generator protocol: state 0 starts over, NULL ends the list;
 * libedit frees what it gets. */
static char *next_completion(const char *text, int state) {
  static size_t next;

  (void)text;
  if (state == 0)
    next = 0;
  if (next >= completion_count)
    return NULL;
  return strdup(completion_list[next++]);
}

static char *no_completion(const char *text, int state) {
  (void)text;
  (void)state;
  return NULL;
}

static char **complete_lua(const char *text, int start, int end) {
  (void)start;
  (void)end;
  rl_attempted_completion_over = 1; /* never fall back to file names */
  find_completions(text);
  if (completion_count == 0)
    return NULL;
  return rl_completion_matches(text, next_completion);
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

void repl_open(lua_State *L) {
  /* LC_CTYPE alone: enough for multibyte input, and Lua's number
   * formatting (LC_NUMERIC) stays as in any script */
  setlocale(LC_CTYPE, "");
  completion_state = L;
  rl_readline_name = "llsockrun";
  rl_getc_function = read_input_char;
  rl_initialize();
  rl_basic_word_break_characters = word_breaks;
  rl_completer_word_break_characters = word_breaks;
  rl_attempted_completion_function = complete_lua;
  rl_completion_entry_function = no_completion;
  rl_completion_append_character = '\0';
  using_history();
  stifle_history(HISTORY_MAX_ENTRIES);
  history_path = find_history_path();
  if (history_path != NULL)
    read_history(history_path);
}

static char *read_raw_line(const char *prompt) {
  return readline(prompt);
}

void repl_save_line(const char *line) {
  add_history(line);
  if (history_path != NULL && write_history(history_path) != 0 &&
      !history_warned) {
    history_warned = 1;
    fprintf(stderr, "llsockrun: cannot write history to %s\n", history_path);
  }
}

void repl_close(void) {
  free(handed_out_line);
  handed_out_line = NULL;
  free_completions();
  free(history_path);
  history_path = NULL;
  clear_history();
  completion_state = NULL;
}

int repl_has_line_editing(void) {
  return 1;
}

#else /* !HAVE_LIBEDIT */

void repl_open(lua_State *L) {
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

void repl_save_line(const char *line) {
  (void)line;
}

void repl_close(void) {
  free(handed_out_line);
  handed_out_line = NULL;
}

int repl_has_line_editing(void) {
  return 0;
}

#endif /* HAVE_LIBEDIT */

enum repl_read repl_read_line(const char *prompt, const char **line) {
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
    return REPL_READ_INTERRUPTED;
  }
  if (got == NULL)
    return REPL_READ_EOF;
  handed_out_line = got;
  *line = got;
  return REPL_READ_LINE;
}
