/* A fixed set of POSIX threads that run one job at a time, the calling thread taking part. */
#ifndef ZD_POOL_H
#define ZD_POOL_H
#define ZD_MAX_THREADS 64
/* Runs work(slot, arg) on `threads` threads (slot 0 is the caller) and returns when all are done. */
void zd_pool_run(int threads, void (*work)(int slot, void *arg), void *arg);
#endif
