/* Quicksort through a comparison function pointer, then a malloc/free linked list. */
#include "../../tests/programs/lib/rt.h"
typedef struct node{struct node*next;long v;}node;
static int cmp(const void*a,const void*b){long x=*(const long*)a,y=*(const long*)b;return x<y?-1:x>y;}
static void qs(long*v,long n,int(*c)(const void*,const void*)){if(n<2)return;long p=v[n/2],i=0,j=n-1;while(i<=j){while(c(&v[i],&p)<0)i++;while(c(&v[j],&p)>0)j--;if(i<=j){long t=v[i];v[i]=v[j];v[j]=t;i++;j--;}}qs(v,j+1,c);qs(v+i,n-i,c);}
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;long*v=malloc(20000*sizeof(long));unsigned long x=88172645463325252ul;long sum=0;
for(long r=0;r<n;r++){for(int i=0;i<20000;i++){x^=x<<13;x^=x>>7;x^=x<<17;v[i]=(long)(x%1000000);}qs(v,20000,cmp);sum+=v[r%20000];
node*h=0;for(int i=0;i<2000;i++){node*m=malloc(sizeof*m);m->v=v[i*10];m->next=h;h=m;}while(h){sum+=h->v&7;node*t=h->next;free(h);h=t;}}
printf("sort %ld\n",sum);return 0;}
