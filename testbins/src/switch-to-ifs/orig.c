/* Runs every input byte through an 8-way switch on its low 3 bits (each case a bijection of the
   state), then an end-of-input record of class 0; writes the state; exits with its low 7 bits. */
#include "tb.h"

NOINLINE static u32 step(u32 acc, u32 op) {
    switch (op) {
    case 0: acc += 0x9e37; break;
    case 1: acc ^= 0x5a5a; break;
    case 2: acc *= 5; break;
    case 3: acc = (acc << 3) | (acc >> 29); break;
    case 4: acc -= 0x1234; break;
    case 5: acc = ~acc; break;
    case 6: acc = acc * 3 + 7; break;
    case 7: acc ^= acc >> 7; break;
    }
    return acc;
}

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 acc = 0x1000;
    for (long i = 0; i < n; i++)
        acc = step(acc + buf[i], buf[i] & 7);
    acc = step(acc, 0); /* end-of-input record */
    tb_put_u32(acc);
    return acc & 0x7f;
}
