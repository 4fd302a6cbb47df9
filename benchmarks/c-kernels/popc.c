/* Popcount of 64-bit words: CNT, UADDLP/UADALP pairwise adds, ADDP. */
#include "../../tests/programs/lib/rt.h"
static unsigned long w[8192];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<8192;i++)w[i]=i*0x9e3779b97f4a7c15ul;unsigned long t=0;
for(long r=0;r<n;r++){unsigned long s=0;for(int i=0;i<8192;i++)s+=__builtin_popcountl(w[i]);t+=s;w[r&8191]+=r;}
printf("popc %lu\n",t);return 0;}
