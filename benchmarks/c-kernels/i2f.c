/* int/float conversions: SCVTF and FCVTZS on 4S vectors, FMLA, FMUL, SADDW, ADDP. */
#include "../../tests/programs/lib/rt.h"
static int a[4096];static float f[4096];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<4096;i++)a[i]=i*37-50000;long s=0;
for(long r=0;r<n;r++){for(int i=0;i<4096;i++)f[i]=a[i]*0.37f+1.5f;for(int i=0;i<4096;i++)a[i]=(int)(f[i]*0.5f)+(int)r;for(int i=0;i<4096;i++)s+=a[i];}
printf("i2f %ld\n",s);return 0;}
