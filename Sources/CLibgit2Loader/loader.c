/* libgit2, loaded when RemedyGit first needs it rather than when remedy starts.
 *
 * Each function in functions.h is defined here under its own name and forwards to the
 * library loaded by remedy_libgit2_load(); defining it against <git2.h>'s prototype lets
 * the compiler check every forwarder. RemedyGit calls remedy_libgit2_load() before any
 * other libgit2 function (Repository's initialisers), so no forwarder runs unloaded. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <git2.h>
#include "CLibgit2Loader.h"

#define GIT_FUNCTION(result, name, parameters, arguments) __typeof__(&name) name;
#define GIT_PROCEDURE(name, parameters, arguments) __typeof__(&name) name;
static struct {
#include "functions.h"
} loaded;
#undef GIT_FUNCTION
#undef GIT_PROCEDURE

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512];
static const char *problem;

static void load(void) {
    const char *library = "libgit2.so." LIBGIT2_SOVERSION;
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(failure, sizeof failure, "%s", dlerror());
        problem = failure;
        return;
    }
#define FIND(name) \
    if (!(loaded.name = (__typeof__(&name))dlsym(handle, #name))) { \
        snprintf(failure, sizeof failure, "%s does not define %s", library, #name); \
        problem = failure; \
        return; \
    }
#define GIT_FUNCTION(result, name, parameters, arguments) FIND(name)
#define GIT_PROCEDURE(name, parameters, arguments) FIND(name)
#include "functions.h"
#undef GIT_FUNCTION
#undef GIT_PROCEDURE
#undef FIND
}

const char *remedy_libgit2_load(void) {
    pthread_once(&once, load);
    return problem;
}

#define GIT_FUNCTION(result, name, parameters, arguments) result name parameters { return loaded.name arguments; }
#define GIT_PROCEDURE(name, parameters, arguments) void name parameters { loaded.name arguments; }
#include "functions.h"
#undef GIT_FUNCTION
#undef GIT_PROCEDURE
