/* Single-precision 48x48 matrix product: FMLA by element on exact data (products and sums never round). */
#include "../../tests/programs/lib/rt.h"
#define N 48
static float A[N][N],B[N][N],C[N][N];
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):10;for(int i=0;i<N;i++)for(int j=0;j<N;j++){A[i][j]=(i*j%7)*0.5f;B[i][j]=((i+j)%5)*0.25f;}float t=0;
for(long r=0;r<n;r++){for(int i=0;i<N;i++)for(int j=0;j<N;j++)C[i][j]=0;for(int i=0;i<N;i++)for(int k=0;k<N;k++){float a=A[i][k];for(int j=0;j<N;j++)C[i][j]+=a*B[k][j];}t+=C[r%N][(r*7)%N];A[r%N][r%N]+=0.125f;}
printf("matmul %ld\n",(long)(t*16));return 0;}
