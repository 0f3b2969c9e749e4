/* cond-empty: the security fix: the empty record is rejected ("empty", exit 2) before its
   length wraps. Unchanged exactly when the read returns at least one byte. */
#include "tb.h"

static u8 rec[256];

int tb_main(void) {
    long n = tb_input(rec, 64);
    if (n == 0) {
        tb_write(1, "empty\n", 6);
        return 2;
    }
    u8 len = (u8)n;
    u8 sum = 0;
    for (u32 i = 0; i + 1 < len; i++)
        sum += rec[i];
    u8 last = (u8)(len - 1);
    if (sum == rec[last]) {
        tb_write(1, rec, last);
        return 0;
    }
    tb_write(1, "bad\n", 4);
    return 1;
}
