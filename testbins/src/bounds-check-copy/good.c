/* good: the number of bytes to copy is computed first and the copy walks two pointers; still
   no bounds check. */
#include "tb.h"

static u8 record[24] = {[16] = 1};

int tb_main(void) {
    u8 len = 0;
    tb_input(&len, 1);
    u8 name[24];
    long n = tb_input(name, sizeof name);
    long m = len < n ? len : n;
    u8 *dst = record;
    for (const u8 *src = name; src < name + m; src++)
        *dst++ = *src;
    tb_write(1, record, 16);
    return record[16] & 0x7f;
}
