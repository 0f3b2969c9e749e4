/* Reads a length byte, then up to 48 bytes of data, and copies `len` bytes (capped by what was
   read) into a field meant to hold 16. The length is compared as a signed byte, so a length of
   0x80 or more passes the "> 16" check as a negative number and, converted back to unsigned,
   copies everything that was read. Writes the field; exits with the bytes copied. */
#include "tb.h"

int tb_main(void) {
    u8 hdr = 0;
    tb_input(&hdr, 1);
    u8 data[48];
    long n = tb_input(data, sizeof data);
    i32 len = (i8)hdr;
    if (len > 16) {
        tb_write(1, "too long\n", 9);
        return 100;
    }
    u8 field[48];
    u32 m = (u32)len;
    if (m > n)
        m = n;
    for (u32 i = 0; i < m; i++)
        field[i] = data[i];
    tb_write(1, field, m);
    return m;
}
