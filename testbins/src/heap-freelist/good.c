/* good: a different heap layout: the allocator never reuses freed nodes (a plain bump over the
   pool, which cannot run out since there are at most 32 pushes) and nodes hold the value
   first. */
#include "tb.h"

struct node {
    u8 val;
    struct node *next;
};

static struct node pool[32];
static long pool_used;

static struct node *node_alloc(void) {
    return &pool[pool_used++];
}

static void node_free(struct node *nd) {
    (void)nd;
}

int tb_main(void) {
    u8 cmd[32];
    long n = tb_input(cmd, sizeof cmd);
    struct node *top = 0;
    u32 depth = 0;
    u8 out[33];
    long k = 1;
    for (long i = 0; i < n; i++) {
        u8 c = cmd[i];
        if (!(c & 0x80)) {
            struct node *nd = node_alloc();
            nd->next = top;
            nd->val = c;
            top = nd;
            depth++;
        } else if (top != 0) {
            out[k] = top->val + (c - 0x80);
            k++;
            struct node *old = top;
            top = top->next;
            node_free(old);
            depth--;
        }
    }
    out[0] = (u8)(k - 1);
    tb_write(1, out, k);
    return depth;
}
