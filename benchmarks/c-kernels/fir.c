/* FIR filter on int16: SMLAL/SMULL2, SADDW, SHRN, USRA, UZP1/UZP2. */
#include "../../tests/programs/lib/rt.h"
static short x[8192],h[32],y[8192];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<8192;i++)x[i]=(i*7919)%2001-1000;for(int i=0;i<32;i++)h[i]=(i*37)%300-150;long s=0;
for(long r=0;r<n;r++){for(int i=0;i<8192-32;i++){int acc=0;for(int k=0;k<32;k++)acc+=x[i+k]*h[k];y[i]=(short)(acc>>15);}for(int i=0;i<8192;i++)s+=y[i];x[r&8191]^=1;}
printf("fir %ld\n",s);return 0;}
