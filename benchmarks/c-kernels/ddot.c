/* Scalar double dot product (-fno-vectorize): LDR D, FMADD. */
#include "../../tests/programs/lib/rt.h"
static double a[2048], b[2048];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):100;for(int i=0;i<2048;i++){a[i]=1.0/(i+1);b[i]=i*0.5+1;}
double s=0;for(long k=0;k<n;k++){for(int i=0;i<2048;i++)s+=a[i]*b[i];a[k&2047]*=1.0000001;}
printf("ddot %ld\n",(long)(s*1000));return 0;}
