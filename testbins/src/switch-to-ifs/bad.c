/* bad: the if-chain version dispatches the end-of-input record as class 4 instead of 0. The
   state before it is the same, and s + 0x9e37 != s - 0x1234 for every s, so the written state
   differs for every input. */
#include "tb.h"

NOINLINE static u32 step(u32 acc, u32 op) {
    if (op == 7)
        acc ^= acc >> 7;
    else if (op == 5)
        acc = ~acc;
    else if (op == 3)
        acc = (acc << 3) | (acc >> 29);
    else if (op == 1)
        acc ^= 0x5a5a;
    else if (op == 0)
        acc += 0x9e37;
    else if (op == 2)
        acc *= 5;
    else if (op == 4)
        acc -= 0x1234;
    else if (op == 6)
        acc = acc * 3 + 7;
    return acc;
}

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 acc = 0x1000;
    for (long i = 0; i < n; i++)
        acc = step(acc + buf[i], buf[i] & 7);
    acc = step(acc, 4); /* end-of-input record */
    tb_put_u32(acc);
    return acc & 0x7f;
}
