/* cond-bounds: the security fix: a length above the 16-byte field is rejected ("E", exit 2)
   before copying. Unchanged exactly when the length byte is at most 16 (or absent). */
#include "tb.h"

static u8 record[24] = {[16] = 1};

int tb_main(void) {
    u8 len = 0;
    tb_input(&len, 1);
    u8 name[24];
    long n = tb_input(name, sizeof name);
    if (len > 16) {
        tb_write(1, "E\n", 2);
        return 2;
    }
    for (long i = 0; i < len && i < n; i++)
        record[i] = name[i];
    tb_write(1, record, 16);
    return record[16] & 0x7f;
}
