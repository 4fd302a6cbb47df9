/* Word permutations: reversed indexing (REV64, EXT), ST2 interleaving, UADDW/USUBW. */
#include "../../tests/programs/lib/rt.h"
static unsigned int a[8192],b[8192];static unsigned short p[8192];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<8192;i++){a[i]=i*2654435761u;p[i]=i*40503u;}unsigned long s=0;
for(long r=0;r<n;r++){for(int i=0;i<8192;i++)b[i]=a[8191-i]^(a[i]>>3);for(int i=0;i<4096;i++){a[2*i]=b[i]+p[i];a[2*i+1]=b[i+4096]-p[i+4096];}for(int i=0;i<8192;i++)s+=(unsigned short)(a[i]>>7);}
printf("rev %lu\n",s);return 0;}
