/* bad: the two writers are called in the other order; they write 2 and 4 bytes, so the first
   write event differs for every input. */
#include "tb.h"

NOINLINE static u32 sum_of(const u8 *p, long n) {
    u32 s = 0;
    for (long i = 0; i < n; i++)
        s += p[i];
    return s;
}

NOINLINE static u32 xor_of(const u8 *p, long n) {
    u32 x = 0;
    for (long i = 0; i < n; i++)
        x ^= p[i];
    return x;
}

NOINLINE static void emit_sum(u32 s) { tb_put_u32(s); }
NOINLINE static void emit_xor(u32 x) { tb_put_u16((u16)x); }

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 s = sum_of(buf, n);
    u32 x = xor_of(buf, n);
    emit_xor(x);
    emit_sum(s);
    return (s ^ x) & 0x7f;
}
