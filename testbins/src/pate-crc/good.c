/* good: the per-byte helper is inlined by hand and its bit step is written with a branch. */
#include "tb.h"

OUTPUT volatile u32 crc_out;
OUTPUT volatile u32 len_out;

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    u32 crc = 0xFFFFFFFFu;
    for (long i = 0; i < n; i++) {
        crc ^= buf[i];
        for (int k = 0; k < 8; k++) {
            if (crc & 1)
                crc = (crc >> 1) ^ 0xEDB88320u;
            else
                crc >>= 1;
        }
    }
    crc ^= 0xFFFFFFFFu;
    crc_out = crc;
    len_out = (u32)n;
    return crc & 0x7f;
}
