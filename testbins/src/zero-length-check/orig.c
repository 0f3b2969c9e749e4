/* Reads a record whose last byte is a checksum (sum of the other bytes mod 256). If it matches,
   writes the payload (exit 0), else "bad" (exit 1). The record length is kept in a byte and the
   empty record is not rejected: len - 1 wraps to 255, the checksum is read from rec[255] (zero)
   and 255 bytes are written (an over-read, Heartbleed-style). */
#include "tb.h"

static u8 rec[256];

int tb_main(void) {
    long n = tb_input(rec, 64);
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
