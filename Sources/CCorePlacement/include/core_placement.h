// Starting a thread on another core than the caller's (see core_placement.c).
#ifndef REMEDY_CORE_PLACEMENT_H
#define REMEDY_CORE_PLACEMENT_H
#ifdef __linux__
#include <pthread.h>

// Starts body(context) on a new thread, placed on one of the caller's allowed CPUs other
// than the one it runs on now (anywhere when there is no other), and free to move once it
// runs. With `thread` the thread is to be joined; with NULL it is detached, and runs only
// when a CPU has nothing else to run (SCHED_IDLE). Returns 0, or pthread_create's error.
int remedy_start_elsewhere(pthread_t *thread, void (*body)(void *), void *context);
#endif
#endif
