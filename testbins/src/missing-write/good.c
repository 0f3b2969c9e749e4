/* good: the name clean-up is extracted into a NOINLINE helper; the three writes are the same. */
#include "tb.h"

NOINLINE static long tidy(u8 *name, long n) {
    if (n == 0)
        return 0;
    if (name[n - 1] == '\n')
        n--;
    if (n != 0 && (u8)(name[0] - 'a') <= 'z' - 'a')
        name[0] = name[0] - 'a' + 'A';
    return n;
}

int tb_main(void) {
    u8 name[16];
    long n = tidy(name, tb_input(name, sizeof name));
    tb_write(1, "hello, ", 7);
    tb_write(1, name, n);
    tb_write(1, "!\n", 2);
    return n;
}
