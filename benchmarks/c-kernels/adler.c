/* Adler-32 over bytes: division by a constant (UMULH), dependent adds. */
#include "../../tests/programs/lib/rt.h"
static unsigned char buf[65536];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<65536;i++)buf[i]=(i*2654435761u)>>24;unsigned long t=0;
for(long r=0;r<n;r++){unsigned a=1,b=0;for(int i=0;i<65536;i++){a=(a+buf[i])%65521;b=(b+a)%65521;}t+=(b<<16)|a;buf[r&65535]++;}
printf("adler %lu\n",t);return 0;}
