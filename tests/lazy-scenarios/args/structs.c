/* Lazy: struct returns (small in x0, HFA in d0-d3 / s0-s3, large through x8) and struct arguments. */
struct small { int a; int b; };
struct hfa { double x, y, z; };
struct fhfa { float a, b, c, d; };
struct big { long v[6]; };

struct small make_small(int a, int b) {
  struct small s = {a * 3, b - 1};
  return s;
}

struct small swap_small(struct small s) {
  struct small r = {s.b, s.a};
  return r;
}

struct hfa make_hfa(double k) {
  struct hfa h = {k, k * k, k / 3};
  return h;
}

struct fhfa make_fhfa(float k) {
  struct fhfa f = {k, k + 0.125f, k * k, -k / 7};
  return f;
}

struct big make_big(long seed) {
  struct big b;
  for (int i = 0; i < 6; i++) b.v[i] = seed * (i + 1) * (i + 1) - i;
  return b;
}

long sum_big(struct big b, long extra) {
  long s = extra;
  for (int i = 0; i < 6; i++) s += b.v[i] * (i + 1);
  return s;
}

struct big scale_big(struct big b, long k, struct small s) {
  struct big r;
  for (int i = 0; i < 6; i++) r.v[i] = b.v[i] * k + s.a - s.b * i;
  return r;
}
