/* PATE style: the only outputs are stores to .output and the exit status. Stores the minimum,
   maximum, sum and count of the input bytes, in that order; exits with 1 on empty input. */
#include "tb.h"

OUTPUT volatile u32 stats[4];

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 mn = 255, mx = 0, sum = 0;
    for (long i = 0; i < n; i++) {
        if (buf[i] < mn)
            mn = buf[i];
        if (buf[i] > mx)
            mx = buf[i];
        sum += buf[i];
    }
    stats[0] = mn;
    stats[1] = mx;
    stats[2] = sum;
    stats[3] = (u32)n;
    return n == 0;
}
