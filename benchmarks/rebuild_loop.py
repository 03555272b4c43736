import time, sys
from brianjit import *
def rss(): return int(open('/proc/self/statm').read().split()[1])*4096/1e6
times=[]; N=int(sys.argv[1]) if len(sys.argv)>1 else 50; r0=None
for k in range(N):
    t0=time.perf_counter(); start_scope()
    G=NeuronGroup(100,'dv/dt=(I-v)/(10*ms):1\nI:1',threshold='v>1',reset='v=0',method='exact')
    G.I=1.5+k*0.01
    S=Synapses(G,G,on_pre='v+=0.01'); S.connect(p=0.1)
    M=SpikeMonitor(G); run(10*ms)
    times.append(time.perf_counter()-t0)
    if k==1: r0=rss()
print('first',times[0],'median later',sorted(times[2:])[len(times[2:])//2],'rss growth MB',rss()-r0)
