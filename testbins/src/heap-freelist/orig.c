/* A stack machine over a free-list allocator on a static pool: an input byte below 0x80 pushes
   itself, any other byte pops the top (if any) and emits top + (byte & 0x7f). Freed nodes are
   reused. Writes the number of pops followed by the emitted bytes; exits with the final depth. */
#include "tb.h"

struct node {
    struct node *next;
    u8 val;
};

static struct node pool[32];
static long pool_used;
static struct node *free_list;

static struct node *node_alloc(void) {
    struct node *nd = free_list;
    if (nd)
        free_list = nd->next;
    else
        nd = &pool[pool_used++];
    return nd;
}

static void node_free(struct node *nd) {
    nd->next = free_list;
    free_list = nd;
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
        if (c < 0x80) {
            struct node *nd = node_alloc();
            nd->val = c;
            nd->next = top;
            top = nd;
            depth++;
        } else if (top) {
            struct node *nd = top;
            out[k++] = nd->val + (c & 0x7f);
            top = nd->next;
            node_free(nd);
            depth--;
        }
    }
    out[0] = (u8)(k - 1);
    tb_write(1, out, k);
    return depth;
}
