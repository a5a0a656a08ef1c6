/*
 * Workers wait for a new generation number, spinning for a short while (SPIN_NS) after each job and
 * then sleeping on a condition variable; the caller runs slot 0 and waits for the others the same way.
 * Waking a sleeping thread costs tens of microseconds on a virtual machine (the idle vCPU has to be
 * woken by the hypervisor), a large part of a product of a few hundred microseconds: without the spin,
 * the 128x256x784 product of an MLP ran slower on 2 threads than on 1. A worker that has been idle for
 * longer than SPIN_NS sleeps, so an idle process burns no CPU. Threads are started on first need and
 * kept; they never keep a Node process alive (they are not libuv handles).
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include "pool.h"

/* Long enough to span the JS between the products of a training step, short enough not to hold a core
 * that other processes want. */
#define SPIN_NS 200000L

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER, done = PTHREAD_COND_INITIALIZER;
static int started = 0;
/* Read without the mutex by spinning threads: written with release, read with acquire. */
static unsigned long generation = 0;
static int job_threads = 0, finished = 0;
static void (*job_work)(int, void *);
static void *job_arg;
/* The generation when each worker was started: a job posted after that is one it must run. */
static unsigned long born[ZD_MAX_THREADS];

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

/* Gives the core to any other runnable thread (on a loaded machine a spin must not hold it), else
 * returns at once. */
static inline void relax(void) { sched_yield(); }

/* Spins until *value != unlike (returns 1) or SPIN_NS have passed (returns 0). */
static int spin_while_equal(const unsigned long *value, unsigned long unlike) {
  const long deadline = now_ns() + SPIN_NS;
  for (;;) {
    for (int i = 0; i < 8; i++) {
      if (__atomic_load_n(value, __ATOMIC_ACQUIRE) != unlike) return 1;
      relax();
    }
    if (now_ns() > deadline) return 0;
  }
}

static void *worker(void *arg) {
  const int slot = (int)(long)arg;
  unsigned long seen = born[slot];
  for (;;) {
    spin_while_equal(&generation, seen);
    /* the job is read under the mutex, so generation, job_threads and job_work belong together */
    pthread_mutex_lock(&mutex);
    while (generation == seen) pthread_cond_wait(&wake, &mutex);
    seen = generation;
    const int runs = slot < job_threads;
    void (*work)(int, void *) = job_work;
    void *warg = job_arg;
    pthread_mutex_unlock(&mutex);
    if (!runs) continue;
    work(slot, warg);
    /* the mutex orders this with the caller's check before it sleeps: no lost wake-up */
    pthread_mutex_lock(&mutex);
    if (__atomic_add_fetch(&finished, 1, __ATOMIC_ACQ_REL) == job_threads - 1) pthread_cond_signal(&done);
    pthread_mutex_unlock(&mutex);
  }
  return NULL;
}

void zd_pool_run(int threads, void (*work)(int slot, void *arg), void *arg) {
  if (threads > ZD_MAX_THREADS) threads = ZD_MAX_THREADS;
  pthread_mutex_lock(&mutex);
  while (started < threads - 1) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    born[started + 1] = generation;
    const int ok = pthread_create(&thread, &attr, worker, (void *)(long)(started + 1)) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) break;
    started++;
  }
  if (threads > started + 1) threads = started + 1;
  job_threads = threads;
  job_work = work;
  job_arg = arg;
  __atomic_store_n(&finished, 0, __ATOMIC_RELAXED);
  if (threads > 1) {
    /* release: a worker that sees the new generation sees the job above */
    __atomic_store_n(&generation, generation + 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&wake);
  }
  pthread_mutex_unlock(&mutex);
  work(0, arg);
  if (threads < 2) return;
  const unsigned long others = (unsigned long)(threads - 1);
  unsigned long count;
  const long deadline = now_ns() + SPIN_NS;
  for (;;) {
    count = (unsigned long)__atomic_load_n(&finished, __ATOMIC_ACQUIRE);
    if (count >= others || now_ns() > deadline) break;
    relax();
  }
  if (count >= others) return;
  pthread_mutex_lock(&mutex);
  while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < threads - 1) pthread_cond_wait(&done, &mutex);
  pthread_mutex_unlock(&mutex);
}
