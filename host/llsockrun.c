/*
 * llsockrun: a standalone Lua 5.4 interpreter with the llsocket module
 * built in.  The command line means what it means to lua(1); the shape of
 * this file follows Lua's own lua.c so a reader of one can find their way
 * in the other.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "llsocket.h"
#include "lineedit.h"

#define PROGNAME "llsockrun"

/* Lua looks this registry field up to decide whether LUA_PATH and
 * LUA_CPATH may be read (the -E option). */
#define NO_ENV_FIELD "LUA_NOENV"

/* Results of read_chunk besides the LUA_* statuses. */
#define CHUNK_EOF (-1)
#define CHUNK_DISCARDED (-2)

/* Bits of the options found on the command line. */
enum {
  OPT_IGNORE_ENV = 1 << 0,  /* -E */
  OPT_INTERACTIVE = 1 << 1, /* -i */
  OPT_VERSION = 1 << 2,     /* -v (and -i) */
  OPT_EXEC = 1 << 3,        /* at least one -e */
  OPT_HELP = 1 << 4,        /* -h, --help */
  OPT_BUILD_INFO = 1 << 5   /* --version */
};

/* The state whose running code a SIGINT interrupts. */
static lua_State *running_state = NULL;

/* Ctrl-C interrupts code, unless SIGINT was ignored when we started (a
 * background job): then it stays ignored. */
static int interrupts_enabled = 0;

/* Errors are prefixed with the program name, except inside the REPL where
 * the user is already talking to us. */
static const char *message_prefix = PROGNAME;

/* ---- messages ------------------------------------------------------------ */

static void print_message(const char *msg) {
  if (message_prefix != NULL)
    fprintf(stderr, "%s: ", message_prefix);
  fprintf(stderr, "%s\n", msg);
  fflush(stderr);
}

/* Prints and pops the error message a failed call left on the stack. */
static int report(lua_State *L, int status) {
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);

    print_message(msg != NULL ? msg : "(error object is not a string)");
    lua_pop(L, 1);
  }
  return status;
}

static void print_usage(FILE *out) {
  fprintf(out,
          "usage: %s [options] [script [args]]\n"
          "Lua %s with the llsocket module built in.\n"
          "Options:\n"
          "  -e stat     run the Lua statement 'stat'\n"
          "  -i          enter the interactive REPL after running 'script'\n"
          "  -l mod      require module 'mod' into global 'mod'\n"
          "  -l g=mod    require module 'mod' into global 'g'\n"
          "  -v          print version information\n"
          "  -E          ignore environment variables (LUA_INIT, LUA_PATH...)\n"
          "  -W          turn warnings on\n"
          "  --          stop handling options\n"
          "  -           stop handling options and run standard input\n"
          "  -h, --help  print this help and exit\n"
          "  --version   print versions and compiled-in features and exit\n",
          PROGNAME, LUA_VERSION_MAJOR "." LUA_VERSION_MINOR);
  fflush(out);
}

static void usage_error(const char *option) {
  if (option[1] == 'e' || option[1] == 'l')
    fprintf(stderr, "%s: '%s' needs argument\n", PROGNAME, option);
  else
    fprintf(stderr, "%s: unrecognized option '%s'\n", PROGNAME, option);
  print_usage(stderr);
}

/* libllsock's version as the llsocket module reports it, which loads the
 * module as require would; the string stays on L's stack. */
static const char *libllsock_version(lua_State *L) {
  luaL_requiref(L, "llsocket", luaopen_llsocket, 0);
  lua_getfield(L, -1, "version");
  lua_remove(L, -2);
  return lua_tostring(L, -1);
}

static void print_version(lua_State *L) {
  printf("%s %s (libllsock %s), %s\n", PROGNAME, PACKAGE_VERSION,
         libllsock_version(L), LUA_COPYRIGHT);
  fflush(stdout);
  lua_pop(L, 1);
}

/* ---- running code -------------------------------------------------------- */

static void stop_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  luaL_error(L, "interrupted!");
}

static void set_sigint_action(void (*handler)(int), struct sigaction *old) {
  struct sigaction action;

  memset(&action, 0, sizeof action);
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, old);
}

/*
 * Ctrl-C while Lua code runs: a hook stops the code at its next step with
 * "interrupted!".  The default action is restored first, so a second
 * Ctrl-C before the hook runs (code blocked in a system call) ends the
 * process, as with lua.
 */
static void on_sigint(int signo) {
  (void)signo;
  set_sigint_action(SIG_DFL, NULL);
  lua_sethook(running_state, stop_hook,
              LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT, 1);
}

/* Adds a traceback to the error, or describes an error that is no string. */
static int message_handler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);

  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1; /* the object describes itself */
    msg = lua_pushfstring(L, "(error object is a %s value)",
                          luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* Lets Ctrl-C interrupt the Lua code run until release_interrupts. */
static void catch_interrupts(lua_State *L, struct sigaction *before) {
  running_state = L;
  if (interrupts_enabled)
    set_sigint_action(on_sigint, before);
  else
    sigaction(SIGINT, NULL, before);
}

static void release_interrupts(lua_State *L, const struct sigaction *before) {
  sigaction(SIGINT, before, NULL);
  /* a Ctrl-C that came as the code finished must not stop the next call */
  if (lua_gethook(L) == stop_hook)
    lua_sethook(L, NULL, 0, 0);
}

/* Calls the function below nargs arguments with a traceback handler,
 * interruptible by Ctrl-C. */
static int docall(lua_State *L, int nargs, int nresults) {
  int base = lua_gettop(L) - nargs;
  struct sigaction before;
  int status;

  lua_pushcfunction(L, message_handler);
  lua_insert(L, base);
  catch_interrupts(L, &before);
  status = lua_pcall(L, nargs, nresults, base);
  release_interrupts(L, &before);
  lua_remove(L, base);
  return status;
}

static int dochunk(lua_State *L, int status) {
  if (status == LUA_OK)
    status = docall(L, 0, 0);
  return report(L, status);
}

/* Runs a file, or standard input when name is NULL. */
static int dofile(lua_State *L, const char *name) {
  return dochunk(L, luaL_loadfile(L, name));
}

static int dostring(lua_State *L, const char *source, const char *chunkname) {
  return dochunk(L, luaL_loadbuffer(L, source, strlen(source), chunkname));
}

/* -l mod and -l g=mod: global g (or mod) = require(mod). */
static int dolibrary(lua_State *L, const char *spec) {
  const char *equals = strchr(spec, '=');
  const char *modname = equals != NULL ? equals + 1 : spec;
  size_t globlen = equals != NULL ? (size_t)(equals - spec) : strlen(spec);
  int status;

  lua_getglobal(L, "require");
  lua_pushstring(L, modname);
  status = docall(L, 1, 1);
  if (status == LUA_OK) {
    lua_pushlstring(L, spec, globlen);
    lua_insert(L, -2);
    lua_setglobal(L, lua_tostring(L, -2));
    lua_pop(L, 1);
  }
  return report(L, status);
}

/* The script's arguments (arg[1..n]) as arguments of its chunk. */
static int push_script_args(lua_State *L) {
  int n, i;

  if (lua_getglobal(L, "arg") != LUA_TTABLE)
    luaL_error(L, "'arg' is not a table");
  n = (int)luaL_len(L, -1);
  luaL_checkstack(L, n + 3, "too many arguments to script");
  for (i = 1; i <= n; i++)
    lua_rawgeti(L, -i, i);
  lua_remove(L, -i);
  return n;
}

/* argv points at the script name; "-" is standard input unless it came
 * right after "--". */
static int run_script(lua_State *L, char **argv) {
  const char *name = argv[0];
  int status;

  if (strcmp(name, "-") == 0 && strcmp(argv[-1], "--") != 0)
    name = NULL;
  status = luaL_loadfile(L, name);
  if (status == LUA_OK) {
    int n = push_script_args(L);
    status = docall(L, n, LUA_MULTRET);
  }
  return report(L, status);
}

/* ---- command line -------------------------------------------------------- */

/*
 * Checks the options without acting on them.  Returns the index of the
 * script (argc when there is none), or -1 with *bad the index of the
 * offending option.
 */
static int scan_options(char **argv, int *flags, int *bad) {
  int i;

  *flags = 0;
  for (i = 1; argv[i] != NULL; i++) {
    const char *opt = argv[i];

    if (opt[0] != '-')
      return i;
    *bad = i;
    if (strcmp(opt, "--help") == 0) {
      *flags |= OPT_HELP;
      return i + 1;
    }
    if (strcmp(opt, "--version") == 0) {
      *flags |= OPT_BUILD_INFO;
      return i + 1;
    }
    switch (opt[1]) {
    case '\0': /* "-": standard input is the script */
      return i;
    case '-': /* "--": the next argument is the script */
      return opt[2] == '\0' ? i + 1 : -1;
    case 'h':
      if (opt[2] != '\0')
        return -1;
      *flags |= OPT_HELP;
      return i + 1;
    case 'E':
      if (opt[2] != '\0')
        return -1;
      *flags |= OPT_IGNORE_ENV;
      break;
    case 'W':
      if (opt[2] != '\0')
        return -1;
      break;
    case 'i':
      if (opt[2] != '\0')
        return -1;
      *flags |= OPT_INTERACTIVE | OPT_VERSION;
      break;
    case 'v':
      if (opt[2] != '\0')
        return -1;
      *flags |= OPT_VERSION;
      break;
    case 'e':
    case 'l':
      if (opt[1] == 'e')
        *flags |= OPT_EXEC;
      /* the value is glued on ("-eprint(1)") or the next argument */
      if (opt[2] == '\0') {
        i++;
        if (argv[i] == NULL || argv[i][0] == '-')
          return -1;
      }
      break;
    default:
      return -1;
    }
  }
  return i;
}

/*
 * arg[0] is the script, the interpreter and its options have negative
 * indices and the script's arguments positive ones.  Without a script,
 * arg[0] is the interpreter, as in lua.
 */
static void create_arg_table(lua_State *L, char **argv, int argc, int script) {
  int i;

  if (script == argc)
    script = 0;
  lua_createtable(L, argc - (script + 1), script + 1);
  for (i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - script);
  }
  lua_setglobal(L, "arg");
}

/* Runs -e, -l and -W in command-line order; returns 0 on the first error. */
static int run_options(lua_State *L, char **argv, int script) {
  int i;

  for (i = 1; i < script; i++) {
    const char *opt = argv[i];

    switch (opt[1]) {
    case 'e':
    case 'l': {
      const char *value = opt[2] != '\0' ? opt + 2 : argv[++i];
      int status = opt[1] == 'e'
                       ? dostring(L, value, "=(command line)")
                       : dolibrary(L, value);

      if (status != LUA_OK)
        return 0;
      break;
    }
    case 'W':
      lua_warning(L, "@on", 0);
      break;
    default:
      break;
    }
  }
  return 1;
}

/* LUA_INIT_5_4, else LUA_INIT: a chunk, or "@file" to run a file. */
static int run_init(lua_State *L) {
  const char *chunkname = "=LUA_INIT_" LUA_VERSION_MAJOR "_" LUA_VERSION_MINOR;
  const char *init = getenv(chunkname + 1);

  if (init == NULL) {
    chunkname = "=LUA_INIT";
    init = getenv(chunkname + 1);
  }
  if (init == NULL)
    return LUA_OK;
  if (init[0] == '@')
    return dofile(L, init + 1);
  return dostring(L, init, chunkname);
}

static void preload_llsocket(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_llsocket);
  lua_setfield(L, -2, "llsocket");
  lua_pop(L, 1);
}

/* Whether module[table][field] (or module[field] when table is NULL) is
 * present, looked up raw. */
static int module_has(lua_State *L, int module, const char *table,
                      const char *field) {
  int present;

  lua_pushvalue(L, module);
  if (table != NULL) {
    lua_pushstring(L, table);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    if (!lua_istable(L, -1)) {
      lua_pop(L, 1);
      return 0;
    }
  }
  lua_pushstring(L, field);
  lua_rawget(L, -2);
  present = !lua_isnil(L, -1);
  lua_pop(L, 2);
  return present;
}

static const char *yes_no(int value) {
  return value ? "yes" : "no";
}

/* --version: versions, and what this build of llsocket can do (asked of
 * the module itself, so the answer cannot drift from the code). */
static int print_build_info(lua_State *L) {
  int module;

  lua_getglobal(L, "require");
  lua_pushliteral(L, "llsocket");
  if (report(L, docall(L, 1, 1)) != LUA_OK)
    return 0;
  module = lua_gettop(L);
  printf("%s %s\n", PROGNAME, PACKAGE_VERSION);
  printf("libllsock %s\n", libllsock_version(L));
  lua_pop(L, 1);
  printf("%s\n", LUA_COPYRIGHT);
  printf("libedit: %s\n", yes_no(lineedit_available()));
  printf("IPv6: %s\n", yes_no(module_has(L, module, "opt", "AF_INET6")));
  printf("unix sockets: %s\n", yes_no(module_has(L, module, NULL, "unix")));
  printf("fd passing (SCM_RIGHTS): %s\n",
         yes_no(module_has(L, module, NULL, "sendfds") &&
                module_has(L, module, NULL, "recvfds")));
  fflush(stdout);
  lua_pop(L, 1);
  return 1;
}

/* ---- the REPL ------------------------------------------------------------- */

/* Pushes _PROMPT or _PROMPT2 (read raw: showing a prompt runs no code). */
static const char *push_prompt(lua_State *L, int first_line) {
  const char *name = first_line ? "_PROMPT" : "_PROMPT2";

  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  lua_pushstring(L, name);
  lua_rawget(L, -2);
  lua_remove(L, -2);
  if (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER) {
    lua_pop(L, 1);
    lua_pushstring(L, first_line ? "> " : ">> ");
  }
  return lua_tostring(L, -1);
}

/* Reads a line and pushes it; "=expr" on a first line means "return expr". */
static enum lineedit_result push_line(lua_State *L, int first_line) {
  const char *line;
  enum lineedit_result result = lineedit_read(push_prompt(L, first_line), &line);

  lua_pop(L, 1);
  if (result != LINEEDIT_LINE)
    return result;
  if (first_line && line[0] == '=')
    lua_pushfstring(L, "return %s", line + 1);
  else
    lua_pushstring(L, line);
  return LINEEDIT_LINE;
}

/* Compiles the line on top as "return <line>", so an expression prints
 * its value; on success the compiled chunk replaces the text's copy. */
static int load_as_expression(lua_State *L) {
  const char *line = lua_tostring(L, -1);
  const char *source = lua_pushfstring(L, "return %s;", line);
  int status = luaL_loadbuffer(L, source, strlen(source), "=stdin");

  if (status == LUA_OK) {
    lua_remove(L, -2);
    if (line[0] != '\0')
      lineedit_save(line);
  } else {
    lua_pop(L, 2);
  }
  return status;
}

/* A syntax error at the end of input means the chunk may go on. */
static int is_incomplete(lua_State *L, int status) {
  static const char eof_mark[] = "<eof>";
  size_t len;
  const char *msg;

  if (status != LUA_ERRSYNTAX)
    return 0;
  msg = lua_tolstring(L, -1, &len);
  if (len < sizeof eof_mark - 1 ||
      strcmp(msg + len - (sizeof eof_mark - 1), eof_mark) != 0)
    return 0;
  lua_pop(L, 1);
  return 1;
}

/* Compiles the text at index 1 as statements, reading continuation lines
 * while it is incomplete. */
static int load_statements(lua_State *L) {
  for (;;) {
    size_t len;
    const char *chunk = lua_tolstring(L, 1, &len);
    int status = luaL_loadbuffer(L, chunk, len, "=stdin");
    enum lineedit_result more;

    if (!is_incomplete(L, status)) {
      /* saved even when wrong, so the user can recall and fix it */
      lineedit_save(chunk);
      return status;
    }
    more = push_line(L, 0);
    if (more == LINEEDIT_EOF)
      return CHUNK_EOF;
    if (more == LINEEDIT_INTERRUPTED)
      return CHUNK_DISCARDED;
    lua_pushliteral(L, "\n");
    lua_insert(L, -2);
    lua_concat(L, 3);
  }
}

/* Reads and compiles one chunk, leaving the function (or the error) alone
 * on the stack. */
static int read_chunk(lua_State *L) {
  int status;

  lua_settop(L, 0);
  switch (push_line(L, 1)) {
  case LINEEDIT_EOF:
    return CHUNK_EOF;
  case LINEEDIT_INTERRUPTED:
    return CHUNK_DISCARDED;
  case LINEEDIT_LINE:
    break;
  }
  status = load_as_expression(L);
  if (status != LUA_OK)
    status = load_statements(L);
  lua_remove(L, 1);
  return status;
}

/* Prints whatever the chunk returned, through the global print; Ctrl-C
 * stops a long listing too. */
static void print_results(lua_State *L) {
  int n = lua_gettop(L);
  struct sigaction before;
  int status;

  if (n == 0)
    return;
  luaL_checkstack(L, LUA_MINSTACK, "too many results to print");
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  lua_pushliteral(L, "print");
  lua_rawget(L, -2);
  lua_remove(L, -2);
  lua_insert(L, 1);
  catch_interrupts(L, &before);
  status = lua_pcall(L, n, 0, 0);
  release_interrupts(L, &before);
  if (status != LUA_OK)
    print_message(lua_pushfstring(L, "error calling 'print' (%s)",
                                  lua_tostring(L, -1)));
}

/*
 * At the prompt llsocket is a global from the start, so the first line
 * typed can use it and Tab complete it; scripts still require it.  A
 * global of that name that a script or -l already set is left alone.
 */
static void set_llsocket_global(lua_State *L) {
  if (lua_getglobal(L, "llsocket") == LUA_TNIL) {
    luaL_requiref(L, "llsocket", luaopen_llsocket, 1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

static void run_repl(lua_State *L) {
  const char *prefix = message_prefix;
  int status;

  message_prefix = NULL;
  set_llsocket_global(L);
  lineedit_open(L);
  for (;;) {
    /* between prompt and code a Ctrl-C must not kill the REPL either: it
     * interrupts the chunk about to run, or is dropped here */
    running_state = L;
    if (interrupts_enabled)
      set_sigint_action(on_sigint, NULL);
    if (lua_gethook(L) == stop_hook)
      lua_sethook(L, NULL, 0, 0);
    status = read_chunk(L);
    if (status == CHUNK_EOF)
      break;
    if (status == CHUNK_DISCARDED)
      continue;
    if (status == LUA_OK)
      status = docall(L, 0, LUA_MULTRET);
    if (status == LUA_OK)
      print_results(L);
    else
      report(L, status);
  }
  lua_settop(L, 0);
  if (interrupts_enabled)
    set_sigint_action(SIG_DFL, NULL);
  lineedit_close();
  fputs("\n", stdout);
  fflush(stdout);
  message_prefix = prefix;
}

/* ---- main ----------------------------------------------------------------- */

static int pmain(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = lua_touserdata(L, 2);
  int flags, bad = 0;
  int script = scan_options(argv, &flags, &bad);

  luaL_checkversion(L);
  if (script < 0) {
    usage_error(argv[bad]);
    return 0;
  }
  if (flags & OPT_HELP) {
    print_usage(stdout);
    lua_pushboolean(L, 1);
    return 1;
  }
  if (flags & OPT_VERSION)
    print_version(L);
  if (flags & OPT_IGNORE_ENV) {
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, NO_ENV_FIELD);
  }
  luaL_openlibs(L);
  preload_llsocket(L);
  create_arg_table(L, argv, argc, script);
  lua_gc(L, LUA_GCRESTART);
  lua_gc(L, LUA_GCGEN, 0, 0);
  if (flags & OPT_BUILD_INFO) {
    if (!print_build_info(L))
      return 0;
    lua_pushboolean(L, 1);
    return 1;
  }
  if (!(flags & OPT_IGNORE_ENV) && run_init(L) != LUA_OK)
    return 0;
  if (!run_options(L, argv, script))
    return 0;
  if (script < argc && run_script(L, argv + script) != LUA_OK)
    return 0;
  if (flags & OPT_INTERACTIVE) {
    run_repl(L);
  } else if (script == argc && !(flags & (OPT_EXEC | OPT_VERSION))) {
    if (isatty(STDIN_FILENO)) {
      print_version(L);
      run_repl(L);
    } else if (dofile(L, NULL) != LUA_OK) {
      return 0;
    }
  }
  lua_pushboolean(L, 1);
  return 1;
}

int main(int argc, char **argv) {
  /* exec with an empty argv is legal; give the options scan an argv[0] */
  static char progname[] = PROGNAME;
  static char *no_args[] = {progname, NULL};
  struct sigaction startup_action;
  lua_State *L;
  int status, ok;

  sigaction(SIGINT, NULL, &startup_action);
  interrupts_enabled = startup_action.sa_handler != SIG_IGN;
  if (argc < 1 || argv[0] == NULL) {
    argc = 1;
    argv = no_args;
  }
  L = luaL_newstate();
  if (L == NULL) {
    fprintf(stderr, "%s: cannot create state: not enough memory\n", PROGNAME);
    return EXIT_FAILURE;
  }
  lua_gc(L, LUA_GCSTOP); /* nothing to collect while starting up */
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  status = lua_pcall(L, 2, 1, 0);
  ok = lua_toboolean(L, -1);
  report(L, status);
  lua_close(L);
  return ok && status == LUA_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}
