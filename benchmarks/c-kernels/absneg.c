/* ABS and NEG on int32/int16 vectors. */
#include "../../tests/programs/lib/rt.h"
static int a[16384];static short h[16384];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<16384;i++){a[i]=i*2654435761u;h[i]=i*40503;}long t=0;
for(long r=0;r<n;r++){for(int i=0;i<16384;i++){int v=a[i];a[i]=(v<0?-v:v)>>1;}for(int i=0;i<16384;i++)h[i]=-h[i]+(short)r;for(int i=0;i<16384;i+=31)t+=a[i]+h[i];}
printf("absneg %ld\n",t);return 0;}
