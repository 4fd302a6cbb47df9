// Linked lazily in the tests: its first call links it and, through it, liblate.a's member.
int late_value(void);
int late_constructor_calls(void);
int late_tls_bump(void);

int use_late(void) { return late_value() * 100 + late_constructor_calls(); }
int use_late_tls(void) { return late_tls_bump(); }
