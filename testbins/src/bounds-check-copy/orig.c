/* A user record: a 16-byte name field followed by a role byte (1 = user) in one global. Reads a
   length byte and up to 24 bytes of name, and copies `len` bytes (capped by what was read) into
   the record with no check against the 16-byte field, so a long name overwrites the role. Writes
   the name field; exits with the role. */
#include "tb.h"

static u8 record[24] = {[16] = 1};

int tb_main(void) {
    u8 len = 0;
    tb_input(&len, 1);
    u8 name[24];
    long n = tb_input(name, sizeof name);
    for (long i = 0; i < len && i < n; i++)
        record[i] = name[i];
    tb_write(1, record, 16);
    return record[16] & 0x7f;
}
