#ifndef LLSOCKRUN_LINEEDIT_H
#define LLSOCKRUN_LINEEDIT_H

/*
 * Line input for the llsockrun REPL: libedit (editing, history, completion)
 * when it was found at configure time, plain buffered stdin otherwise.
 * The evaluation loop itself lives in llsockrun.c, as in lua.c; this file
 * only supplies its readline hooks.
 */

#include <lua.h>

enum lineedit_result {
  LINEEDIT_LINE,        /* *line holds one line without its newline */
  LINEEDIT_EOF,         /* end of input (Ctrl-D): leave the REPL */
  LINEEDIT_INTERRUPTED  /* Ctrl-C at the prompt: discard what was typed */
};

/* Prepares the terminal, loads the history and lets Tab complete names
 * visible from L's globals (complete.c). */
void lineedit_open(lua_State *L);

/* Reads one line after showing prompt.  On LINEEDIT_LINE, *line stays
 * valid until the next call (or lineedit_close): the REPL owns it, so a Lua
 * error thrown while it is in use cannot leak it. */
enum lineedit_result lineedit_read(const char *prompt, const char **line);

/* Adds a complete chunk (possibly several lines) to the history. */
void lineedit_save(const char *line);

/* Releases what lineedit_open took; the history is already on disk. */
void lineedit_close(void);

/* Whether line editing (libedit) was compiled in, for --version. */
int lineedit_available(void);

#endif /* LLSOCKRUN_LINEEDIT_H */
