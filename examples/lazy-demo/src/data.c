int counter = 42;
const char *motto = "link what you call, when you call it";
