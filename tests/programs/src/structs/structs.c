/* Structures by value: small (in registers), HFAs (in FP registers), large (by reference). */
#include "../../lib/rt.h"

struct pt { int x, y; };
struct rect { struct pt lo, hi; };
struct vec3 { double x, y, z; };
struct fq { float a, b, c, d; };
struct big { long v[6]; char name[16]; };
struct mixed { char c; short s; int i; long l; double d; };
struct bits { unsigned a : 3, b : 5, c : 12; int d : 4; };

__attribute__((noinline)) static struct pt pt_add(struct pt a, struct pt b) { return (struct pt){a.x + b.x, a.y + b.y}; }
__attribute__((noinline)) static long rect_area(struct rect r) {
  return (long)(r.hi.x - r.lo.x) * (r.hi.y - r.lo.y);
}
__attribute__((noinline)) static struct vec3 cross(struct vec3 a, struct vec3 b) {
  return (struct vec3){a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
__attribute__((noinline)) static struct fq fq_scale(struct fq q, float k) {
  return (struct fq){q.a * k, q.b * k, q.c * k, q.d * k};
}
__attribute__((noinline)) static struct big big_update(struct big b, int k) {
  for (int i = 0; i < 6; i++) b.v[i] = b.v[i] * k + i;
  b.name[0] = (char)('A' + k);
  return b;
}
__attribute__((noinline)) static double mixed_sum(struct mixed m) { return m.c + m.s + m.i + (double)m.l + m.d; }
__attribute__((noinline)) static struct mixed many(int a, double b, struct pt p, struct vec3 v, struct big bg, long c,
                                                    float d, struct fq q) {
  struct mixed m = {(char)a, (short)p.y, p.x + (int)c, bg.v[5] + (long)v.z, b + d + q.d};
  return m;
}

int main(void) {
  struct pt p = pt_add((struct pt){3, -4}, (struct pt){10, 20});
  printf("pt_add = (%d, %d)\n", p.x, p.y);
  struct rect r = {{-5, -6}, {7, 9}};
  printf("rect_area = %ld\n", rect_area(r));
  struct vec3 c = cross((struct vec3){1, 2, 3}, (struct vec3){-4, 5, 0.5});
  printf("cross = (%g, %g, %g)\n", c.x, c.y, c.z);
  struct fq q = fq_scale((struct fq){1.5f, -2, 0.25f, 8}, 3);
  printf("fq_scale = %g %g %g %g\n", (double)q.a, (double)q.b, (double)q.c, (double)q.d);
  struct big b = {{1, 2, 3, 4, 5, 6}, "struct-big"};
  struct big b2 = big_update(b, 3);
  printf("big: original %ld..%ld %s, updated %ld..%ld %s\n", b.v[0], b.v[5], b.name, b2.v[0], b2.v[5], b2.name);
  struct mixed m = {'a', -300, 100000, -5000000000l, 0.125};
  printf("mixed_sum = %.3f, sizeof = %u\n", mixed_sum(m), (unsigned)sizeof m);
  struct mixed m2 = many(66, 1.5, p, c, b2, 1000, 2.5f, q);
  printf("many = %d %d %d %ld %.2f\n", m2.c, m2.s, m2.i, m2.l, m2.d);
  struct bits bf = {5, 17, 3000, -3};
  bf.b += 20;
  printf("bits = %u %u %u %d size %u\n", bf.a, bf.b, bf.c, bf.d, (unsigned)sizeof bf);
  struct pt pts[8];
  for (int i = 0; i < 8; i++) pts[i] = (struct pt){i * i - 10, 7 - i * 3};
  struct pt acc = {0, 0};
  for (int i = 0; i < 8; i++) acc = pt_add(acc, pts[i]);
  printf("sum of pts = (%d, %d)\n", acc.x, acc.y);
  struct rect copy = r;
  copy.hi.x = 100;
  printf("copy independent: %d vs %d\n", r.hi.x, copy.hi.x);
  return 0;
}
