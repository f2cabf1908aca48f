/*
 * Stand-in for the libjvm.a shim of GraalVM distributions: the JVM_* and jio_* functions that the
 * JDK's static libraries (libjava.a, libnio.a, libnet.a, ...) call into. Only what a linked
 * Keyplane needs; `nm -u` on the image object and these archives lists it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void JVM_BeforeHalt(void) {}
void JVM_Halt(int code) { exit(code); }
int JVM_ActiveProcessorCount(void) { return (int) sysconf(_SC_NPROCESSORS_ONLN); }
void *JVM_FindLibraryEntry(void *handle, const char *name) { return dlsym(handle, name); }
char *JVM_NativePath(char *path) { return path; }
/* libmanagement_ext's JNI_OnLoad asks for HotSpot's management interface; a native image has none, and
   the OperatingSystemImpl functions it also holds (CPU load, file descriptors) do not need it. */
void *JVM_GetManagement(int version) { return NULL; }

long long JVM_NanoTime(void *env, void *unused) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* raw monitors: recursive mutexes */
void *JVM_RawMonitorCreate(void) {
  pthread_mutex_t *m = malloc(sizeof *m);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(m, &attr);
  pthread_mutexattr_destroy(&attr);
  return m;
}
void JVM_RawMonitorDestroy(void *m) { pthread_mutex_destroy(m); free(m); }
int JVM_RawMonitorEnter(void *m) { return pthread_mutex_lock(m); }
void JVM_RawMonitorExit(void *m) { pthread_mutex_unlock(m); }

int jio_vsnprintf(char *s, size_t n, const char *format, va_list args) { return vsnprintf(s, n, format, args); }
int jio_snprintf(char *s, size_t n, const char *format, ...) {
  va_list args;
  va_start(args, format);
  int r = vsnprintf(s, n, format, args);
  va_end(args);
  return r;
}
int jio_fprintf(FILE *f, const char *format, ...) {
  va_list args;
  va_start(args, format);
  int r = vfprintf(f, format, args);
  va_end(args);
  return r;
}
