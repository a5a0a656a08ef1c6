/*
 * Workers sleep on a condition variable and wake on a new generation number; the caller runs slot 0
 * and waits for the others. A hand-off costs a few microseconds, which is why the binding only splits
 * products of at least about a million multiply-adds per thread. Threads are started on first need
 * and kept; they never keep a Node process alive (they are not libuv handles).
 */
#include <pthread.h>
#include "pool.h"

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER, done = PTHREAD_COND_INITIALIZER;
static int started = 0;
static unsigned long generation = 0;
static int job_threads = 0, finished = 0;
static void (*job_work)(int, void *);
static void *job_arg;
/* The generation when each worker was started: a job posted after that is one it must run. */
static unsigned long born[ZD_MAX_THREADS];

static void *worker(void *arg) {
  const int slot = (int)(long)arg;
  pthread_mutex_lock(&mutex);
  unsigned long seen = born[slot];
  for (;;) {
    while (generation == seen) pthread_cond_wait(&wake, &mutex);
    seen = generation;
    if (slot >= job_threads) continue;
    void (*work)(int, void *) = job_work;
    void *warg = job_arg;
    pthread_mutex_unlock(&mutex);
    work(slot, warg);
    pthread_mutex_lock(&mutex);
    if (++finished == job_threads - 1) pthread_cond_signal(&done);
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
  finished = 0;
  if (threads > 1) {
    generation++;
    pthread_cond_broadcast(&wake);
  }
  pthread_mutex_unlock(&mutex);
  work(0, arg);
  pthread_mutex_lock(&mutex);
  while (finished < threads - 1) pthread_cond_wait(&done, &mutex);
  pthread_mutex_unlock(&mutex);
}
