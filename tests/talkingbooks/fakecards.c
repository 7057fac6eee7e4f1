#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdarg.h>
static const char *swap(const char *p){
  const char *f = getenv("FAKE_ASOUND_CARDS");
  return (p && f && strcmp(p, "/proc/asound/cards") == 0) ? f : p;
}
FILE *fopen(const char *p, const char *m){ FILE *(*r)(const char*,const char*) = dlsym(RTLD_NEXT,"fopen"); return r(swap(p),m); }
FILE *fopen64(const char *p, const char *m){ FILE *(*r)(const char*,const char*) = dlsym(RTLD_NEXT,"fopen64"); return r(swap(p),m); }
int open(const char *p, int fl, ...){ int (*r)(const char*,int,...) = dlsym(RTLD_NEXT,"open"); va_list a; va_start(a,fl); int md=va_arg(a,int); va_end(a); return r(swap(p),fl,md); }
int open64(const char *p, int fl, ...){ int (*r)(const char*,int,...) = dlsym(RTLD_NEXT,"open64"); va_list a; va_start(a,fl); int md=va_arg(a,int); va_end(a); return r(swap(p),fl,md); }
