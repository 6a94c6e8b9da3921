// Starting a thread on another core than the caller's. On this project's Linux machines
// the scheduler packs a new thread onto the CPU of the thread that made it, where it waits
// (often 1.5-3 ms) to be moved while the other CPU idles; a thread placed by its affinity
// mask runs on the other CPU within about 0.1 ms.
#ifdef __linux__
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include "core_placement.h"

// What a placed thread runs, and the CPUs it may use once it runs.
typedef struct {
    void (*body)(void *);
    void *context;
    cpu_set_t allowed;
    int placed;
    int idle;
    remedy_placement *placement;
} remedy_placed_start;

static void *remedy_placed_trampoline(void *argument) {
    remedy_placed_start start = *(remedy_placed_start *)argument;
    free(argument);
    if (start.placement) start.placement->first = sched_getcpu();
    // Placed: from here on free to move within what the process may use.
    if (start.placed) pthread_setaffinity_np(pthread_self(), sizeof start.allowed, &start.allowed);
    // Background work gives way at once to any other thread that wants its CPU.
    if (start.idle) {
        struct sched_param parameters = {0};
        pthread_setschedparam(pthread_self(), SCHED_IDLE, &parameters);
    }
    start.body(start.context);
    return 0;
}

int remedy_start_elsewhere(pthread_t *thread, void (*body)(void *), void *context, remedy_placement *placement) {
    remedy_placed_start *start = (remedy_placed_start *)malloc(sizeof *start);
    if (!start) return -1;
    start->body = body;
    start->context = context;
    start->placed = 0;
    start->idle = thread == NULL;
    start->placement = placement;
    if (placement) *placement = (remedy_placement){-1, -1};
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    if (!thread) pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    if (sched_getaffinity(0, sizeof start->allowed, &start->allowed) == 0) {
        cpu_set_t elsewhere = start->allowed;
        int here = sched_getcpu();
        if (placement) placement->maker = here;
        if (here >= 0 && here < CPU_SETSIZE) CPU_CLR(here, &elsewhere);
        if (CPU_COUNT(&elsewhere) > 0 && pthread_attr_setaffinity_np(&attributes, sizeof elsewhere, &elsewhere) == 0) start->placed = 1;
    }
    pthread_t ignored;
    int result = pthread_create(thread ? thread : &ignored, &attributes, remedy_placed_trampoline, start);
    pthread_attr_destroy(&attributes);
    if (result != 0) free(start);
    return result;
}
#endif
