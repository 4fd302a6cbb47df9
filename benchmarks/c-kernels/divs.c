/* Integer division, remainders, GCD, popcount (CNT, UADDLV), CLZ, UMULH. */
#include "../../tests/programs/lib/rt.h"
static unsigned long gcd(unsigned long a,unsigned long b){while(b){unsigned long t=a%b;a=b;b=t;}return a;}
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):1000;unsigned long acc=0;long sacc=0;for(long i=1;i<n;i++){acc+=gcd(i*7919,i*104729+13);sacc+=(-i*31)/(i%97+1)+(i*i)%(i%13+3);acc^=__builtin_popcountl(acc*0x9e3779b97f4a7c15ul)+__builtin_clzl(i|1)+(unsigned long)(((__uint128_t)acc*i)>>64);}
printf("divs %lu %ld\n",acc,sacc);return 0;}
