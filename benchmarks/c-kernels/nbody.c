/* Five-body gravity in doubles: FMADD, FMUL/FSUB/FNEG .2D, FSQRT, FDIV, FMLA by element. */
#include "../../tests/programs/lib/rt.h"
#define N 5
typedef struct {double x,y,z,vx,vy,vz,m;} B;
static double sq(double x){return __builtin_sqrt(x);}
int main(int argc,char**argv){long n=argc>1?strtol(argv[1],0,10):1000;B b[N];for(int i=0;i<N;i++){b[i].x=i*1.1;b[i].y=i*0.7-1;b[i].z=0.3*i;b[i].vx=0.01*i;b[i].vy=-0.02*i;b[i].vz=0.005;b[i].m=1.0+i;}
double dt=0.01;for(long s=0;s<n;s++){for(int i=0;i<N;i++)for(int j=i+1;j<N;j++){double dx=b[i].x-b[j].x,dy=b[i].y-b[j].y,dz=b[i].z-b[j].z;double d2=dx*dx+dy*dy+dz*dz+0.01;double mag=dt/(d2*sq(d2));b[i].vx-=dx*b[j].m*mag;b[i].vy-=dy*b[j].m*mag;b[i].vz-=dz*b[j].m*mag;b[j].vx+=dx*b[i].m*mag;b[j].vy+=dy*b[i].m*mag;b[j].vz+=dz*b[i].m*mag;}
for(int i=0;i<N;i++){b[i].x+=dt*b[i].vx;b[i].y+=dt*b[i].vy;b[i].z+=dt*b[i].vz;}}
double e=0;for(int i=0;i<N;i++)e+=b[i].m*(b[i].vx*b[i].vx+b[i].vy*b[i].vy+b[i].vz*b[i].vz);printf("nbody %ld\n",(long)(e*1e9));return 0;}
