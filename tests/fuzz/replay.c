/*
 * Replays fuzz inputs through a target's LLVMFuzzerTestOneInput without
 * libFuzzer, so any compiler can run the corpora in make check.
 *
 *   replay-TARGET [FILE|DIR ...]
 *
 * With no argument it replays $top_srcdir/tests/fuzz/corpus/TARGET (the
 * target's name comes from the build, FUZZ_TARGET).  A crash or a broken
 * promise aborts, and the test fails; a missing or empty corpus fails too.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzzinput.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  uint8_t *data = NULL;
  size_t size = 0, room = 0, n;

  if (f == NULL) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  do {
    if (size == room) {
      room = room ? room * 2 : 4096;
      data = realloc(data, room);
      if (data == NULL)
        abort();
    }
    n = fread(data + size, 1, room - size, f);
    size += n;
  } while (n > 0);
  if (ferror(f)) {
    fprintf(stderr, "replay: %s: read error\n", path);
    fclose(f);
    free(data);
    return -1;
  }
  fclose(f);
  /* a copy of exactly size bytes, so AddressSanitizer sees overreads */
  {
    uint8_t *exact = malloc(size > 0 ? size : 1);
    if (exact == NULL)
      abort();
    memcpy(exact, data, size);
    free(data);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
  }
  return 0;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays path (a file, or each file of a directory in name order);
 * returns the count replayed, or -1. */
static long replay(const char *path) {
  struct stat st;
  struct dirent *entry;
  char **names = NULL;
  size_t count = 0;
  long done = 0;
  DIR *dir;

  if (stat(path, &st) != 0) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (!S_ISDIR(st.st_mode))
    return replay_file(path) == 0 ? 1 : -1;
  dir = opendir(path);
  if (dir == NULL) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  while ((entry = readdir(dir)) != NULL) {
    if (entry->d_name[0] == '.')
      continue;
    names = realloc(names, (count + 1) * sizeof(*names));
    if (names == NULL || (names[count] = malloc(strlen(path) +
                                                strlen(entry->d_name) + 2)) == NULL)
      abort();
    sprintf(names[count++], "%s/%s", path, entry->d_name);
  }
  closedir(dir);
  if (count > 0)
    qsort(names, count, sizeof(*names), compare_names);
  for (size_t i = 0; i < count; i++) {
    if (done >= 0 && replay_file(names[i]) == 0)
      done++;
    else
      done = -1;
    free(names[i]);
  }
  free(names);
  return done;
}

int main(int argc, char **argv) {
  char corpus[4096];
  long total = 0, n;

  if (LLVMFuzzerInitialize != NULL)
    LLVMFuzzerInitialize(&argc, &argv);
  if (argc < 2) {
    const char *top = getenv("top_srcdir");
    snprintf(corpus, sizeof(corpus), "%s/tests/fuzz/corpus/%s",
             top != NULL ? top : ".", FUZZ_TARGET);
    n = replay(corpus);
    if (n <= 0) {
      fprintf(stderr, "replay: no corpus replayed from %s\n", corpus);
      return 1;
    }
    total = n;
  }
  for (int i = 1; i < argc; i++) {
    n = replay(argv[i]);
    if (n < 0)
      return 1;
    total += n;
  }
  printf("%s: %ld inputs replayed\n", FUZZ_TARGET, total);
  return 0;
}
