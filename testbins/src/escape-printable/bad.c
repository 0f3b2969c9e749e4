/* bad: the result is written to fd 2 instead of fd 1: the write event differs for every
   input. */
#include "tb.h"

int tb_main(void) {
    u8 buf[48];
    long n = tb_input(buf, sizeof buf);
    u32 replaced = 0;
    for (long i = 0; i < n; i++) {
        if (!(buf[i] >= 32 && buf[i] < 127)) {
            buf[i] = '.';
            replaced++;
        }
    }
    tb_write(2, buf, n);
    return replaced;
}
