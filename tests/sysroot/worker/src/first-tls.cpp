thread_local int late_counter = 5;

int bump() { return ++late_counter; }
