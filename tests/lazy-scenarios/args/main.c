/* Argument passing across lazy objects: 8 integer + 8 FP + stack arguments, struct returns. */
int printf(const char *fmt, ...);

struct small { int a; int b; };
struct hfa { double x, y, z; };
struct fhfa { float a, b, c, d; };
struct big { long v[6]; };

long many_int(long a, long b, long c, long d, long e, long f, long g, long h, long s0, long s1);
double many_fp(double a, double b, double c, double d, double e, double f, double g, double h, double s0,
               double s1);
double mixed(int a0, long a1, int a2, long a3, int a4, long a5, int a6, long a7, double d0, float d1, double d2,
             float d3, double d4, float d5, double d6, float d7, long s0, double s1, char s2, float s3, long s4);
struct small make_small(int a, int b);
struct small swap_small(struct small s);
struct hfa make_hfa(double k);
struct fhfa make_fhfa(float k);
struct big make_big(long seed);
long sum_big(struct big b, long extra);
struct big scale_big(struct big b, long k, struct small s);

int main(void) {
  printf("many_int = %ld\n", many_int(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
  printf("many_int = %ld\n", many_int(-1, -2, -3, -4, -5, -6, -7, -8, 1000000000000L, -7));
  printf("many_fp = %.17g\n", many_fp(0.5, 1.25, 2.125, 3.0625, 4.5, 5.75, 6.875, 7.9375, 8.25, 9.5));
  printf("mixed = %.17g\n",
         mixed(1, 20000000000L, -3, 4, 5, -6, 7, 8, 1.5, 2.5f, 3.5, 4.5f, 5.5, 6.5f, 7.5, 8.5f, 900, 10.25, 'A',
               11.75f, -12));
  struct small s = make_small(7, -9);
  printf("make_small = {%d, %d}\n", s.a, s.b);
  s = swap_small(s);
  printf("swap_small = {%d, %d}\n", s.a, s.b);
  struct hfa h = make_hfa(1.5);
  printf("make_hfa = {%.17g, %.17g, %.17g}\n", h.x, h.y, h.z);
  struct fhfa f = make_fhfa(2.5f);
  printf("make_fhfa = {%.9g, %.9g, %.9g, %.9g}\n", f.a, f.b, f.c, f.d);
  struct big b = make_big(3);
  printf("make_big = {%ld, %ld, %ld, %ld, %ld, %ld}\n", b.v[0], b.v[1], b.v[2], b.v[3], b.v[4], b.v[5]);
  printf("sum_big = %ld\n", sum_big(b, 1000));
  struct big c = scale_big(b, -2, s);
  printf("scale_big = {%ld, %ld, %ld, %ld, %ld, %ld}\n", c.v[0], c.v[1], c.v[2], c.v[3], c.v[4], c.v[5]);
  /* second round: every stub already points at its body */
  printf("again: %ld %.17g %d\n", many_int(8, 7, 6, 5, 4, 3, 2, 1, 0, -1),
         many_fp(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), make_small(1, 2).b);
  return 0;
}
