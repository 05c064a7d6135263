#ifndef LLSOCKRUN_COMPLETE_H
#define LLSOCKRUN_COMPLETE_H

/*
 * Tab completion of the Lua names visible from a state, for the libedit
 * line editor (lineedit.c); built only with libedit.
 */

#include <lua.h>

/* Installs the completion hooks; Tab then completes names from L. */
void complete_open(lua_State *L);

/* Frees the matches of the last Tab and forgets L. */
void complete_close(void);

#endif /* LLSOCKRUN_COMPLETE_H */
