/*
 * Tab completion of Lua names for the llsockrun REPL, behind libedit's
 * readline hooks: globals and keywords, the fields of a dotted path and the
 * methods after a ':', found through tables and __index tables alone, so a
 * Tab never runs Lua code.
 */
#include "config.h"

#ifdef HAVE_LIBEDIT

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include <editline/readline.h>

#include "complete.h"

/* How deep completion follows __index tables before giving up on a cycle. */
#define COMPLETION_MAX_DEPTH 16

static lua_State *completion_state = NULL;

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

void complete_open(lua_State *L) {
  completion_state = L;
  rl_basic_word_break_characters = word_breaks;
  rl_completer_word_break_characters = word_breaks;
  rl_attempted_completion_function = complete_lua;
  rl_completion_entry_function = no_completion;
  rl_completion_append_character = '\0';
}

void complete_close(void) {
  free_completions();
  completion_state = NULL;
}

#endif /* HAVE_LIBEDIT */
