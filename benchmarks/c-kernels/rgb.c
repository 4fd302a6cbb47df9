/* RGB pixels: to gray and channel swaps (LD3/ST3 de-interleave and interleave, widening multiply-adds), RGBA alpha (LD4/ST4). */
#include "../../tests/programs/lib/rt.h"
static unsigned char rgb[3 * 16384], out[16384], rgba[4 * 8192];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<3*16384;i++)rgb[i]=i*37+(i>>7);for(int i=0;i<4*8192;i++)rgba[i]=i*11;unsigned long t=0;
for(long r=0;r<n;r++){for(int i=0;i<16384;i++)out[i]=(rgb[3*i]*77+rgb[3*i+1]*150+rgb[3*i+2]*29)>>8;for(int i=0;i<16384;i++){unsigned char c=rgb[3*i];rgb[3*i]=rgb[3*i+2];rgb[3*i+2]=c^(unsigned char)r;}
for(int i=0;i<8192;i++)rgba[4*i+3]=(rgba[4*i]+rgba[4*i+1])>>1;for(int i=0;i<16384;i+=61)t+=out[i]+rgba[i];}
printf("rgb %lu\n",t);return 0;}
