#ifndef REMEDY_LIBGIT2_LOADER_H
#define REMEDY_LIBGIT2_LOADER_H

/// Loads libgit2 (the version whose headers Remedy was built with) on first call and
/// finds every function RemedyGit uses; later calls return at once. NULL when libgit2 is
/// ready, else what went wrong (dlerror's words). Thread-safe.
const char *remedy_libgit2_load(void);

#endif
