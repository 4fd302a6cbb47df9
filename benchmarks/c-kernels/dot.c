/* Dot products: single-precision FMUL .4S reduced lane by lane (DUP element, FADD), int16 SMLAL/SMLAL2. */
#include "../../tests/programs/lib/rt.h"
static float a[4096],b[4096];static short s[4096],t[4096];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):100;for(int i=0;i<4096;i++){a[i]=(i%17)*0.25f;b[i]=(i%13)*0.5f;s[i]=i*7;t[i]=i*3-100;}
float acc=0;long iacc=0;for(long k=0;k<n;k++){float f=0;for(int i=0;i<4096;i++)f+=a[i]*b[i];acc+=f*1e-6f;int q=0;for(int i=0;i<4096;i++)q+=s[i]*t[i];iacc+=q;a[k&4095]+=1.0f;}
printf("dot %ld %ld\n",(long)(acc*1000),iacc);return 0;}
