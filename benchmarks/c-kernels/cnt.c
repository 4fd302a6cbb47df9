/* Character counts and case flips: CMEQ on bytes, USHLL widening, ADDP. */
#include "../../tests/programs/lib/rt.h"
static char text[32768];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<32768;i++)text[i]="the quick brown fox jumps over a lazy dog "[i%42];long vow=0,sp=0,up=0;
for(long r=0;r<n;r++){for(int i=0;i<32768;i++){char c=text[i];vow+=(c=='a'|c=='e'|c=='i'|c=='o'|c=='u');sp+=c==' ';}for(int i=0;i<32768;i++){char c=text[i];if(c>='a'&&c<='z')text[i]=c-32;else if(c>='A'&&c<='Z')text[i]=c+32;up+=text[i]<'a';}}
printf("cnt %ld %ld %ld\n",vow,sp,up);return 0;}
