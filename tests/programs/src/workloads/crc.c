/* Checksums over a buffer: table-driven CRC-32, bitwise CRC-16/CCITT and Adler-32. */
#include "wl.h"

static uint32_t table[256];
static uint8_t buf[16384];

static void make_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

static uint32_t crc32(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

static uint16_t crc16(const uint8_t *p, size_t n) {
  uint16_t c = 0xffff;
  for (size_t i = 0; i < n; i++) {
    c ^= (uint16_t)(p[i] << 8);
    for (int k = 0; k < 8; k++) c = (c & 0x8000) ? (uint16_t)((c << 1) ^ 0x1021) : (uint16_t)(c << 1);
  }
  return c;
}

static uint32_t adler32(const uint8_t *p, size_t n) {
  uint32_t a = 1, b = 0;
  for (size_t i = 0; i < n; i++) {
    a = (a + p[i]) % 65521u;
    b = (b + a) % 65521u;
  }
  return (b << 16) | a;
}

uint32_t wl_crc(int rounds) {
  uint32_t seed = 0x2545f491u, sum = 0;
  make_table();
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)wl_next(&seed);
  for (int r = 0; r < rounds; r++) {
    uint32_t c = crc32(buf, sizeof buf);
    uint16_t c16 = crc16(buf, 2048);
    uint32_t ad = adler32(buf, sizeof buf);
    buf[r % sizeof buf] ^= (uint8_t)c;
    sum = sum * 17u + c + c16 + ad;
  }
  return sum;
}
