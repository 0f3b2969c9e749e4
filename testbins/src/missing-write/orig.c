/* Greets the name given as input: "hello, " then the name without a trailing newline, with its
   first letter capitalised, then "!\n", in three writes; exits with the name length. */
#include "tb.h"

int tb_main(void) {
    u8 name[16];
    long n = tb_input(name, sizeof name);
    if (n > 0 && name[n - 1] == '\n')
        n--;
    if (n > 0 && name[0] >= 'a' && name[0] <= 'z')
        name[0] -= 32;
    tb_write(1, "hello, ", 7);
    tb_write(1, name, n);
    tb_write(1, "!\n", 2);
    return n;
}
