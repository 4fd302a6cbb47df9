/* Complex squares summed: LD2 de-interleave, FMLA/FNEG/FMUL on doubles, a scalar float max (FCSEL). */
#include "../../tests/programs/lib/rt.h"
typedef struct {double re,im;} cx;
static cx z[4096];static float p[8192];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<4096;i++){z[i].re=(i%13)*0.1;z[i].im=(i%7)*-0.2;}for(int i=0;i<8192;i++)p[i]=(i%11)*0.5f;double t=0;
for(long r=0;r<n;r++){cx s={0,0};for(int i=0;i<4096;i++){double re=z[i].re*z[i].re-z[i].im*z[i].im,im=2*z[i].re*z[i].im;s.re+=re;s.im+=im;}t+=s.re-s.im;float m=0;for(int i=0;i<8192;i++)m=p[i]>m?p[i]:m;t+=m;p[r&8191]+=0.25f;}
printf("faddp %ld\n",(long)(t*1000));return 0;}
