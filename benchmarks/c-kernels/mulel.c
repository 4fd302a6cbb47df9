/* Multiply-accumulate: int16 MLA, an int32 matrix-vector product (MLA, ADDV). */
#include "../../tests/programs/lib/rt.h"
static short a[8192],b[8192],o[8192];static int m[64][64],v[64],w[64];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<8192;i++){a[i]=i*7-3000;b[i]=i*5+7;}for(int i=0;i<64;i++){v[i]=i*3-50;for(int j=0;j<64;j++)m[i][j]=(i*j)%17-8;}long t=0;
for(long r=0;r<n;r++){short k=(short)(r&15)+3;for(int i=0;i<8192;i++)o[i]=a[i]*k+b[i];for(int i=0;i<64;i++){int s=0;for(int j=0;j<64;j++)s+=m[i][j]*v[j];w[i]=s;}for(int i=0;i<8192;i+=53)t+=o[i];t+=w[r&63];v[r&63]++;}
printf("mulel %ld\n",t);return 0;}
