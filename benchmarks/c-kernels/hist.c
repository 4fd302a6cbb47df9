/* Byte histogram: dependent loads and stores, a max reduction. */
#include "../../tests/programs/lib/rt.h"
static unsigned char d[65536];static unsigned h[256];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;unsigned x=12345;for(int i=0;i<65536;i++){x=x*1103515245+12345;d[i]=x>>24;}unsigned long s=0;
for(long r=0;r<n;r++){for(int i=0;i<256;i++)h[i]=0;for(int i=0;i<65536;i++)h[d[i]]++;unsigned m=0;for(int i=0;i<256;i++)if(h[i]>m)m=h[i];s+=m;d[r&65535]+=3;}
printf("hist %lu\n",s);return 0;}
