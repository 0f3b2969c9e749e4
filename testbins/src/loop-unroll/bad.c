/* bad: the unrolled loop writes its two partial sums (even and odd indices) separately: an
   8-byte write instead of 4 bytes, for every input. */
#include "tb.h"

int tb_main(void) {
    u8 buf[64];
    long n = tb_input(buf, sizeof buf);
    u32 sums[2] = {0, 0};
    long i = 0;
    for (; i + 1 < n; i += 2) {
        sums[0] += buf[i] * (1 + (i & 3));
        sums[1] += buf[i + 1] * (1 + ((i + 1) & 3));
    }
    if (i < n)
        sums[0] += buf[i] * (1 + (i & 3));
    tb_write(1, sums, sizeof sums);
    return (sums[0] + sums[1]) & 0x7f;
}
