/* bad: the done flag is stored as 2 instead of 1: a different constant stored to .output for
   every input. */
#include "tb.h"

OUTPUT volatile u32 counts[4];
OUTPUT volatile u32 done;

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 c[4] = {0, 0, 0, 0};
    for (long i = 0; i < n; i++) {
        u8 x = buf[i];
        if (x >= '0' && x <= '9')
            c[0]++;
        else if ((x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z'))
            c[1]++;
        else if (x == ' ' || x == '\t' || x == '\n')
            c[2]++;
        else
            c[3]++;
    }
    counts[0] = c[0];
    counts[1] = c[1];
    counts[2] = c[2];
    counts[3] = c[3];
    done = 2;
    return c[1] & 0x7f;
}
