double newton_sqrt(double x) {
  if (x <= 0) return 0;
  double g = x > 1 ? x / 2 : 1;
  for (int i = 0; i < 60; i++) g = 0.5 * (g + x / g);
  return g;
}

double exp_series(double x) {
  double term = 1, sum = 1;
  for (int n = 1; n < 40; n++) {
    term *= x / n;
    sum += term;
  }
  return sum;
}

double sin_taylor(double x) {
  double term = x, sum = x;
  for (int n = 1; n < 20; n++) {
    term *= -x * x / ((2 * n) * (2 * n + 1));
    sum += term;
  }
  return sum;
}

double poly(double x) { return ((3.5 * x - 2.0) * x + 0.25) * x - 1.0 / 7.0; }
