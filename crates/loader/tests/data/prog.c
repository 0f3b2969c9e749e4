/* Fixture program for the tandem-loader tests: a few functions with parameters, globals, and
 * calls into libc (puts, printf, memcpy, malloc, free, getenv). Rebuild with ./build.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int counter = 7;
const char greeting[] = "hello, tandem";
static char buffer[64];

__attribute__((noipa)) int add(int a, int b)
{
    return a + b;
}

__attribute__((noipa)) long scale(long value, int factor)
{
    if (factor < 0)
        return -value;
    return value * factor;
}

__attribute__((noipa)) void copy_greeting(char *dst, size_t n)
{
    memcpy(dst, greeting, n < sizeof greeting ? n : sizeof greeting);
}

__attribute__((noipa)) char *make_buffer(size_t n)
{
    char *p = malloc(n);
    if (p)
        memset(p, 0, n);
    return p;
}

/* Taking the address of getenv and also calling it makes the x86-64 linker route the call
 * through .plt.got (the GLOB_DAT slot) in position-independent builds. */
__attribute__((noipa)) void *getenv_address(void)
{
    return (void *)&getenv;
}

int main(int argc, char **argv)
{
    (void)argv;
    puts(greeting);
    counter = add(counter, argc);
    printf("%d %ld\n", counter, scale(counter, argc));
    copy_greeting(buffer, sizeof buffer);
    char *b = make_buffer(16);
    free(b);
    if (getenv("TANDEM") && getenv_address())
        return 1;
    return 0;
}
