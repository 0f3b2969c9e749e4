//! A small world for unit tests: the image is 0x400000..0x500000, of which
//! 0x402000..0x402010 (`.output`) is observed; `stack` is the only base; memory starts zeroed.

use crate::exec::Observer;
use crate::memory::{InitialMemory, Regions};
use crate::term::{TermId, TermPool, VarKind};

pub struct World {
    pub stack: TermId,
}

impl World {
    /// A pool holding the stack base, and the world around it.
    pub fn new() -> (TermPool, World) {
        let mut pool = TermPool::new();
        let stack = pool.fresh_var("stack", 64, VarKind::Input);
        (pool, World { stack })
    }
}

impl InitialMemory for World {
    fn byte(&self, pool: &mut TermPool, _addr: TermId) -> TermId {
        pool.c(8, 0)
    }
}

impl Regions for World {
    fn is_base(&self, t: TermId) -> bool {
        t == self.stack
    }
    fn in_image(&self, addr: u64) -> bool {
        (0x40_0000..0x50_0000).contains(&addr)
    }
}

impl Observer for World {
    fn observed(&self, pool: &mut TermPool, addr: TermId) -> Option<(String, TermId)> {
        let c = pool.linear(addr).constant as u64;
        if !(0x40_2000..0x40_2010).contains(&c) {
            return None;
        }
        let start = pool.c(64, 0x40_2000);
        Some((".output".to_string(), pool.sub(addr, start)))
    }
    fn observes_any(&self) -> bool {
        true
    }
}
