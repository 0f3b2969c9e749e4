/* good: the chunk is compared as one little-endian 32-bit word. */
#include "tb.h"

int tb_main(void) {
    u32 word;
    long chunks = 0;
    long n = tb_input(&word, sizeof word);
    while (n == 4 && chunks < 4) {
        chunks++;
        tb_put_u8(word == 0x444e4154);
        n = tb_input(&word, sizeof word);
    }
    return chunks;
}
