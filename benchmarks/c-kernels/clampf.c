/* Clamps: FMAXNM/FMINNM/FMAX, FCMGT and BIT on single and double vectors. */
#include "../../tests/programs/lib/rt.h"
static float f[16384];static double d[8192];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<16384;i++)f[i]=(i%201)-100.5f;for(int i=0;i<8192;i++)d[i]=(i%97)*0.37-18;double t=0;
for(long r=0;r<n;r++){for(int i=0;i<16384;i++){float v=f[i]*1.01f;f[i]=v>50.f?50.f:(v<-50.f?-50.f:v);}for(int i=0;i<8192;i++){double v=d[i]+0.5;d[i]=__builtin_fmin(__builtin_fmax(v,-20.0),20.0);}for(int i=0;i<16384;i+=37)t+=f[i];t+=d[r&8191];}
printf("clampf %ld\n",(long)(t*100));return 0;}
