/* Image blur on bytes: UADDW/USHLL widening, SHRN/SHRN2 narrowing, TBL, MLA (clang -O3 vectorized). */
#include "../../tests/programs/lib/rt.h"
static unsigned char img[256*256],out[256*256];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<256*256;i++)img[i]=(i*131+(i>>8)*7)&255;unsigned long sum=0;
for(long r=0;r<n;r++){for(int y=1;y<255;y++)for(int x=0;x<256;x++){int v=img[(y-1)*256+x]+2*img[y*256+x]+img[(y+1)*256+x];out[y*256+x]=(unsigned char)(v>>2);}
for(int i=0;i<256*256;i++){sum+=out[i];img[i]^=out[i]>>3;}}
printf("blur %lu\n",sum);return 0;}
