// Starting a thread on another core than the caller's (see core_placement.c).
#ifndef REMEDY_CORE_PLACEMENT_H
#define REMEDY_CORE_PLACEMENT_H
#ifdef __linux__
#include <pthread.h>

// Where a placed thread was started: the CPU its maker ran on, and the one it first ran on
// (before it was let free). -1: not known.
typedef struct { int maker; int first; } remedy_placement;

// Starts body(context) on a new thread, placed on one of the caller's allowed CPUs other
// than the one it runs on now (anywhere when there is no other), and free to move once it
// runs. With `thread` the thread is to be joined; with NULL it is detached, and runs only
// when a CPU has nothing else to run (SCHED_IDLE). `placement`, if not NULL, is filled in
// before `body` runs (a joined thread's: it must live until the join). Returns 0, or
// pthread_create's error.
int remedy_start_elsewhere(pthread_t *thread, void (*body)(void *), void *context, remedy_placement *placement);
#endif
#endif
