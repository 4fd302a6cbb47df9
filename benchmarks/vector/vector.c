/* Loops that clang-16 -O2 vectorizes with AdvSIMD (docs/engine.md, "AdvSIMD lane expressions"):
 *   vector N isum|saxpy|bytes|max|wide|hmix
 * isum: ADD/MLA .4S and ADDV; saxpy: FMUL/FMLA .4S; bytes: EOR/ADD .16B; max: SMAX .4S and SMAXV;
 * wide: TBL, XTN, EXT, UMLAL; hmix: a SHA-256 message schedule (USHL, DUP, ORR, EOR .2S) and its
 * rounds. Each prints one checksum; compare with qemu-aarch64. */
#include "../../tests/programs/lib/rt.h"
int printf(const char *fmt, ...);
long atol_(const char *s) { long v = 0; while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0'); return v; }
static uint32_t seed = 12345;
static uint32_t rnd(void) { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed; }
/* sha256-like mixing */
#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
static uint32_t mix(int blocks) { uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}; uint32_t w[64];
  for (int b = 0; b < blocks; b++) { for (int i = 0; i < 16; i++) w[i] = rnd();
    for (int i = 16; i < 64; i++) { uint32_t s0 = ROR(w[i-15], 7) ^ ROR(w[i-15], 18) ^ (w[i-15] >> 3), s1 = ROR(w[i-2], 17) ^ ROR(w[i-2], 19) ^ (w[i-2] >> 10); w[i] = w[i-16] + s0 + w[i-7] + s1; }
    uint32_t a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) { uint32_t S1 = ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25), ch = (e & f) ^ (~e & g), t1 = hh + S1 + ch + w[i] + 0x428a2f98u * i;
      uint32_t S0 = ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22), mj = (a & bb) ^ (a & c) ^ (bb & c), t2 = S0 + mj; hh = g; g = f; f = e; e = d + t1; d = c; c = bb; bb = a; a = t1 + t2; }
    h[0] += a; h[1] += bb; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh; } return h[0] ^ h[7]; }
#define N 4096
static int32_t A[N], B[N]; static float F[N], G[N]; static uint8_t U[N], W[N]; static uint16_t H[N];
__attribute__((noinline)) int32_t isum(int r) { int32_t s = 0; for (int k = 0; k < r; k++) for (int i = 0; i < N; i++) s += A[i] * B[i] + k; return s; }
__attribute__((noinline)) float saxpy(int r) { float s = 0; for (int k = 0; k < r; k++) { for (int i = 0; i < N; i++) G[i] = 1.5f * F[i] + G[i] * 0.5f; s += G[k % N]; } return s; }
__attribute__((noinline)) uint32_t bytes(int r) { uint32_t s = 0; for (int k = 0; k < r; k++) { for (int i = 0; i < N; i++) W[i] = (uint8_t)((U[i] ^ (uint8_t)k) + W[i]); s += W[k % N]; } return s; }
__attribute__((noinline)) uint32_t mx(int r) { uint32_t s = 0; for (int k = 0; k < r; k++) { int32_t m = 0; for (int i = 0; i < N; i++) m = A[i] > m ? A[i] : m; s += (uint32_t)m + k; A[k % N] ^= k; } return s; }
__attribute__((noinline)) uint32_t wid(int r) { uint32_t s = 0; for (int k = 0; k < r; k++) for (int i = 0; i < N; i++) s += H[i] * (uint32_t)U[i]; return s; }
int main(int argc, char **argv) { int n = argc > 1 ? (int)atol_(argv[1]) : 1; const char *w = argc > 2 ? argv[2] : "all";
  for (int i = 0; i < N; i++) { A[i] = i * 7 - 300; B[i] = (i * 13) % 101; F[i] = i * 0.25f; G[i] = 1.0f; U[i] = (uint8_t)(i * 3); W[i] = 0; H[i] = (uint16_t)(i * 5); }
  if (w[0] == 'a' || w[0] == 'i') printf("isum %d\n", isum(n * 100));
  if (w[0] == 'a' || w[0] == 's') printf("saxpy %d\n", (int)saxpy(n * 50));
  if (w[0] == 'a' || w[0] == 'b') printf("bytes %u\n", bytes(n * 200));
  if (w[0] == 'a' || w[0] == 'm') printf("max %u\n", mx(n * 100));
  if (w[0] == 'a' || w[0] == 'w') printf("wide %u\n", wid(n * 100));
  if (w[0] == 'a' || w[0] == 'h') printf("mix %u\n", mix(n * 2000));
  return 0; }
