/* bad: the write covers 17 bytes (the name field and the role): one byte more, for every
   input. */
#include "tb.h"

static u8 record[24] = {[16] = 1};

int tb_main(void) {
    u8 len = 0;
    tb_input(&len, 1);
    u8 name[24];
    long n = tb_input(name, sizeof name);
    for (long i = 0; i < len && i < n; i++)
        record[i] = name[i];
    tb_write(1, record, 17);
    return record[16] & 0x7f;
}
