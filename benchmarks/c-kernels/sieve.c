/* Sieve of Eratosthenes over 1 MiB of bytes (USHLL, byte loads and stores). */
#include "../../tests/programs/lib/rt.h"
static unsigned char f[1<<20];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;long total=0;for(long r=0;r<n;r++){memset(f,1,sizeof f);f[0]=f[1]=0;for(long i=2;i*i<(long)sizeof f;i++)if(f[i])for(long j=i*i;j<(long)sizeof f;j+=i)f[j]=0;long c=0;for(long i=0;i<(long)sizeof f;i++)c+=f[i];total+=c;}printf("sieve %ld\n",total);return 0;}
