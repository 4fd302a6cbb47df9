/*
 * Static-pie start-up: apply the R_AARCH64_RELATIVE relocations of our own image before
 * anything reads a pointer. Only PC-relative addressing is used here (hidden symbols).
 */
typedef struct { long tag; unsigned long val; } dyn_t;
typedef struct { unsigned long offset, info; long addend; } rela_t;

extern dyn_t _DYNAMIC[] __attribute__((visibility("hidden")));
extern char __ehdr_start[] __attribute__((visibility("hidden")));

__attribute__((used)) void __rt_self_relocate(void) {
  unsigned long base = (unsigned long)__ehdr_start; /* linked at 0, so this is the load bias */
  unsigned long rela = 0, relasz = 0;
  for (dyn_t *d = _DYNAMIC; d->tag != 0; d++) {
    if (d->tag == 7) rela = d->val;   /* DT_RELA */
    if (d->tag == 8) relasz = d->val; /* DT_RELASZ */
  }
  for (rela_t *r = (rela_t *)(base + rela); (unsigned long)r < base + rela + relasz; r++)
    if ((r->info & 0xffffffff) == 1027) /* R_AARCH64_RELATIVE */
      *(unsigned long *)(base + r->offset) = base + (unsigned long)r->addend;
}
