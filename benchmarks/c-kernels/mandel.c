/* Mandelbrot on doubles: scalar FMADD/FNMSUB chains, FCMP, zero starting points. */
#include "../../tests/programs/lib/rt.h"
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;long tot=0;
for(long r=0;r<n;r++)for(int py=0;py<64;py++)for(int px=0;px<64;px++){double cx=-2.0+px*(2.5/64)+r*1e-4,cy=-1.25+py*(2.5/64);double zx=0,zy=0;int it=0;while(it<100&&zx*zx+zy*zy<4.0){double t=zx*zx-zy*zy+cx;zy=2*zx*zy+cy;zx=t;it++;}tot+=it;}
printf("mandel %ld\n",tot);return 0;}
