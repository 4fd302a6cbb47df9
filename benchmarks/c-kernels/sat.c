/* Saturating adds: clamped byte and int16 sums (SQADD, UMIN, TBL). */
#include "../../tests/programs/lib/rt.h"
static unsigned char a[32768],b[32768],c[32768];static short x[16384],y[16384];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<32768;i++){a[i]=i*7;b[i]=i*3;}for(int i=0;i<16384;i++){x[i]=i*37;y[i]=-i*41;}unsigned long t=0;
for(long r=0;r<n;r++){for(int i=0;i<32768;i++){int v=a[i]+b[i];c[i]=v>255?255:v;}for(int i=0;i<16384;i++){int v=x[i]+y[i];x[i]=v>32767?32767:v<-32768?-32768:v;}for(int i=0;i<32768;i+=97)t+=c[i];t+=x[r&16383];a[r&32767]^=1;}
printf("sat %lu\n",t);return 0;}
