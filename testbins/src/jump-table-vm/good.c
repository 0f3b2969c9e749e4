/* good: the cases are listed in a different order, the opcode is extracted with a mask, SWAP is
   an xor swap, and HALT leaves the loop through a flag. */
#include "tb.h"

int tb_main(void) {
    u8 code[32];
    long n = tb_input(code, sizeof code);
    u32 a = 0, b = 0;
    int running = 1;
    for (long pc = 0; running && pc < n; pc++) {
        u32 ins = code[pc];
        u32 arg = ins & 0x1f;
        switch ((ins & 0xe0) >> 5) {
        case 7: running = 0; break;
        case 6: a = a << (arg & 7); break;
        case 5: { u8 c = (u8)(a + arg); tb_write(1, &c, 1); break; }
        case 4: a ^= b; b ^= a; a ^= b; break;
        case 3: b = b ^ (a + arg); break;
        case 2: a = a - arg; break;
        case 1: a = a + arg; break;
        case 0: a = arg; break;
        }
    }
    tb_put_u32(a);
    tb_put_u32(b);
    return (a ^ b) & 0x7f;
}
