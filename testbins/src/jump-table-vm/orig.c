/* A tiny register machine: every input byte is an instruction, opcode in the top 3 bits and a
   5-bit argument, dispatched by a dense 8-case switch. OUT writes one byte; HALT stops. At the end
   writes registers a and b; exits with (a ^ b) mod 128. */
#include "tb.h"

int tb_main(void) {
    u8 code[32];
    long n = tb_input(code, sizeof code);
    u32 a = 0, b = 0;
    for (long pc = 0; pc < n; pc++) {
        u32 op = code[pc] >> 5, arg = code[pc] & 31;
        switch (op) {
        case 0: a = arg; break;                          /* LOAD */
        case 1: a += arg; break;                         /* ADD */
        case 2: a -= arg; break;                         /* SUB */
        case 3: b ^= a + arg; break;                     /* MIX */
        case 4: { u32 t = a; a = b; b = t; break; }      /* SWAP */
        case 5: { u8 c = (u8)(a + arg); tb_write(1, &c, 1); break; } /* OUT */
        case 6: a <<= (arg & 7); break;                  /* SHL */
        case 7: goto halt;                               /* HALT */
        }
    }
halt:
    tb_put_u32(a);
    tb_put_u32(b);
    return (a ^ b) & 0x7f;
}
