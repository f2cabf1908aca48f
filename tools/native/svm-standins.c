/*
 * Stand-ins for the native support code GraalVM distributions ship in lib/svm/clibraries
 * (liblibchelper.a, libsvm_container.a), which is not published on Maven Central for 25.x.
 * Compiled into both archive names by native/graalvm-home.sh.
 *
 * What differs from GraalVM's own code:
 *   - CPU features are not probed: the image is compiled for the builder's baseline x86-64, so
 *     there is nothing to check at start-up;
 *   - no cgroup detection: processor count and memory come from the OS (sysconf), so in a
 *     container set -Xmx (or -XX:MaxRAMPercentage with a memory-aware runtime) explicitly;
 *   - locale comes from LANG/LC_ALL only; the time-zone id from TZ (else UTC).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <locale.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "amd64cpufeatures.h"
#include "svm_locale.h"

/* --- CPU features (AMD64LibCHelper) --- */
void determineCPUFeatures(CPUFeatures *features) { memset(features, 0, sizeof(*features)); }
int checkCPUFeatures(char *buildtimeFeatures) { return 0; }
int checkCPUFeaturesOrExit(char *buildtimeFeatures, char *errorMessage) { return 0; }

/* --- small libc wrappers SVM calls with fixed signatures --- */
int fprintfSD(FILE *stream, const char *format, const char *s, int d) { return fprintf(stream, format, s, d); }
int openSII(const char *pathname, int flags, int mode) { return open(pathname, flags, mode); }
void *mremapP(void *old, size_t oldSize, size_t newSize, int flags, void *newAddress) {
  return mremap(old, oldSize, newSize, flags, newAddress);
}
long getThreadId(void) { return syscall(SYS_gettid); }

/* --- locale (LocaleCHelper) --- */
static svm_locale_props_t locale_props;

static void split_locale(const char *value, char **language, char **country) {
  static char buffer[2][64];
  static int used = 0;
  char *copy = buffer[used++ % 2];
  snprintf(copy, sizeof(buffer[0]), "%s", (value && *value && strcmp(value, "C") && strcmp(value, "POSIX")) ? value : "en_US");
  copy[strcspn(copy, ".@")] = '\0';
  char *underscore = strchr(copy, '_');
  if (underscore) { *underscore = '\0'; *country = underscore + 1; } else { *country = ""; }
  *language = copy;
}

int svm_initialize_locale(void) {
  const char *value = getenv("LC_ALL");
  if (!value || !*value) value = getenv("LANG");
  split_locale(value, &locale_props.display_language, &locale_props.display_country);
  locale_props.format_language = locale_props.display_language;
  locale_props.format_country = locale_props.display_country;
  locale_props.display_script = locale_props.display_variant = "";
  locale_props.format_script = locale_props.format_variant = "";
  return SVM_LOCALE_INITIALIZATION_SUCCEEDED;
}
svm_locale_props_t *svm_get_locale(void) { return &locale_props; }

/* --- sun.misc.Signal support (CSunMiscSignal): handler marks the signal, a Java thread waits --- */
static sem_t signal_semaphore;
static volatile sig_atomic_t pending_signals[NSIG];

int cSunMiscSignal_open(void) { return sem_init(&signal_semaphore, 0, 0); }
int cSunMiscSignal_close(void) { return sem_destroy(&signal_semaphore); }
int cSunMiscSignal_awaitSemaphore(void) {
  while (sem_wait(&signal_semaphore) != 0) { /* retry after EINTR */ }
  return 0;
}
int cSunMiscSignal_signalSemaphore(void) { return sem_post(&signal_semaphore); }
int cSunMiscSignal_signalRangeCheck(int signal) { return signal > 0 && signal < NSIG; }
int cSunMiscSignal_checkPendingSignal(void) {
  for (int s = 1; s < NSIG; s++) {
    if (pending_signals[s]) { pending_signals[s] = 0; return s; }
  }
  return -1;
}
static void dispatch_signal(int signal, siginfo_t *info, void *context) {
  pending_signals[signal] = 1;
  sem_post(&signal_semaphore);
}
void *cSunMiscSignal_signalHandlerFunctionPointer(void) { return (void *) dispatch_signal; }

/* --- time zone (TimeZoneSupport): NULL means "use the TZ variable, else UTC" --- */
char *SVM_FindJavaTZmd(char *tzmappings, int length) { return NULL; }

/* --- referenced by the image object under this bare name; GraalVM's libchelper initialises nothing we need */
int initialize(void) { return 0; }

/* --- container support (libsvm_container): "not in a container", so the OS figures apply --- */
int svm_container_initialize(int version) { return 0; }
long svm_container_active_processor_count(void) { return -1; }
unsigned long svm_container_physical_memory(void) {
  return (unsigned long) sysconf(_SC_PHYS_PAGES) * (unsigned long) sysconf(_SC_PAGESIZE);
}
