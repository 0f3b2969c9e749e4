/* PATE style: CRC-32 (reflected, polynomial 0xEDB88320) of the input through a NOINLINE
   per-byte helper; stores the CRC and the length to .output; exits with the CRC's low 7 bits. */
#include "tb.h"

OUTPUT volatile u32 crc_out;
OUTPUT volatile u32 len_out;

NOINLINE static u32 crc_byte(u32 crc, u8 x) {
    crc ^= x;
    for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    return crc;
}

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    u32 crc = 0xFFFFFFFFu;
    for (long i = 0; i < n; i++)
        crc = crc_byte(crc, buf[i]);
    crc = ~crc;
    crc_out = crc;
    len_out = (u32)n;
    return crc & 0x7f;
}
