/* cond-del: the upper bound is dropped (only c >= 32 is tested), so DEL and bytes >= 0x80 are
   no longer replaced. Unchanged exactly when no input byte is 127 or above. */
#include "tb.h"

int tb_main(void) {
    u8 buf[48];
    long n = tb_input(buf, sizeof buf);
    u32 replaced = 0;
    for (long i = 0; i < n; i++) {
        if (buf[i] < 32) {
            buf[i] = '.';
            replaced++;
        }
    }
    tb_write(1, buf, n);
    return replaced;
}
