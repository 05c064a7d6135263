#ifndef LLSOCKRUN_REPL_H
#define LLSOCKRUN_REPL_H

/*
 * Line input for the llsockrun REPL: libedit (editing, history, completion)
 * when it was found at configure time, plain buffered stdin otherwise.
 * The evaluation loop itself lives in llsockrun.c, as in lua.c; this file
 * only supplies its readline hooks.
 */

#include <lua.h>

enum repl_read {
  REPL_READ_LINE,        /* *line holds one line without its newline */
  REPL_READ_EOF,         /* end of input (Ctrl-D): leave the REPL */
  REPL_READ_INTERRUPTED  /* Ctrl-C at the prompt: discard what was typed */
};

/* Prepares the terminal, loads the history and lets Tab complete names
 * visible from L's globals. */
void repl_open(lua_State *L);

/* Reads one line after showing prompt.  On REPL_READ_LINE, *line stays
 * valid until the next call (or repl_close): the REPL owns it, so a Lua
 * error thrown while it is in use cannot leak it. */
enum repl_read repl_read_line(const char *prompt, const char **line);

/* Adds a complete chunk (possibly several lines) to the history. */
void repl_save_line(const char *line);

/* Releases what repl_open took; the history is already on disk. */
void repl_close(void);

/* Whether line editing (libedit) was compiled in, for --version. */
int repl_has_line_editing(void);

#endif /* LLSOCKRUN_REPL_H */
