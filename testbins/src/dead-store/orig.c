/* Hashes the input (acc = acc * 31 + byte, from 7) while keeping two debugging globals that are
   written and never read; stores the hash and n + 1 to .output, writes the hash, exits with its
   low 7 bits. */
#include "tb.h"

u32 dbg_last_byte; /* not observable: written, never read */
u32 dbg_iterations;
OUTPUT volatile u32 result[2];

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 acc = 7;
    dbg_iterations = 0;
    for (long i = 0; i < n; i++) {
        dbg_last_byte = buf[i];
        dbg_iterations++;
        acc = acc * 31 + buf[i];
    }
    dbg_last_byte = 0xdead;
    result[0] = acc;
    result[1] = (u32)n + 1;
    tb_put_u32(acc);
    return acc & 0x7f;
}
