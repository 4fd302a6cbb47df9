/* Byte swaps of words and doublewords: REV32/REV64 on vectors. */
#include "../../tests/programs/lib/rt.h"
static unsigned int a[16384];static unsigned long q[8192];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<16384;i++)a[i]=i*2654435761u;for(int i=0;i<8192;i++)q[i]=i*0x9e3779b97f4a7c15ul;unsigned long t=0;
for(long r=0;r<n;r++){for(int i=0;i<16384;i++)a[i]=__builtin_bswap32(a[i])+1;for(int i=0;i<8192;i++)q[i]=__builtin_bswap64(q[i])^r;for(int i=0;i<16384;i+=101)t+=a[i]+q[i>>1];}
printf("revb %lu\n",t);return 0;}
