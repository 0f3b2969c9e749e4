/* Writes the input with every byte outside printable ASCII (32..126) replaced by '.'; exits with
   the number of replaced bytes. */
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
    tb_write(1, buf, n);
    return replaced;
}
