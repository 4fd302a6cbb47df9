/* Checksums: CRC-32 (table and bitwise), CRC-32C with the CRC32 instructions, Adler-32, FNV-1a. */
#include "../../lib/rt.h"

static unsigned table[256];

static void make_table(void) {
  for (unsigned i = 0; i < 256; i++) {
    unsigned c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

static unsigned crc32_table(const unsigned char *p, size_t n) {
  unsigned c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

static unsigned crc32_bitwise(const unsigned char *p, size_t n) {
  unsigned c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
  }
  return ~c;
}

__attribute__((target("crc"))) static unsigned crc32c_hw(const unsigned char *p, size_t n) {
  unsigned c = 0xffffffffu;
  while (n >= 8) {
    unsigned long v;
    memcpy(&v, p, 8);
    c = __builtin_arm_crc32cd(c, v);
    p += 8;
    n -= 8;
  }
  while (n--) c = __builtin_arm_crc32cb(c, *p++);
  return ~c;
}

__attribute__((target("crc"))) static unsigned crc32_hw(const unsigned char *p, size_t n) {
  unsigned c = 0xffffffffu;
  while (n >= 4) {
    unsigned v;
    memcpy(&v, p, 4);
    c = __builtin_arm_crc32w(c, v);
    p += 4;
    n -= 4;
  }
  while (n--) c = __builtin_arm_crc32b(c, *p++);
  return ~c;
}

static unsigned crc32c_soft(const unsigned char *p, size_t n) {
  unsigned c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1)));
  }
  return ~c;
}

static unsigned adler32(const unsigned char *p, size_t n) {
  unsigned a = 1, b = 0;
  for (size_t i = 0; i < n; i++) {
    a = (a + p[i]) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}

static unsigned long fnv1a(const unsigned char *p, size_t n) {
  unsigned long h = 0xcbf29ce484222325ul;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ul;
  return h;
}

static unsigned char data[32768];

int main(void) {
  make_table();
  const char *check = "123456789";
  printf("crc32(\"123456789\") = %08x (expect cbf43926)\n", crc32_table((const unsigned char *)check, 9));
  printf("crc32c(\"123456789\") = %08x (expect e3069283)\n", crc32c_soft((const unsigned char *)check, 9));
  unsigned long s = 88172645463325252ul;
  for (size_t i = 0; i < sizeof data; i++) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    data[i] = (unsigned char)s;
  }
  printf("crc32 table   %08x\n", crc32_table(data, sizeof data));
  printf("crc32 bitwise %08x\n", crc32_bitwise(data, 4096));
  printf("crc32 hw      %08x (4096: %08x)\n", crc32_hw(data, sizeof data), crc32_hw(data, 4096));
  printf("crc32c hw     %08x soft %08x\n", crc32c_hw(data, 4099), crc32c_soft(data, 4099));
  printf("adler32       %08x\n", adler32(data, sizeof data));
  printf("fnv1a64       %016lx\n", fnv1a(data, sizeof data));
  return 0;
}
