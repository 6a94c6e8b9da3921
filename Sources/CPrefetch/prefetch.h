// A hint that memory will soon be read: the streaming reader asks for the next test
// case's table bucket while it reads the current one (Swift has no prefetch of its own).
static inline void remedy_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
