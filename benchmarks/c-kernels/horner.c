/* Horner polynomial and a quotient per step in doubles: FMADD chains, FDIV, FADD. */
#include "../../tests/programs/lib/rt.h"
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):100;double x=0.5,acc=0;
for(long k=0;k<n;k++){double p=((((1.5*x+0.25)*x-0.125)*x+2.0)*x-1.0)*x+0.75; acc+=p/(1.0+x*x); x+=1e-7;}
printf("horner %ld\n",(long)(acc*1000));return 0;}
