/* good-fnptr: dispatch through a constant table of handler functions (indirect calls) instead of
   a switch; each handler updates the machine state and returns 0 to stop. */
#include "tb.h"

struct vm { u32 a, b; };

typedef int (*handler)(struct vm *, u32);

static int op_load(struct vm *m, u32 arg) { m->a = arg; return 1; }
static int op_add(struct vm *m, u32 arg) { m->a += arg; return 1; }
static int op_sub(struct vm *m, u32 arg) { m->a -= arg; return 1; }
static int op_mix(struct vm *m, u32 arg) { m->b ^= m->a + arg; return 1; }
static int op_swap(struct vm *m, u32 arg) { (void)arg; u32 t = m->a; m->a = m->b; m->b = t; return 1; }
static int op_out(struct vm *m, u32 arg) { u8 c = (u8)(m->a + arg); tb_write(1, &c, 1); return 1; }
static int op_shl(struct vm *m, u32 arg) { m->a <<= (arg & 7); return 1; }
static int op_halt(struct vm *m, u32 arg) { (void)m; (void)arg; return 0; }

static handler const ops[8] = {op_load, op_add, op_sub, op_mix, op_swap, op_out, op_shl, op_halt};

int tb_main(void) {
    u8 code[32];
    long n = tb_input(code, sizeof code);
    struct vm m;
    m.a = 0;
    m.b = 0;
    for (long pc = 0; pc < n; pc++)
        if (!ops[code[pc] >> 5](&m, code[pc] & 31))
            break;
    tb_put_u32(m.a);
    tb_put_u32(m.b);
    return (m.a ^ m.b) & 0x7f;
}
