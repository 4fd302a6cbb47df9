float dot_f(const float *a, const float *b, int n) {
  float s = 0;
  for (int i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

static double det3(double a, double b, double c, double d, double e, double f, double g, double h, double i) {
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

double det4(const double m[16]) {
  double r = 0;
  for (int col = 0; col < 4; col++) {
    double sub[9];
    int k = 0;
    for (int row = 1; row < 4; row++)
      for (int c = 0; c < 4; c++)
        if (c != col) sub[k++] = m[row * 4 + c];
    double d = det3(sub[0], sub[1], sub[2], sub[3], sub[4], sub[5], sub[6], sub[7], sub[8]);
    r += (col % 2 ? -1 : 1) * m[col] * d;
  }
  return r;
}

double simpson(double (*f)(double), double a, double b, int n) {
  double h = (b - a) / n, s = f(a) + f(b);
  for (int i = 1; i < n; i++) s += f(a + i * h) * (i % 2 ? 4 : 2);
  return s * h / 3;
}

long to_long(double x) { return (long)x; }
int to_int_f(float x) { return (int)x; }

double mean_var(const double *v, int n, double *var) {
  double mu = 0;
  for (int i = 0; i < n; i++) mu += v[i];
  mu /= n;
  double s = 0;
  for (int i = 0; i < n; i++) s += (v[i] - mu) * (v[i] - mu);
  *var = s / (n - 1);
  return mu;
}
