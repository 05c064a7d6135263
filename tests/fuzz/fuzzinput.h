/*
 * Reading a fuzz input as a stream of values.  Every reader takes what is
 * left when the input runs short and returns zeros after its end, so any
 * byte string decodes to something and no read goes past the input.
 */
#ifndef FUZZINPUT_H
#define FUZZINPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct fuzz_input {
  const uint8_t *at;
  size_t left;
} fuzz_input;

static inline uint8_t fuzz_u8(fuzz_input *in) {
  uint8_t v = 0;

  if (in->left > 0) {
    v = *in->at++;
    in->left--;
  }
  return v;
}

static inline uint64_t fuzz_bits(fuzz_input *in, int bytes) {
  uint64_t v = 0;

  for (int i = 0; i < bytes; i++)
    v = v << 8 | fuzz_u8(in);
  return v;
}

static inline uint32_t fuzz_u32(fuzz_input *in) {
  return (uint32_t)fuzz_bits(in, 4);
}

/* Up to max bytes, as many as the next byte says (bounded by what is
 * left); *len gets the count.  The bytes stay in the input. */
static inline const uint8_t *fuzz_bytes(fuzz_input *in, size_t max,
                                        size_t *len) {
  const uint8_t *p = in->at;
  size_t n = fuzz_u8(in);

  if (n > max)
    n = max;
  if (n > in->left)
    n = in->left;
  in->at += n;
  in->left -= n;
  *len = n;
  return p;
}

/* size zeroed heap bytes, exactly (at least one, for size 0). */
static inline void *fuzz_zeroed(size_t size) {
  void *p = calloc(size > 0 ? size : 1, 1);

  if (p == NULL)
    abort();
  return p;
}

/* A heap copy of exactly len bytes, so that AddressSanitizer sees any
 * read past them; with a NUL after them when terminate is set. */
static inline char *fuzz_copy(const void *p, size_t len, int terminate) {
  char *s = fuzz_zeroed(len + (terminate ? 1 : 0));

  if (len > 0)
    memcpy(s, p, len);
  return s;
}

/* A broken promise of the code under test: crash, so the fuzzer keeps the
 * input and the replay fails. */
#define FUZZ_ASSERT(cond)                                                   \
  do {                                                                      \
    if (!(cond))                                                            \
      fuzz_fail(__FILE__, __LINE__, #cond);                                 \
  } while (0)

#include <stdio.h>
static inline _Noreturn void fuzz_fail(const char *file, int line,
                                       const char *what) {
  fprintf(stderr, "%s:%d: not true: %s\n", file, line, what);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* FUZZINPUT_H */
