/* Sum of absolute differences of bytes: SABA, TBL, ADDV. */
#include "../../tests/programs/lib/rt.h"
static unsigned char a[65536],b[65536];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<65536;i++){a[i]=i*7;b[i]=i*13+5;}unsigned long t=0;
for(long r=0;r<n;r++){unsigned s=0;for(int i=0;i<65536;i++){int d=a[i]-b[i];s+=d<0?-d:d;}t+=s;a[r&65535]++;}
printf("sad %lu\n",t);return 0;}
